"""What matching reads: the coordinators' requests and the matches they may see, the shared
parts of a match, and the waiting lists of full offers."""

import uuid

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from accounts.constants import Role
from accounts.models import User
from matching.constants import ProviderResponse
from matching.models import Match, OfferWaitingListEntry
from offers.constants import (
    OPEN_MATCH_STATUSES,
    MatchStatus,
    OfferStatus,
)
from offers.models import Offer
from offers.selectors import offers_managed_by
from referrals.constants import ConsentPurpose
from referrals.models import ConsentRecord
from referrals.selectors import cases_visible_to
from volunteers.selectors import volunteers_managed_by


def matches_for_provider(*, user: User) -> QuerySet[Match]:
    """The requests and matches for the offers and volunteers the coordinator manages."""
    if not (user.is_authenticated and user.has_role(Role.COORDINATOR)):
        return Match.objects.none()
    return Match.objects.filter(
        Q(offer__in=offers_managed_by(user=user).values("pk"))
        | Q(volunteer__in=volunteers_managed_by(user=user).values("pk"))
    )


def matches_of_case(*, user: User, case) -> QuerySet[Match]:
    if not cases_visible_to(user=user).filter(pk=case.pk).exists():
        return Match.objects.none()
    return (
        Match.objects.filter(case=case)
        .select_related("offer__organisation", "volunteer")
        .order_by("-created_at")
    )


