"""Demo volunteers in every status and a waiting list. Idempotent: looks up before it creates.
The demo citizens' wishes and their matches with these volunteers and the offers are offers'
demo step (matching/demo.py), which runs after this one."""

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from accounts.models import Team, User
from places.models import Postcode
from places.services import postcodes_import_text
from referrals.constants import OPEN_STATUSES
from referrals.models import Case
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
    # A besøgsven and a telefonven: free on Wednesday mornings, when she calls Fatima as her
    # telefonven (matching/demo.py).
    (
        "Yasmin",
        "Haddad",
        "5220",
        ["visiting_friend", "phone_friend"],
        ["coffee", "crafts"],
        [6, 7, 10],
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


def seed_volunteers() -> None:
    _postcodes()
    team = Team.objects.filter(name="Frivilligkoordinering").first()
    builder = User.objects.filter(username="brobygger").first()
    if team is None or builder is None:
        return
    _volunteers(team)
    today = timezone.localdate()
    for first_name, (role, days) in WAITING.items():
        case = _open_case(first_name)
        if case and not VolunteerRequest.objects.filter(citizen=case.citizen, role=role).exists():
            volunteer_request_create(
                case=case, role=role, actor=builder, requested_on=today - timedelta(days=days)
            )
