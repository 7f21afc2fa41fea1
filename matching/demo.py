"""The demo citizens' wishes for matching, the two who agreed to be suggested to each other,
matches in every state with the demo offers and volunteers, and a telefonven who calls every
other Wednesday with the contacts she has logged. Idempotent: looks up before it creates. Runs
after the offers', the referrals' and the volunteers' demo steps."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from followups.services import task_complete
from matching.models import ContactChannel, ContactOutcome, ContactRhythm, Match, MatchProfile
from matching.services import (
    contact_agreement_set,
    contact_log_record,
    match_accept,
    match_end,
    match_plan_first_meeting,
    match_profile_save,
    match_propose,
    match_record_first_meeting,
    match_respond,
)
from offers.constants import MatchEndReason, Weekday
from offers.models import Offer
from referrals.constants import OPEN_STATUSES, ConsentMethod, ConsentPurpose
from referrals.models import Case
from referrals.services import consent_give
from volunteers.constants import VolunteerRole
from volunteers.demo import VOLUNTEERS
from volunteers.models import Volunteer

# Citizen first name -> wishes for matching.
PROFILES = {
    "Birthe": {
        "interests": ["walking", "coffee"],
        "activity_kinds": ["nature", "network_cafe"],
        "slots": [1, 4, 7],
        "max_distance_km": 10,
    },
    "Jens": {
        "interests": ["woodwork", "fishing"],
        "activity_kinds": ["crafts"],
        "slots": [3, 6, 9],
        "max_distance_km": 15,
    },
    "Anna": {
        "interests": ["cards", "coffee"],
        "activity_kinds": ["visiting_friend"],
        "slots": [4, 7, 10],
        "max_distance_km": 5,
    },
    "Ahmad": {
        "interests": ["cooking", "digital"],
        "activity_kinds": ["food"],
        "slots": [5, 8],
        "max_distance_km": 10,
        "wants_company_of_others": True,
    },
    "Fatima": {
        "interests": ["crafts", "cooking"],
        "activity_kinds": ["food", "crafts"],
        "slots": [7, 10],
        "max_distance_km": 10,
        "other_languages": ["ar"],
    },
}

# Both said yes to being suggested to other citizens who want the same: the demo's pair who
# could go to a meal community together.
COMPANIONS = ("Ahmad", "Fatima")


def _open_case(first_name: str) -> Case | None:
    return (
        Case.objects.filter(citizen__first_name=first_name, status__in=OPEN_STATUSES)
        .select_related("citizen")
        .first()
    )


def _demo_volunteers() -> dict[str, Volunteer]:
    """The demo's volunteers by first name (volunteers/demo.py made them)."""
    found = {}
    for first, last, *_rest in VOLUNTEERS:
        volunteer = Volunteer.objects.filter(first_name=first, last_name=last).first()
        if volunteer is not None:
            found[first] = volunteer
    return found


def _matches(builder: User, volunteers: dict[str, Volunteer]) -> None:
    if Match.objects.exists():
        return
    # Meetings at two in the afternoon, a few days either side of today.
    now = timezone.localtime().replace(hour=14, minute=0, second=0, microsecond=0)
    offers = {o.title: o for o in Offer.objects.filter(status="active")}

    def offer_like(*words):
        for title, offer in offers.items():
            if any(w.lower() in title.lower() for w in words) and not offer.is_full:
                return offer
        return None

    birthe, jens, anna, ahmad = (_open_case(n) for n in ("Birthe", "Jens", "Anna", "Ahmad"))
    if birthe and (walk := offer_like("gå", "natur", "café")):
        match_propose(case=birthe, offer=walk, actor=builder, reasons=["Fælles interesse: gåture"])
    if anna and (grethe := volunteers.get("Grethe")):
        match = match_propose(case=anna, volunteer=grethe, actor=builder)
        match_accept(match=match, actor=builder)
    if jens and (shed := offer_like("mænd", "værksted", "skur", "træ")):
        match = match_propose(case=jens, offer=shed, actor=builder)
        match_accept(match=match, actor=builder)
        match_plan_first_meeting(
            match=match,
            at=now - timedelta(days=9),
            actor=builder,
            accompaniment=True,
            accompanied_by="Ole (følgeven)",
        )
        match_record_first_meeting(match=match, came=True, actor=builder)
    if jens and (ole := volunteers.get("Ole")):
        match = match_propose(case=jens, volunteer=ole, role="companion", actor=builder)
        match_accept(match=match, actor=builder)
        match_plan_first_meeting(match=match, at=now + timedelta(days=3), actor=builder)
    if ahmad and (maja := volunteers.get("Maja")):
        match = match_propose(case=ahmad, volunteer=maja, actor=builder)
        match_respond(
            match=match,
            confirmed=False,
            actor=builder,
            note="Maja har ikke plads før efter sommerferien.",
        )
    if anna and (cafe := offer_like("café", "cafe")):
        match = match_propose(case=anna, offer=cafe, actor=builder)
        match_end(
            match=match,
            reason=MatchEndReason.NOT_A_FIT,
            actor=builder,
            note="For mange mennesker på én gang.",
        )


