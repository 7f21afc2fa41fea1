"""What both loaders share: the scales, the names people are given, COPY into a table, the
benchmark's organisation, teams and users, and the ids the probes use."""

from dataclasses import dataclass

from django.db import connection

from accounts.constants import OrganisationKind, Role, TeamKind
from accounts.models import Organisation, Team, User
from accounts.services import organisation_create, team_add_member, team_create, user_create
from referrals.models import Case, Citizen

BENCH_PASSWORD = "bench-password"  # noqa: S105 - a benchmark database only


@dataclass(frozen=True)
class Scale:
    citizens: int
    screenings: int
    tasks: int
    case_share: float  # the share of citizens with a case
    home_care_team_size: int
    caseload: int  # open cases of the benchmark's own bridge-builder
    offers: int = 0
    volunteers: int = 0
    national_postcodes: bool = False  # offers and volunteers all over Denmark, or one city


SCALES = {
    "municipal": Scale(20_000, 60_000, 40_000, 0.3, 500, 200, 2_000, 3_000),
    "national": Scale(1_000_000, 5_000_000, 2_000_000, 0.3, 500, 200, 50_000, 100_000, True),
    # The matching brief's own figure: 20,000 offers and 50,000 volunteers all over Denmark.
    "matching": Scale(20_000, 60_000, 40_000, 0.3, 500, 200, 20_000, 50_000, True),
    # The statistics brief's own figure: 1,000,000 screenings and 200,000 cases.
    "statistics": Scale(666_667, 1_000_000, 200_000, 0.3, 500, 200, 2_000, 3_000),
    # For the suite: the same code at a size a test can load in a moment.
    "tiny": Scale(600, 1_200, 800, 0.3, 100, 20, 100, 150),
}

FIRST = [
    "Inger",
    "Poul",
    "Karen",
    "Jens",
    "Anna",
    "Erik",
    "Birthe",
    "Hans",
    "Lise",
    "Ole",
    "Kirsten",
    "Niels",
    "Hanne",
    "Jørgen",
    "Grethe",
    "Mogens",
    "Ahmad",
    "Fatima",
    "Åse",
]
LAST = [
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
]
STATUSES = ["received", "contacted", "screening", "matching", "following_up", "closed"]
SOURCES = [
    "gp",
    "home_care",
    "preventive_visit",
    "hospital",
    "jobcentre",
    "housing",
    "relative",
    "self",
    "other",
]
TRAFFIC = [
    (3, 5, "green", "Grøn", "#2e7d32", 1),
    (6, 6, "yellow", "Gul", "#f2b600", 2),
    (7, 9, "red", "Rød", "#c62828", 3),
]


def _copy(table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples; None is NULL) into the table, in chunks to bound memory."""
    count = 0
    raw = connection.connection  # psycopg 3
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with raw.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _accounts(scale: Scale):
    """Teams and the benchmark's own users (made through the services, as in real use)."""
    municipality = Organisation.objects.filter(name="Benchmark Kommune").first() or (
        organisation_create(name="Benchmark Kommune", kind=OrganisationKind.MUNICIPALITY)
    )
    n_home = max(1, scale.citizens // scale.home_care_team_size)
    home_teams = list(Team.objects.filter(organisation=municipality, kind=TeamKind.HOME_CARE))
    for index in range(len(home_teams), n_home):
        home_teams.append(
            team_create(
                organisation=municipality, name=f"Hjemmepleje {index + 1}", kind=TeamKind.HOME_CARE
            )
        )
    bridge = Team.objects.filter(organisation=municipality, name="Brobyggerne").first() or (
        team_create(organisation=municipality, name="Brobyggerne", kind=TeamKind.BRIDGE_BUILDERS)
    )
    users = {}
    for username, role, team in [
        ("bench_brobygger", Role.BRIDGE_BUILDER, bridge),
        ("bench_hjemmepleje", Role.HOME_CARE, home_teams[0]),
    ]:
        user = User.objects.filter(username=username).first() or user_create(
            username=username, password=BENCH_PASSWORD, roles=[role], first_name="Bench"
        )
        team_add_member(team=team, user=user, is_lead=True)
        users[username] = user
    return home_teams, bridge, users


def bench_ids() -> dict:
    """Ids the scenarios need: the benchmark's cases and citizens."""
    builder = User.objects.get(username="bench_brobygger")
    worker = User.objects.get(username="bench_hjemmepleje")
    team = worker.teams.first()
    cases = Case.objects.filter(assignee=builder).values_list("pk", flat=True)[:100]
    citizens = Citizen.objects.filter(home_care_team=team).values_list("pk", flat=True)[:200]
    postcodes = list(
        Citizen.objects.filter(pk__in=list(citizens)[:50]).values_list("postcode", flat=True)
    )
    return {
        "cases": [str(pk) for pk in cases],
        "citizens": [str(pk) for pk in citizens],
        "postcodes": sorted(set(postcodes)),
    }
