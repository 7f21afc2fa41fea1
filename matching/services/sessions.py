"""The sessions of group offers: who is expected at one, what each needs to get there (the
coordinator's pickup list), and the calls before each session.

Lyngby-Taarbæk (seed 003, DOMAIN §10) calls everyone before each session of its café — "Jamen,
kommer du i morgen? Vi glæder os til at se dig!" — and coordinates who needs a lift there.
An offer asks for the calls with `call_before_sessions`; the daily task makes them
`call_days_before` days ahead (matching/tasks.py).

Who is expected at a session: each citizen whose match with the offer is active, and each whose
first meeting is that day. The days an offer meets come from its meeting times
(offers/schedules.py).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from followups.constants import TaskKind, TaskOrigin
from followups.models import Task
from followups.services import task_create
from matching.models import Match, MatchProfile
from matching.selectors import matches_mark_shared
from offers.constants import MatchStatus, OfferStatus
from offers.models import Offer
from offers.schedules import meeting_dates, possible_meeting_dates
from referrals.constants import OPEN_STATUSES

# How far ahead the pickup list looks for the offer's next sessions.
SESSIONS_AHEAD_DAYS = 366


def _expected_q(days: list[date]) -> Q:
    """Matches whose citizen is expected at a session on one of `days`."""
    return Q(case__status__in=OPEN_STATUSES) & (
        Q(status=MatchStatus.ACTIVE)
        | Q(status=MatchStatus.FIRST_MEETING, first_meeting_at__date__in=days)
    )


def _expected_on(match: Match, day: date) -> bool:
    return match.status == MatchStatus.ACTIVE or (
        match.first_meeting_at is not None and timezone.localdate(match.first_meeting_at) == day
    )


# --- The pickup list ----------------------------------------------------------------------------


def session_dates_ahead(*, offer: Offer, start: date, count: int = 6) -> list[date]:
    """The offer's next `count` meeting days from `start` (included)."""
    return meeting_dates(offer.schedules.all(), start, start + timedelta(days=SESSIONS_AHEAD_DAYS))[
        :count
    ]


def session_meets_on(*, offer: Offer, on: date) -> bool:
    """Whether the offer meets (or may meet) on `on`."""
    return bool(possible_meeting_dates(offer.schedules.all(), on, on))


@dataclass
class ExpectedCitizen:
    """One citizen expected at a session, as the offer's coordinator may know them: the first
    name, phone and needs only with the citizen's consent to share with this very offer;
    otherwise a reference and an age band, and nothing of the needs."""

    match: Match
    name: str
    shared: bool
    first_time: bool
    phone: str = ""
    needs_transport: bool = False
    transport_arranged_by: str = ""
    needs_wheelchair: bool = False
    needs_companion: bool = False
    companion_arranged_by: str = ""

    @property
    def needs_anything(self) -> bool:
        return self.needs_transport or self.needs_wheelchair or self.needs_companion


def _expected_citizen(match: Match, on: date) -> ExpectedCitizen:
    first_time = match.status == MatchStatus.FIRST_MEETING
    row = ExpectedCitizen(
        match=match, name=match.citizen_for_provider, shared=match.shared, first_time=first_time
    )
    if not match.shared:
        return row
    citizen = match.citizen
    try:
        profile = citizen.match_profile
    except MatchProfile.DoesNotExist:
        profile = None
    row.phone = citizen.phone
    row.needs_transport = citizen.needs_transport
    row.transport_arranged_by = profile.transport_arranged_by if profile else ""
    row.needs_wheelchair = citizen.needs_mobility
    # The first time, whoever the bridge-builder planned goes along (følgeskab); after that,
    # whoever the citizen's profile says.
    if first_time and match.accompaniment:
        row.needs_companion, row.companion_arranged_by = True, match.accompanied_by
    elif profile is not None and profile.needs_companion:
        row.needs_companion, row.companion_arranged_by = True, profile.companion_arranged_by
    return row