def _phone_friend(builder: User, volunteers: dict[str, Volunteer]) -> None:
    """Fatima waited for a telefonven; Yasmin, who speaks Arabic, calls her every other Wednesday
    at 10. Yasmin is a besøgsven too, so the match says which role she has here: telefonven (the
    Red Cross telephone guide, seed 004: a fixed rhythm, topics parked for next time)."""
    fatima, yasmin = _open_case("Fatima"), volunteers.get("Yasmin")
    if fatima is None or yasmin is None:
        return
    match = Match.objects.filter(citizen=fatima.citizen, volunteer=yasmin).first()
    today = timezone.localdate()
    # The first call: the Wednesday three to four weeks ago (within the 30 days a first meeting
    # may be recorded back).
    first = today - timedelta(days=23)
    first -= timedelta(days=(first.weekday() - Weekday.WEDNESDAY) % 7)
    if match is None:
        match = match_propose(
            case=fatima, volunteer=yasmin, role=VolunteerRole.PHONE_FRIEND, actor=builder
        )
        match_accept(match=match, actor=builder)
        at = timezone.make_aware(datetime.combine(first, time(10)))
        match_plan_first_meeting(match=match, at=at, actor=builder)
        match = match_record_first_meeting(match=match, came=True, actor=builder)
        # The calls after the first meeting were made: only what is still ahead is open.
        for task in match.tasks.filter(done_at__isnull=True, due__lt=today):
            task_complete(task=task, actor=builder, outcome="Fatima glæder sig til hver samtale.")
    if not match.contact_agreements.exists():
        contact_agreement_set(
            match=match,
            actor=builder,
            rhythm=ContactRhythm.BIWEEKLY,
            weekday=Weekday.WEDNESDAY,
            at=time(10),
            channel=ContactChannel.PHONE,
            starts_on=first,
        )
    if not match.contact_log_entries.exists():
        contact_log_record(
            match=match, actor=builder, outcome=ContactOutcome.DONE, expected_on=first
        )
        # Fatima rang Yasmin herself one evening: a contact besides the agreed ones.
        contact_log_record(
            match=match,
            actor=None,
            outcome=ContactOutcome.DONE,
            on=first + timedelta(days=5),
        )
        contact_log_record(
            match=match,
            actor=None,
            outcome=ContactOutcome.DONE,
            expected_on=first + timedelta(days=14),
            topics_next_time="Barnebarnets skolestart. Opskriften på maamoul, som Fatima vil "
            "fortælle om.",
        )


def seed_matches() -> None:
    builder = User.objects.filter(username="brobygger").first()
    if builder is None:
        return
    for first_name, wishes in PROFILES.items():
        case = _open_case(first_name)
        if case and not MatchProfile.objects.filter(citizen=case.citizen).exists():
            match_profile_save(citizen=case.citizen, data=wishes, actor=builder)
    for first_name in COMPANIONS:
        case = _open_case(first_name)
        opted_in = case and case.citizen.consents.active().filter(purpose=ConsentPurpose.COMPANION)
        if case and not opted_in.exists():
            consent_give(
                citizen=case.citizen,
                purpose=ConsentPurpose.COMPANION,
                method=ConsentMethod.VERBAL,
                actor=builder,
                case=case,
            )
    volunteers = _demo_volunteers()
    _matches(builder, volunteers)
    _phone_friend(builder, volunteers)
