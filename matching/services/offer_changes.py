"""What a change to an offer asks of its matches, run by offers' own services through the hook
MatchingConfig.ready hands in (offers build below matching and do not import it): more places,
or an offer active again, go to the first on its waiting list; an offer paused or stopped sends
its citizens' bridge-builders to find another."""

from accounts.constants import Role
from accounts.models import User
from followups.services import tasks_offer_stopped
from matching.models import Match
from matching.services.waiting_list import offer_waiting_list_fill_places
from offers.constants import MatchStatus, OfferStatus
from offers.models import Offer


def offer_changed(*, offer: Offer, change: str, actor: User | None) -> None:
    if change == "capacity" or (change == "status" and offer.status == OfferStatus.ACTIVE):
        # More places, or places that came free while it was paused: to the first who waits.
        offer_waiting_list_fill_places(offer=offer)
    elif change == "status" and offer.status in (OfferStatus.PAUSED, OfferStatus.ARCHIVED):
        _tell_the_matched(offer=offer, paused=offer.status == OfferStatus.PAUSED, actor=actor)


def _tell_the_matched(*, offer: Offer, paused: bool, actor: User | None) -> None:
    """The citizens matched with an offer that paused or stopped need another: their
    bridge-builders get a task to find one, and the offer's other coordinators are told."""
    matches = list(
        Match.objects.filter(offer=offer)
        .exclude(status=MatchStatus.ENDED)
        .select_related("case__citizen", "case__team", "case__assignee")
        .order_by("created_at", "pk")
    )
    if not matches:
        return
    coordinators = (
        User.objects.filter(
            is_active=True, groups__name=Role.COORDINATOR, memberships__team_id=offer.team_id
        )
        .exclude(pk=actor.pk if actor is not None else None)
        .distinct()
        .order_by("pk")
        if offer.team_id
        else User.objects.none()
    )
    tasks_offer_stopped(
        offer_id=offer.pk,
        offer_title=offer.title,
        paused=paused,
        matches=matches,
        coordinators=list(coordinators),
        coordinating_team=offer.team,
        actor=actor,
    )
