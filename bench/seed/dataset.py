"""The citizens, referrals, cases, screenings, tasks and their history at a scale."""

import json
import random
import time
import uuid
from datetime import date, timedelta

from django.db import connection, transaction
from django.utils import timezone

from bench.seed.common import FIRST, LAST, SCALES, SOURCES, STATUSES, TRAFFIC, _accounts, _copy
from bench.seed.matching import load_matching
from referrals.identity import name_fold
from screening.models import Instrument, TriageScheme


def load_dataset(scale_name: str, *, seed_value: int = 2026, out=print) -> dict:
    scale = SCALES[scale_name]
    rng = random.Random(seed_value)
    started = time.monotonic()
    now = timezone.now()
    home_teams, bridge, users = _accounts(scale)
    builder, worker = users["bench_brobygger"], users["bench_hjemmepleje"]
    instrument = Instrument.objects.get(code="ucla3", status="active")
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
