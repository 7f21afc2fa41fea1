"""The benchmark data set, loaded with PostgreSQL COPY: deterministic for a given seed.

Scales follow the benchmark's brief: `municipal` is an Odense-sized municipality, `national`
all of Denmark. The matching part (postcodes, offers, volunteers, citizens' wishes) loads on
its own too, so a data set made before matching existed can be completed.
"""

import json
import random
import time
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.constants import OrganisationKind, Role, TeamKind
from accounts.models import Organisation, Team, User
from accounts.services import organisation_create, team_add_member, team_create, user_create
from referrals.identity import name_fold
from screening.models import Instrument, TriageScheme

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


def load_dataset(scale_name: str, *, seed_value: int = 2026, out=print) -> dict:
    scale = SCALES[scale_name]
    rng = random.Random(seed_value)
    started = time.monotonic()
    now = timezone.now()
    home_teams, bridge, users = _accounts(scale)
    builder, worker = users["bench_brobygger"], users["bench_hjemmepleje"]
    instrument = Instrument.objects.get(code="ucla3", is_active=True)
    scheme = TriageScheme.objects.get(is_default=True)
    counts = {}

    with transaction.atomic():
        citizen_ids = [
            uuid.UUID(int=rng.getrandbits(128), version=4) for _ in range(scale.citizens)
        ]
        team_ids = [t.pk for t in home_teams]

        def citizens():
            for index, cid in enumerate(citizen_ids):
                first, last = rng.choice(FIRST), rng.choice(LAST)
                born = date(1925, 1, 1) + timedelta(days=rng.randrange(0, 365 * 80))
                yield (
                    now,
                    now,
                    cid,
                    first,
                    f"{last}{index}",
                    name_fold(f"{first} {last}{index}"),
                    born,
                    f"+45 {rng.randrange(20000000, 99999999)}",
                    "",
                    f"Vej {index % 400}",
                    f"{5000 + rng.randrange(0, 300):04d}",
                    "Odense",
                    "da",
                    rng.random() < 0.2,
                    rng.random() < 0.1,
                    rng.random() < 0.15,
                    rng.random() < 0.03,
                    "",
                    None,
                    team_ids[index // scale.home_care_team_size % len(team_ids)],
                )

        counts["citizens"] = _copy(
            "referrals_citizen",
            [
                "created_at",
                "updated_at",
                "id",
                "first_name",
                "last_name",
                "name_key",
                "birth_date",
                "phone",
                "email",
                "address",
                "postcode",
                "city",
                "preferred_language",
                "needs_mobility",
                "needs_hearing",
                "needs_transport",
                "needs_interpreter",
                "cpr_encrypted",
                "cpr_hash",
                "home_care_team_id",
            ],
            citizens(),
        )
        out(f"  citizens: {counts['citizens']:,} ({time.monotonic() - started:.0f} s)")

        n_cases = int(scale.citizens * scale.case_share)
        case_rows, consent_rows, referral_rows, event_rows = [], [], [], []
        for index in range(n_cases):
            cid = citizen_ids[index]
            case_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            opened = now - timedelta(days=rng.randrange(0, 400), minutes=rng.randrange(0, 1440))
            mine = index < scale.caseload
            status = rng.choice(STATUSES[:-1]) if mine else rng.choice(STATUSES)
            closed = status == "closed"
            case_rows.append(
                (
                    opened,
                    opened,
                    case_id,
                    cid,
                    bridge.pk,
                    builder.pk if mine else None,
                    status,
                    opened,
                    opened + timedelta(days=3) if status != "received" else None,
                    opened + timedelta(days=60) if closed else None,
                    rng.choice(["lasting_community", "declined", "moved", "no_contact"])
                    if closed
                    else "",
                    "",
                )
            )
            consent_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            consent_rows.append(
                (
                    opened,
                    opened,
                    consent_id,
                    cid,
                    "referral",
                    "",
                    opened,
                    "verbal",
                    None,
                    None,
                    None,
                )
            )
            referral_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            referral_rows.append(
                (
                    opened,
                    opened,
                    referral_id,
                    cid,
                    case_id,
                    rng.choice(SOURCES),
                    None,
                    "",
                    "",
                    "",
                    "Alene siden ægtefællens død.",
                    json.dumps(["bereavement"]),
                    "",
                    "normal",
                    consent_id,
                    False,
                    "{}",
                )
            )
            event_rows.append(
                (
                    opened,
                    opened,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    case_id,
                    "referral",
                    None,
                    opened,
                    "",
                    "",
                    referral_id,
                    None,
                    None,
                    None,
                    None,
                    "",
                )
            )
        counts["cases"] = _copy(
            "referrals_case",
            [
                "created_at",
                "updated_at",
                "id",
                "citizen_id",
                "team_id",
                "assignee_id",
                "status",
                "status_changed_at",
                "first_contact_at",
                "closed_at",
                "close_reason",
                "close_note",
            ],
            case_rows,
        )
        _copy(
            "referrals_consentrecord",
            [
                "created_at",
                "updated_at",
                "id",
                "citizen_id",
                "purpose",
                "recipient",
                "given_at",
                "method",
                "recorded_by_id",
                "withdrawn_at",
                "withdrawn_by_id",
            ],
            consent_rows,
        )
        counts["referrals"] = _copy(
            "referrals_referral",
            [
                "created_at",
                "updated_at",
                "id",
                "citizen_id",
                "case_id",
                "source",
                "referrer_id",
                "referrer_name",
                "referrer_phone",
                "referrer_email",
                "reason",
                "life_transitions",
                "citizen_wishes",
                "urgency",
                "consent_id",
                "attached_to_existing",
                "citizen_details",
            ],
            referral_rows,
        )
        _copy(
            "referrals_caseevent",
            [
                "created_at",
                "updated_at",
                "id",
                "case_id",
                "kind",
                "actor_id",
                "occurred_at",
                "status_from",
                "status_to",
                "referral_id",
                "contact_id",
                "note_id",
                "consent_id",
                "assignee_id",
                "detail",
            ],
            event_rows,
        )
        case_by_citizen = {row[3]: row[2] for row in case_rows if row[6] != "closed"}
        del case_rows, consent_rows, referral_rows, event_rows
        out(f"  cases and referrals: {counts['cases']:,} ({time.monotonic() - started:.0f} s)")

        def screenings():
            for _ in range(scale.screenings):
                index = rng.randrange(scale.citizens)
                answers = [rng.choice((1, 1, 2, 2, 3)) for _ in range(3)]
                score = sum(answers)
                _low, _high, code, label, hexv, rank = next(
                    t for t in TRAFFIC if t[0] <= score <= t[1]
                )
                when = now - timedelta(days=rng.randrange(0, 720), minutes=rng.randrange(0, 1440))
                yield (
                    when,
                    when,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    citizen_ids[index],
                    instrument.pk,
                    False,
                    json.dumps(
                        dict(
                            zip(
                                ["lack_companionship", "left_out", "isolated"], answers, strict=True
                            )
                        )
                    ),
                    score,
                    "",
                    "home_visit",
                    "",
                    None,
                    worker.pk,
                    when,
                    team_ids[index // scale.home_care_team_size % len(team_ids)],
                    scheme.pk,
                    code,
                    label,
                    hexv,
                    rank,
                    False,
                    None,
                )

        counts["screenings"] = _copy(
            "screening_screening",
            [
                "created_at",
                "updated_at",
                "id",
                "citizen_id",
                "instrument_id",
                "is_draft",
                "answers",
                "score",
                "direct_question",
                "setting",
                "observations",
                "wants_help",
                "screened_by_id",
                "screened_at",
                "team_id",
                "triage_scheme_id",
                "triage_code",
                "triage_label",
                "triage_hex",
                "triage_rank",
                "triage_by_hand",
                "idempotency_key",
            ],
            screenings(),
        )
        out(f"  screenings: {counts['screenings']:,} ({time.monotonic() - started:.0f} s)")

        today = timezone.localdate()

        def tasks():
            for _ in range(scale.tasks):
                index = rng.randrange(scale.citizens)
                cid = citizen_ids[index]
                due = today + timedelta(days=rng.randrange(-30, 90))
                done = rng.random() < 0.4
                yield (
                    now,
                    now,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    cid,
                    case_by_citizen.get(cid),
                    None,
                    team_ids[index // scale.home_care_team_size % len(team_ids)],
                    worker.pk if index < scale.home_care_team_size else None,
                    rng.choice(["call_citizen", "rescreen", "triage_next_step", "other"]),
                    "Ring og hør, hvordan det går",
                    due,
                    now if done else None,
                    "",
                    None,
                )

        counts["tasks"] = _copy(
            "followups_task",
            [
                "created_at",
                "updated_at",
                "id",
                "citizen_id",
                "case_id",
                "screening_id",
                "team_id",
                "assignee_id",
                "kind",
                "title",
                "due",
                "done_at",
                "outcome",
                "created_by_id",
            ],
            tasks(),
        )
        out(f"  tasks: {counts['tasks']:,} ({time.monotonic() - started:.0f} s)")

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    counts.update(load_matching(scale_name, seed_value=seed_value, out=out))
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


# The benchmark's citizens live in 5000–5299 (one city). Those postcodes get centres inside a
# city-sized box; at national scale every other four-digit code gets one somewhere in Denmark.
CITY_CODES = range(5000, 5300)
CITY_BOX = (55.33, 55.45, 10.28, 10.50)
COUNTRY_BOX = (54.8, 57.6, 8.1, 12.6)
INTERESTS = [
    "gardening",
    "walking",
    "nature",
    "exercise",
    "cards",
    "music",
    "singing",
    "art",
    "crafts",
    "cooking",
    "meals",
    "reading",
    "history",
    "digital",
    "fishing",
    "coffee",
    "trips",
]
KINDS = [
    "nature",
    "exercise",
    "art",
    "culture",
    "food",
    "crafts",
    "digital",
    "trips",
    "network_cafe",
    "peer_group",
    "visiting_friend",
    "course",
]
STRATEGIES = ["social_network", "personal_support", "skills_training", "psychoeducation"]
ROLES = ["visiting_friend", "phone_friend", "meal_friend", "companion", "host"]


def _point(rng, box):
    return round(rng.uniform(box[0], box[1]), 5), round(rng.uniform(box[2], box[3]), 5)


def load_matching(scale_name: str, *, seed_value: int = 2026, out=print) -> dict:
    """Postcode centres, offers with schedules, volunteers, and the bench citizens' wishes."""
    from offers.models import Offer

    scale = SCALES[scale_name]
    if Offer.objects.exists():
        return {}
    rng = random.Random(seed_value + 1)
    started = time.monotonic()
    now = timezone.now()
    today = timezone.localdate()
    counts = {}
    with transaction.atomic():
        codes = list(range(1000, 10000)) if scale.national_postcodes else list(CITY_CODES)
        centres = {
            code: _point(rng, CITY_BOX if code in CITY_CODES else COUNTRY_BOX) for code in codes
        }
        counts["postcodes"] = _copy(
            "places_postcode",
            ["code", "name", "latitude", "longitude", "district"],
            (
                (f"{code:04d}", f"By {code}", lat, lon, f"Distrikt {code // 100}")
                for code, (lat, lon) in centres.items()
            ),
        )
        organisation = Organisation.objects.filter(name="Benchmark Frivilligcenter").first() or (
            organisation_create(
                name="Benchmark Frivilligcenter", kind=OrganisationKind.VOLUNTEER_CENTRE
            )
        )
        team = Team.objects.filter(organisation=organisation).first() or team_create(
            organisation=organisation,
            name="Frivilligkoordinering",
            kind=TeamKind.VOLUNTEER_COORDINATION,
        )
        offer_ids = []

        def offers():
            for index in range(scale.offers):
                offer_id = uuid.UUID(int=rng.getrandbits(128), version=4)
                offer_ids.append(offer_id)
                code = rng.choice(codes)
                lat, lon = centres[code]
                remote = rng.random() < 0.05
                weekday = rng.randrange(7)
                hour = rng.choice([10, 14, 19])
                capacity = rng.choice([None, 8, 12, 20, 30])
                kinds = rng.sample(KINDS, rng.randint(1, 2))
                yield (
                    now,
                    now,
                    offer_id,
                    f"Tilbud {index}",
                    "Vi mødes og hygger.",
                    rng.choice(STRATEGIES),
                    json.dumps(kinds),
                    json.dumps(rng.sample(INTERESTS, rng.randint(1, 4))),
                    json.dumps(["seniors"] if rng.random() < 0.5 else ["everyone"]),
                    rng.choice([None, None, 60, 18]),
                    None,
                    True,
                    remote,
                    f"Vej {index % 300}",
                    "" if remote else f"{code:04d}",
                    "",
                    None if remote else lat,
                    None if remote else lon,
                    capacity,
                    0 if capacity is None else rng.randrange(0, capacity + 1),
                    "free",
                    None,
                    "",
                    rng.random() < 0.2,
                    rng.random() < 0.5,
                    rng.random() < 0.2,
                    "",
                    rng.random() < 0.15,
                    "",
                    json.dumps(["da", "en"] if rng.random() < 0.1 else ["da"]),
                    "Vært",
                    "",
                    "",
                    rng.random() < 0.3,
                    "",
                    "",
                    "",
                    True,
                    "active",
                    today - timedelta(days=rng.randrange(0, 400)),
                    json.dumps([weekday]),
                    json.dumps([weekday * 3 + {10: 0, 14: 1, 19: 2}[hour]]),
                    organisation.pk,
                    team.pk,
                )
                schedules.append(
                    (
                        now,
                        now,
                        uuid.UUID(int=rng.getrandbits(128), version=4),
                        "weekly",
                        weekday,
                        None,
                        None,
                        f"{hour}:00",
                        f"{hour + 2}:00",
                        None,
                        None,
                        offer_id,
                    )
                )

        schedules = []
        counts["offers"] = _copy(
            "offers_offer",
            [
                "created_at",
                "updated_at",
                "id",
                "title",
                "description",
                "strategy",
                "activity_kinds",
                "interests",
                "target_groups",
                "age_min",
                "age_max",
                "is_group",
                "is_remote",
                "address",
                "postcode",
                "city",
                "latitude",
                "longitude",
                "capacity",
                "places_taken",
                "price_kind",
                "price_amount",
                "price_note",
                "fritidspas",
                "wheelchair_accessible",
                "hearing_loop",
                "accessibility_note",
                "transport_offered",
                "transport_note",
                "languages",
                "host_name",
                "host_phone",
                "host_note",
                "accompaniment_possible",
                "contact_email",
                "contact_phone",
                "website",
                "is_public",
                "status",
                "last_confirmed_on",
                "weekdays",
                "slots",
                "organisation_id",
                "team_id",
            ],
            offers(),
        )
        _copy(
            "offers_offerschedule",
            [
                "created_at",
                "updated_at",
                "id",
                "frequency",
                "weekday",
                "week_of_month",
                "date",
                "starts_at",
                "ends_at",
                "valid_from",
                "valid_until",
                "offer_id",
            ],
            schedules,
        )
        out(f"  offers: {counts['offers']:,} ({time.monotonic() - started:.0f} s)")

        def volunteers():
            for index in range(scale.volunteers):
                code = rng.choice(codes)
                lat, lon = centres[code]
                capacity = rng.choice([1, 1, 2, 3])
                seen = today - timedelta(days=rng.randrange(0, 900)) if rng.random() < 0.8 else None
                status = rng.choice(
                    ["active", "active", "active", "approved", "paused", "applicant"]
                )
                yield (
                    now,
                    now,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    f"Frivillig{index}",
                    rng.choice(LAST),
                    "",
                    "",
                    f"{code:04d}",
                    lat,
                    lon,
                    json.dumps(rng.sample(ROLES, rng.randint(1, 2))),
                    json.dumps(rng.sample(INTERESTS, rng.randint(1, 4))),
                    json.dumps(["da"]),
                    json.dumps(sorted(rng.sample(range(21), rng.randint(2, 6)))),
                    capacity,
                    rng.randrange(0, capacity + 1),
                    status,
                    "",
                    None,
                    "",
                    "criminal_record",
                    seen,
                    seen,
                    "",
                    seen,
                    seen + timedelta(days=730) if seen else None,
                    team.pk,
                )

        counts["volunteers"] = _copy(
            "volunteers_volunteer",
            [
                "created_at",
                "updated_at",
                "id",
                "first_name",
                "last_name",
                "email",
                "phone",
                "postcode",
                "latitude",
                "longitude",
                "roles",
                "interests",
                "languages",
                "slots",
                "capacity",
                "load",
                "status",
                "left_reason",
                "left_on",
                "note",
                "vetting_kind",
                "vetting_requested_on",
                "vetting_seen_on",
                "vetting_note",
                "certificate_deleted_on",
                "vetting_renewal_due",
                "team_id",
            ],
            volunteers(),
        )
        out(f"  volunteers: {counts['volunteers']:,} ({time.monotonic() - started:.0f} s)")

        builder = User.objects.get(username="bench_brobygger")
        citizen_ids = list(builder.assigned_cases.values_list("citizen_id", flat=True))
        counts["profiles"] = _copy(
            "offers_matchprofile",
            [
                "created_at",
                "updated_at",
                "id",
                "citizen_id",
                "interests",
                "activity_kinds",
                "target_groups",
                "wishes",
                "slots",
                "max_distance_km",
                "other_languages",
                "wants_company_of_others",
            ],
            (
                (
                    now,
                    now,
                    uuid.UUID(int=rng.getrandbits(128), version=4),
                    cid,
                    json.dumps(rng.sample(INTERESTS, 3)),
                    json.dumps(rng.sample(KINDS, 2)),
                    json.dumps(["seniors"]),
                    "",
                    json.dumps(sorted(rng.sample(range(21), 6))),
                    10,
                    json.dumps([]),
                    rng.random() < 0.3,
                )
                for cid in citizen_ids
            ),
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return counts


def bench_ids() -> dict:
    """Ids the scenarios need: the benchmark's cases and citizens."""
    from referrals.models import Case, Citizen

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
