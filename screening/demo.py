"""Demo screenings in every colour, and a home-care team whose board looks like a real Tuesday."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.constants import TeamKind
from accounts.models import Team, User
from referrals.demo import CITIZENS as REFERRED_CITIZENS
from referrals.identity import name_key
from referrals.models import Citizen
from screening.constants import HomeHelpSource
from screening.services import (
    home_care_citizen_add,
    home_help_hours_set,
    rescreen_assign,
    screening_record,
)

# (first, last, birth date, address, [(days ago, answers, direct question)])
HOME_CARE_CITIZENS = [
    (
        "Edith",
        "Jørgensen",
        date(1934, 2, 3),
        "Rosenvænget 4",
        [(200, (2, 2, 2), ""), (100, (3, 3, 2), "often"), (10, (3, 3, 3), "often")],
    ),
    (
        "Verner",
        "Mortensen",
        date(1938, 9, 12),
        "Kirkestræde 11",
        [(60, (3, 2, 2), "sometimes"), (3, (3, 3, 2), "")],
    ),
    ("Gudrun", "Olsen", date(1929, 12, 1), "Søndergade 27", [(30, (2, 2, 2), "")]),
    (
        "Kaj",
        "Frederiksen",
        date(1940, 4, 18),
        "Parkvej 2",
        [(150, (3, 3, 3), "often"), (40, (2, 2, 2), "sometimes")],
    ),
    ("Ruth", "Thomsen", date(1936, 7, 22), "Engvej 9", [(120, (1, 2, 1), "no")]),
    ("Arne", "Poulsen", date(1943, 1, 30), "Bakkevej 15", [(20, (1, 1, 1), "no")]),
    ("Ellen", "Knudsen", date(1932, 5, 9), "Møllevej 6", [(14, (2, 1, 2), "")]),
    ("Holger", "Rasmussen", date(1937, 11, 14), "Skovbrynet 3", []),
    ("Grethe", "Berg", date(1945, 3, 27), "Havnegade 19", []),
    ("Svend", "Lund", date(1939, 8, 8), "Åboulevarden 40", [(95, (2, 3, 2), "sometimes")]),
]


HOME_HELP_HOURS = [
    ("Edith", "Jørgensen", "7"),
    ("Holger", "Rasmussen", "2.5"),
    ("Grethe", "Berg", "1"),
    ("Arne", "Poulsen", "3.5"),
]


def seed_screening() -> None:
    team = Team.objects.filter(kind=TeamKind.HOME_CARE).order_by("created_at").first()
    worker = User.objects.get(username="hjemmepleje")
    now = timezone.now()
    for first, last, birth, address, screenings in HOME_CARE_CITIZENS:
        citizen = Citizen.objects.filter(
            home_care_team=team, name_key=name_key(first, last), birth_date=birth
        ).first()
        if citizen is not None:
            continue
        result = home_care_citizen_add(
            data={
                "first_name": first,
                "last_name": last,
                "birth_date": birth,
                "address": address,
                "postcode": "5000",
                "city": "Odense C",
                "phone": "",
            },
            team=team,
            actor=worker,
        )
        citizen = result.citizen
        for days_ago, (a, b, c), direct in screenings:
            screening_record(
                citizen=citizen,
                answers={"lack_companionship": a, "left_out": b, "isolated": c},
                direct_question=direct,
                observations="Sidder meget alene om aftenen." if a == 3 else "",
                screened_by=worker,
                screened_at=now - timedelta(days=days_ago),
            )
    # Three of the citizens referred earlier are on the home-care team and screened too.
    referred = {row[0]: row for row in REFERRED_CITIZENS}
    for first in ("Poul", "Karen", "Birthe"):
        _first, last, birth, *_rest = referred[first]
        citizen = Citizen.objects.filter(
            home_care_team=team, name_key=name_key(first, last), birth_date=birth
        ).first()
        if citizen is not None and not citizen.screenings.exists():
            screening_record(
                citizen=citizen,
                answers={"lack_companionship": 2, "left_out": 2, "isolated": 2},
                screened_by=worker,
                screened_at=now - timedelta(days=25),
            )
    # Hours of home help from the care system (Holstebro screens everyone with 2 or more).
    for first, last, hours in HOME_HELP_HOURS:
        citizen = Citizen.objects.filter(
            home_care_team=team, first_name=first, last_name=last
        ).first()
        if citizen is not None:
            home_help_hours_set(
                citizen=citizen,
                team=team,
                hours=Decimal(hours),
                valid_from=date(2026, 1, 1),
                actor=worker,
                source=HomeHelpSource.IMPORT,
            )
    # At last week's board meeting Ruth was given to Hanne for screening this week.
    ruth = Citizen.objects.filter(first_name="Ruth", last_name="Thomsen").first()
    if ruth is not None and not ruth.tasks.filter(kind="rescreen").exists():
        rescreen_assign(citizen=ruth, team=team, assignee=worker, actor=worker)
    # Edith's draft: begun on the tablet yesterday, not finished.
    edith = Citizen.objects.filter(first_name="Edith", last_name="Jørgensen").first()
    if edith is not None and not edith.screenings.filter(is_draft=True).exists():
        screening_record(
            citizen=edith,
            answers={"lack_companionship": 3},
            draft=True,
            screened_by=worker,
            screened_at=now - timedelta(days=1),
        )