def session_pickup_list(*, offer: Offer, on: date) -> list[ExpectedCitizen]:
    """The citizens expected at the offer's session on `on`, with what each needs to get there
    and be there: transport (and who drives), a wheelchair, someone to go along. Those who need
    a lift first. The caller found the offer through offers.selectors.offer_managed_get and logs
    the read of each citizen listed."""
    matches = matches_mark_shared(
        list(
            Match.objects.filter(_expected_q([on]), offer=offer)
            .select_related("citizen__match_profile")
            .order_by("created_at", "pk")
        )
    )
    rows = [_expected_citizen(match, on) for match in matches]
    return sorted(rows, key=lambda r: (not r.shared, not r.needs_transport, r.name.casefold()))


# --- The calls before each session --------------------------------------------------------------


@transaction.atomic
def session_calls_create(*, on: date | None = None) -> int:
    """The day's calls before sessions; how many tasks were made.

    For each active group offer that asks for them, each session in the next
    `call_days_before` days gets a call for each citizen expected there, due `call_days_before`
    days before it (today, if that has passed): once per citizen and session, however often
    this runs. The offers are locked in primary-key order before the calls made earlier are
    looked up, so a second run at the same moment waits for the first and then finds its calls.

    The call is the bridge-builder's, on the case: in the seed it is the bridge-builder who
    knows the citizen and motivates them to come (Lyngby-Taarbæk's "en brobygger ... sørger for,
    at de ældre borgere motiveres til at deltage"), the call after a missed session is theirs
    too, and the offer's coordinator may know the citizen (and their phone) only with consent
    to share with this very offer and sees no task on a case. Without a bridge-builder on the
    case, the call is the case's team's."""
    today = on or timezone.localdate()
    offers = list(
        Offer.objects.filter(call_before_sessions=True, is_group=True, status=OfferStatus.ACTIVE)
        .order_by("pk")
        .select_for_update()
        .prefetch_related("schedules")
    )
    sessions = {
        offer.pk: meeting_dates(
            offer.schedules.all(),
            today + timedelta(days=1),
            today + timedelta(days=offer.call_days_before),
        )
        for offer in offers
    }
    offers = [offer for offer in offers if sessions[offer.pk]]
    if not offers:
        return 0
    days = sorted({day for offer in offers for day in sessions[offer.pk]})
    matches = list(
        Match.objects.filter(_expected_q(days), offer__in=offers)
        .select_related("citizen", "case__team", "case__assignee")
        .order_by("offer_id", "created_at", "pk")
    )
    called = set(
        Task.objects.filter(
            kind=TaskKind.CALL_BEFORE_SESSION,
            data__origin=TaskOrigin.BEFORE_SESSION,
            data__offer_id__in=[str(offer.pk) for offer in offers],
        ).values_list("citizen_id", "data__offer_id", "data__date")
    )
    by_offer = {offer.pk: offer for offer in offers}
    made = 0
    for match in matches:
        offer = by_offer[match.offer_id]
        for day in sessions[offer.pk]:
            key = (match.citizen_id, str(offer.pk), day.isoformat())
            if key in called or not _expected_on(match, day):
                continue
            _call_task(match=match, offer=offer, day=day, today=today)
            called.add(key)
            made += 1
    return made


def _call_task(*, match: Match, offer: Offer, day: date, today: date) -> Task:
    case = match.case
    assignee = case.assignee if case.assignee and case.assignee.is_active else None
    return task_create(
        citizen=match.citizen,
        case=case,
        team=case.team,
        assignee=assignee,
        actor=None,
        kind=TaskKind.CALL_BEFORE_SESSION,
        data={
            "origin": TaskOrigin.BEFORE_SESSION,
            "offer": offer.title,
            "offer_id": str(offer.pk),
            "date": day.isoformat(),
        },
        due=max(today, day - timedelta(days=offer.call_days_before)),
        match=match,
    )
