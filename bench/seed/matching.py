"""The matching part: postcodes, offers, volunteers and the citizens' wishes, loadable on its own
for a data set made before matching existed."""

import json
import random
import time
import uuid
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone

from accounts.constants import OrganisationKind, TeamKind
from accounts.models import Organisation, Team, User
from accounts.services import organisation_create, team_create
from bench.seed.common import LAST, SCALES, _copy
from offers.models import Offer

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
                    "[]",  # not held for review
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
                "review_reasons",
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
