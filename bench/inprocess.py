"""Scenarios timed inside one process against the benchmark database: each prints JSON.

    python -m bench.inprocess suggestions

Suggestions are timed end to end (the citizen's wishes, the candidate rows, ranking and
reasons), next to the bare SQL that fetches the same candidate rows, so the ratio says what the
ranking costs on top of reading the rows at all.
"""

import json
import statistics
import sys
import time

import django


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _summary(times: list[float]) -> dict:
    return {
        "runs": len(times),
        "median": round(statistics.median(times) * 1000, 2),
        "p95": round(_percentile(times, 0.95) * 1000, 2),
    }


def suggestions(runs: int = 200) -> dict:
    from django.db import connection

    from offers.matching import suggestions_for
    from offers.models import MatchProfile
    from places.models import Postcode
    from places.selectors import postcodes_within
    from referrals.models import Citizen

    citizen_ids = list(MatchProfile.objects.values_list("citizen_id", flat=True)[:runs])
    citizens = list(Citizen.objects.filter(pk__in=citizen_ids))
    if not citizens:
        raise SystemExit("No matching profiles in the benchmark database.")
    for citizen in citizens[:10]:  # warm caches and connections
        suggestions_for(citizen=citizen)
    ranked, bare, sizes = [], [], []
    for index in range(runs):
        citizen = citizens[index % len(citizens)]
        started = time.perf_counter()
        groups = suggestions_for(citizen=citizen)
        ranked.append(time.perf_counter() - started)
        sizes.append(sum(len(g) for g in groups.values()))
        started = time.perf_counter()
        centre = Postcode.objects.filter(code=citizen.postcode).first()
        codes = postcodes_within(lat=centre.latitude, lon=centre.longitude, km=10)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, activity_kinds, interests, latitude, longitude, slots, languages "
                "FROM offers_offer WHERE status = 'active' AND (is_remote OR postcode = ANY(%s))",
                [codes],
            )
            offers = cursor.fetchall()
            cursor.execute(
                "SELECT id, roles, interests, latitude, longitude, slots, languages "
                "FROM volunteers_volunteer WHERE status IN ('approved', 'active') "
                "AND load < capacity AND postcode = ANY(%s)",
                [codes],
            )
            volunteers = cursor.fetchall()
        bare.append(time.perf_counter() - started)
    result = _summary(ranked)
    result["bare_sql"] = _summary(bare)
    result["candidates"] = len(offers) + len(volunteers)
    result["suggestions_per_citizen"] = statistics.median(sizes)
    return result


SCENARIOS = {"suggestions": suggestions}


def main() -> None:
    django.setup()
    names = sys.argv[1:] or list(SCENARIOS)
    json.dump({name: SCENARIOS[name]() for name in names}, sys.stdout)


if __name__ == "__main__":
    main()
