import uuid

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import Team
from offers.hsds import offer_review_release, offers_held, review_reason_texts


class Command(BaseCommand):
    help = (
        "The offers an HSDS import held for review (no coordinating team, or no place), with "
        "why; --release ID --team NAME gives one the team and makes it active. A coordinator "
        "of a team that keeps a held offer makes it active from the offer's page."
    )

    def add_arguments(self, parser):
        parser.add_argument("--release", metavar="ID", default="", help="A held offer's id.")
        parser.add_argument(
            "--team",
            default="",
            help="The name of the coordinating team that keeps the released offer up to date.",
        )

    def handle(self, *args, release: str, team: str, **opts):
        if release:
            self._release(release, team)
            return
        held = list(offers_held())
        for offer in held:
            keeper = offer.team.name if offer.team else "-"
            self.stdout.write(f"{offer.pk}  {offer.title} ({offer.organisation.name}), {keeper}")
            for reason in review_reason_texts(offer):
                self.stdout.write(f"    {reason}")
        self.stdout.write(f"{len(held)} held for review.")

    def _release(self, offer_id: str, team_name: str) -> None:
        if not team_name:
            raise CommandError("Give the --team that keeps the offer up to date.")
        team = Team.objects.filter(name=team_name).first()
        if team is None:
            raise CommandError(f"No team is called {team_name!r}.")
        offer = offers_held().filter(pk=offer_id).first() if _is_uuid(offer_id) else None
        if offer is None:
            raise CommandError(f"No offer with the id {offer_id!r} is held for review.")
        try:
            offer = offer_review_release(offer=offer, team=team, actor=None)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"active: {offer.title}, kept by {team.name}")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True
