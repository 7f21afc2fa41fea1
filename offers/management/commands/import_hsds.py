from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.constants import OrganisationKind
from accounts.models import Team
from offers.constants import Strategy
from offers.hsds import hsds_import, hsds_load


class Command(BaseCommand):
    help = (
        "Import offers from Open Referral HSDS 3.0 services: a paged service list (as the HSDS "
        "API's /services gives it), a bare JSON list of services, or one service. Offers known "
        "already (by Brobyg's own id, or by organisation and title) are updated, never "
        "duplicated; organisations are created when needed. A new offer without a coordinating "
        "team (--team, or its organisation's own) or without a place (unless the service says "
        "it is by phone or online) is held for review: in no directory and no matching until "
        "a coordinator makes it active (manage.py hsds_review lists them). Prints what was "
        "created, updated, left unchanged and skipped, with the reasons."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The HSDS JSON file.")
        parser.add_argument(
            "--team",
            default="",
            help=(
                "The name of the coordinating team that keeps the imported offers up to date. "
                "Without it, an offer goes to its organisation's own coordinating team, or is "
                "held for review."
            ),
        )
        parser.add_argument(
            "--strategy",
            default=Strategy.SOCIAL_NETWORK,
            choices=Strategy.values,
            help="The intervention strategy of services without a brobyg-strategy term.",
        )
        parser.add_argument(
            "--organisation-kind",
            default=OrganisationKind.ASSOCIATION,
            choices=OrganisationKind.values,
            help="The kind given to organisations the import creates.",
        )

    def handle(self, *args, path: Path, team: str, strategy: str, organisation_kind: str, **opts):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        coordinating_team = None
        if team:
            coordinating_team = Team.objects.filter(name=team).first()
            if coordinating_team is None:
                raise CommandError(f"No team is called {team!r}.")
        try:
            report = hsds_import(
                data=hsds_load(text),
                team=coordinating_team,
                default_strategy=strategy,
                organisation_kind=organisation_kind,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        for result in report.results:
            line = f"{result.action}: {result.name}"
            if result.reason:
                line += f" – {result.reason}"
            self.stdout.write(line)
            for note in result.notes:
                self.stdout.write(f"    {note}")
        self.stdout.write(
            f"{report.count('created')} created, {report.count('updated')} updated, "
            f"{report.count('unchanged')} unchanged, {report.count('skipped')} skipped; "
            f"{report.held} held for review."
        )
