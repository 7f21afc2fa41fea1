"""Demo volunteers in every status, a waiting list, the demo citizens' wishes, and matches in
every state. Idempotent: looks up before it creates. Runs after the offers' demo step."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.models import Team, User
from offers.constants import MatchEndReason
from offers.models import Match, MatchProfile, Offer
from offers.services import (
    match_accept,
    match_end,
    match_plan_first_meeting,
    match_profile_save,
    match_propose,
    match_record_first_meeting,
    match_respond,
)
from places.models import Postcode
from places.services import postcodes_import_text
from referrals.constants import OPEN_STATUSES, ConsentMethod, ConsentPurpose
from referrals.models import Case
from referrals.services import consent_give
from volunteers.constants import VolunteerStatus
from volunteers.models import Volunteer, VolunteerRequest
from volunteers.services import (
    volunteer_create,
    volunteer_record_vetting,
    volunteer_request_create,
    volunteer_set_status,
)

# (first, last, postcode, roles, interests, slots, capacity, status, vetting seen days ago)
VOLUNTEERS = [
    (
        "Grethe",
        "Bach",
        "5000",
        ["visiting_friend"],
        ["cards", "coffee"],
        [4, 7, 10],
        2,
        VolunteerStatus.ACTIVE,
        200,
    ),
    (
        "Ole",
        "Frandsen",
        "5230",
        ["visiting_friend", "companion"],
        ["walking", "history"],
        [1, 4],
        2,
        VolunteerStatus.ACTIVE,
        690,
    ),
    (
        "Maja",
        "Lund",
        "5200",
        ["phone_friend"],
        ["music", "reading"],
        [14, 17],
        3,
        VolunteerStatus.ACTIVE,
        None,
    ),
    (
        "Karsten",
        "Holm",
        "5210",
        ["meal_friend"],
        ["cooking", "meals"],
        [2, 5],
        1,
        VolunteerStatus.APPROVED,
        40,
    ),
    (
        "Yasmin",
        "Haddad",
        "5220",
        ["visiting_friend", "phone_friend"],
        ["coffee", "crafts"],
        [7, 10],
        2,
        VolunteerStatus.ACTIVE,
        100,
    ),
    (
        "Peter",
        "Vestergaard",
        "5250",
        ["companion"],
        ["fishing", "nature"],
        [15, 16],
        1,
        VolunteerStatus.PAUSED,
        300,
    ),
    (
        "Lone",
        "Kjær",
        "5260",
        ["visiting_friend"],
        ["gardening"],
        [1, 4],
        1,
        VolunteerStatus.APPLICANT,
        None,
    ),
    (
        "Bjarne",
        "Nørgaard",
        "5270",
        ["host"],
        ["coffee", "cards"],
        [10],
        4,
        VolunteerStatus.ACTIVE,
        800,
    ),
    (
        "Ingrid",
        "Dam",
        "5000",
        ["visiting_friend"],
        ["reading", "film"],
        [13],
        1,
        VolunteerStatus.ACTIVE,
        760,
    ),
]

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

# Citizen first name -> (role, days waiting)
WAITING = {
    "Ahmad": ("visiting_friend", 47),
    "Fatima": ("phone_friend", 12),
    "Erik": ("visiting_friend", 88),
}


def _postcodes() -> None:
    if Postcode.objects.exists():
        return
    path = Path(settings.BASE_DIR) / "places" / "data" / "postcodes_demo.csv"
    postcodes_import_text(text=path.read_text(encoding="utf-8"))


def _volunteers(team: Team) -> dict[str, Volunteer]:
    today = timezone.localdate()
    found = {}
    for first, last, postcode, roles, interests, slots, capacity, status, seen in VOLUNTEERS:
        volunteer = Volunteer.objects.filter(first_name=first, last_name=last).first()
        if volunteer is None:
            volunteer = volunteer_create(
                team=team,
                data={
                    "first_name": first,
                    "last_name": last,
                    "phone": f"+45 30 {len(first):02d} {len(last):02d} {capacity:02d}",
                    "email": f"{first.lower()}@frivillig.invalid",
                    "postcode": postcode,
                    "roles": roles,
                    "interests": interests,
                    "languages": ["da", "ar"] if first == "Yasmin" else ["da"],
                    "slots": slots,
                    "capacity": capacity,
                },
                actor=None,
            )
            vetting = {"vetting_requested_on": today - timedelta(days=(seen or 10) + 14)}
            if seen is not None:
                vetting["vetting_seen_on"] = today - timedelta(days=seen)
                vetting["vetting_note"] = "Ingen anmærkninger."
                vetting["certificate_deleted_on"] = today - timedelta(days=seen)
            volunteer_record_vetting(volunteer=volunteer, data=vetting, actor=None)
            path = {
                VolunteerStatus.APPLICANT: [],
                VolunteerStatus.APPROVED: [VolunteerStatus.APPROVED],
                VolunteerStatus.ACTIVE: [VolunteerStatus.APPROVED, VolunteerStatus.ACTIVE],
                VolunteerStatus.PAUSED: [
                    VolunteerStatus.APPROVED,
                    VolunteerStatus.ACTIVE,
                    VolunteerStatus.PAUSED,
                ],
            }[status]
            for step in path:
                volunteer = volunteer_set_status(volunteer=volunteer, status=step, actor=None)
        found[first] = volunteer
    left = Volunteer.objects.filter(first_name="Svend", last_name="Aagaard").first()
    if left is None:
        left = volunteer_create(
            team=team,
            data={
                "first_name": "Svend",
                "last_name": "Aagaard",
                "postcode": "5000",
                "roles": ["visiting_friend"],
            },
            actor=None,
        )
        volunteer_set_status(
            volunteer=left, status=VolunteerStatus.LEFT, actor=None, reason="Flyttet til Aarhus"
        )
    return found


def _open_case(first_name: str) -> Case | None:
    return (
        Case.objects.filter(citizen__first_name=first_name, status__in=OPEN_STATUSES)
        .select_related("citizen")
        .first()
    )


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


def seed_volunteers() -> None:
    _postcodes()
    team = Team.objects.filter(name="Frivilligkoordinering").first()
    builder = User.objects.filter(username="brobygger").first()
    if team is None or builder is None:
        return
    volunteers = _volunteers(team)
    for first_name, wishes in PROFILES.items():
        case = _open_case(first_name)
        if case and not MatchProfile.objects.filter(citizen=case.citizen).exists():
            match_profile_save(citizen=case.citizen, data=wishes, actor=builder)
    for first_name in COMPANIONS:
        case = _open_case(first_name)
        opted_in = case and case.citizen.consents.filter(
            purpose=ConsentPurpose.COMPANION, withdrawn_at__isnull=True
        )
        if case and not opted_in.exists():
            consent_give(
                citizen=case.citizen,
                purpose=ConsentPurpose.COMPANION,
                method=ConsentMethod.VERBAL,
                actor=builder,
                case=case,
            )
    today = timezone.localdate()
    for first_name, (role, days) in WAITING.items():
        case = _open_case(first_name)
        if case and not VolunteerRequest.objects.filter(citizen=case.citizen, role=role).exists():
            volunteer_request_create(
                case=case, role=role, actor=builder, requested_on=today - timedelta(days=days)
            )
    _matches(builder, volunteers)