def provider_match_get(*, user: User, match_id) -> Match:
    try:
        return (
            matches_for_provider(user=user)
            .select_related("citizen", "offer", "volunteer", "case__assignee")
            .get(pk=match_id)
        )
    except (Match.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def provider_matches(*, statuses, offer: Offer | None = None, volunteer=None) -> list[Match]:
    """An offer's or a volunteer's matches in the given statuses, oldest first, each marked
    with what that provider may know of the citizen (`matches_mark_shared`)."""
    provider = {"offer": offer} if offer is not None else {"volunteer": volunteer}
    return matches_mark_shared(
        list(
            Match.objects.filter(status__in=statuses, **provider)
            .select_related("citizen")
            .order_by("created_at", "pk")
        )
    )


def open_matches_of_volunteer(*, volunteer) -> list[Match]:
    """The citizens the volunteer has or is proposed to now: the volunteer's page
    (volunteers.selectors, which matching hands this to at start-up)."""
    return provider_matches(volunteer=volunteer, statuses=OPEN_MATCH_STATUSES)


def proposal_for_request() -> Exists:
    """Whether a volunteer is proposed to the outer VolunteerRequest's citizen in its role: the
    waiting list's mark (volunteers.selectors.waiting_list)."""
    return Exists(
        Match.objects.filter(
            citizen_id=OuterRef("citizen_id"),
            volunteer_role=OuterRef("role"),
            volunteer__isnull=False,
            status__in=OPEN_MATCH_STATUSES,
        )
    )


def open_matches_of_offer(*, offer: Offer) -> list[Match]:
    """The citizens coming to the offer now: the attendance list."""
    return provider_matches(offer=offer, statuses=[MatchStatus.FIRST_MEETING, MatchStatus.ACTIVE])


# --- What an offer or volunteer may know ----------------------------------------------------------


def _sharing_consent(match: Match) -> tuple[str, object]:
    """The purpose and recipient of the consent that lets this match's provider see the
    citizen: sharing with this offer, or with this volunteer."""
    if match.offer_id:
        return ConsentPurpose.SHARE_OFFER, match.offer_id
    return ConsentPurpose.SHARE_VOLUNTEER, match.volunteer_id


def matches_mark_shared(matches: list[Match]) -> list[Match]:
    """Set `match.shared`: whether the citizen's consent to share with this very offer or
    volunteer stands. Only then does the provider see the first name, phone and needs; consent
    to share with another offer or volunteer lets this one see nothing (consent has a purpose
    and a recipient). Every page, e-mail and answer that shows a citizen to a provider asks
    here. One query for the whole list."""
    wanted = {(m.citizen_id, *_sharing_consent(m)) for m in matches}
    granted = set(
        ConsentRecord.objects.active()
        .filter(
            citizen_id__in={citizen_id for citizen_id, _purpose, _recipient in wanted},
            purpose__in={purpose for _citizen, purpose, _recipient in wanted},
            recipient_id__in={recipient for _citizen, _purpose, recipient in wanted},
        )
        .values_list("citizen_id", "purpose", "recipient_id")
    )
    for match in matches:
        match.shared = (match.citizen_id, *_sharing_consent(match)) in granted
    return matches


def match_provider_may_see_citizen(match: Match) -> bool:
    return matches_mark_shared([match])[0].shared


# A request waits for the offer's or the volunteer's answer until the first meeting is planned:
# from then on the meeting answers it (whether the citizen came).
ANSWERED_BY_THE_REQUEST = (MatchStatus.PROPOSED, MatchStatus.ACCEPTED)

# The sections of the coordinator's requests page, in the page's order.
PROVIDER_REQUEST_SECTIONS = ("pending", "meetings", "waiting", "active")


def provider_request_section(match: Match) -> str:
    """The section of the requests page a match belongs in, by its state: a new request to
    answer ("pending"), confirmed and waiting for the first meeting ("waiting"), its first
    meeting planned ("meetings"), under way ("active"); "" once it has ended."""
    if match.status in ANSWERED_BY_THE_REQUEST:
        return "pending" if match.provider_response == ProviderResponse.PENDING else "waiting"
    return {MatchStatus.FIRST_MEETING: "meetings", MatchStatus.ACTIVE: "active"}.get(
        match.status, ""
    )


def provider_requests(*, user: User) -> dict[str, list[Match]]:
    """The coordinator's open requests and matches in the sections of the requests page: each
    match once, in the section of its state (provider_request_section), oldest first, marked
    with whether the citizen's consent lets them see who it is."""
    matches = matches_mark_shared(
        list(
            matches_for_provider(user=user)
            .filter(status__in=OPEN_MATCH_STATUSES)
            .select_related("citizen", "offer", "volunteer", "case__assignee", "proposed_by")
            .order_by("created_at", "pk")
        )
    )
    sections: dict[str, list[Match]] = {name: [] for name in PROVIDER_REQUEST_SECTIONS}
    for match in matches:
        section = provider_request_section(match)
        if section:
            sections[section].append(match)
    return sections


# --- Waiting lists for full offers ----------------------------------------------------------------


def _open_waiting_entries():
    return OfferWaitingListEntry.objects.filter(left_at__isnull=True)


def waiting_counts(offer_ids) -> dict:
    """How many citizens are on each offer's waiting list (those offered a place that came free
    included, until they take it): the ranking's "Full – N on the waiting list". A count for
    every offer asked about, 0 where nobody waits; counts only, nothing about anyone. One
    query."""
    ids = {uuid.UUID(str(offer_id)) for offer_id in offer_ids}
    if not ids:
        return {}
    counts = dict.fromkeys(ids, 0)
    rows = (
        _open_waiting_entries()
        .filter(offer_id__in=ids)
        .values("offer_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    counts.update({row["offer_id"]: row["count"] for row in rows})
    return counts


def full_offer_ids(offer_ids) -> set:
    """Those of the offers that a newcomer goes on the waiting list for: active, and no place
    free that is not held for someone on the list. One query."""
    held = Subquery(
        _open_waiting_entries()
        .filter(offer=OuterRef("pk"), offered_at__isnull=False)
        .order_by()
        .values("offer")
        .annotate(count=Count("id"))
        .values("count")
    )
    return set(
        Offer.objects.filter(
            pk__in=list(offer_ids), status=OfferStatus.ACTIVE, capacity__isnull=False
        )
        .annotate(held=Coalesce(held, 0))
        .filter(capacity__lte=F("places_taken") + F("held"))
        .values_list("pk", flat=True)
    )


def _in_queue(entries: QuerySet[OfferWaitingListEntry]) -> QuerySet[OfferWaitingListEntry]:
    """Each entry with its place in its offer's queue (`position`, from 1) and the queue's
    length (`queue_length`): first come, first served."""
    queue = _open_waiting_entries().filter(offer=OuterRef("offer")).order_by().values("offer")
    ahead = queue.filter(
        Q(created_at__lt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
    )
    return entries.annotate(
        position=Coalesce(Subquery(ahead.annotate(count=Count("id")).values("count")), 0) + 1,
        queue_length=Subquery(queue.annotate(count=Count("id")).values("count")),
    )


def waiting_list_of_case(*, case) -> list[OfferWaitingListEntry]:
    """The offers the case's citizen waits for, each with its place in the queue, for the
    case's matching page (whose read of the case is logged already)."""
    entries = _in_queue(
        _open_waiting_entries().filter(case=case).select_related("offer__organisation")
    )
    return list(entries.order_by("created_at", "pk"))


def offer_waiting_list(*, user: User, offer: Offer) -> list[OfferWaitingListEntry]:
    """The offer's waiting list in turn, for those who may view offers. Each entry is `named`
    where the reader may see the citizen's case (the bridge-builders of the citizen's team):
    only then may a page show who it is, and each name shown is a read of the citizen's data.
    Nobody else learns more than how many wait."""
    if not (user.is_authenticated and user.has_perm("offers.view_offer")):
        return []
    named = Exists(cases_visible_to(user=user).filter(pk=OuterRef("case_id")))
    entries = _in_queue(
        _open_waiting_entries().filter(offer=offer).select_related("citizen").annotate(named=named)
    )
    return list(entries.order_by("created_at", "pk"))
