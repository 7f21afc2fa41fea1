"""For the benchmark: build the full export once, and the floor to compare it with.

    from stats.bench import run_export, raw_group_by
    timings = run_export(open("/dev/null", "w"))   # every table, as the CSV export writes it
    floor = raw_group_by()                           # plain GROUP BY over the same tables

`python manage.py stats_export --timings` does the same from the command line and reports the
peak memory of the process.
"""

import time
from datetime import date

from django.db import connection

from stats.constants import Interval
from stats.disclosure import protect
from stats.exports import csv_lines
from stats.filters import StatsFilter, default_period
from stats.queries import statistics_session
from stats.selectors import min_count
from stats.tables import build_tables


def full_period(months: int = 24) -> StatsFilter:
    """The last `months` months, this one included (the benchmark data set spans two years)."""
    _start, end = default_period()
    index = end.year * 12 + end.month - 1 - (months - 1)
    return StatsFilter(start=date(index // 12, index % 12 + 1, 1), end=end, interval=Interval.MONTH)


def run_export(out, *, filters: StatsFilter | None = None) -> dict:
    """Write the full CSV export to the text stream `out`, as the export does; returns seconds:
    making the tables ("tables": the queries, at once where they can be), protecting and
    writing them ("writing"), and in all."""
    filters = filters or full_period()
    k = min_count()
    timings: dict[str, float] = {}
    started = time.perf_counter()
    lines = 0
    with statistics_session():
        tables = build_tables(filters)
        timings["tables"] = round(time.perf_counter() - started, 3)
        for line in csv_lines(protect(table, k=k) for table in tables):
            out.write(line)
            lines += 1
    timings["writing"] = round(time.perf_counter() - started - timings["tables"], 3)
    timings["total"] = round(time.perf_counter() - started, 3)
    timings["csv_lines"] = lines
    return timings


RAW_QUERIES = {
    "referrals by month and source": (
        "SELECT date_trunc('month', created_at), source, count(*) "
        "FROM referrals_referral WHERE created_at >= %s GROUP BY 1, 2"
    ),
    "screenings by month and score": (
        "SELECT date_trunc('month', screened_at), score >= 7, count(*) "
        "FROM screening_screening WHERE NOT is_draft AND screened_at >= %s GROUP BY 1, 2"
    ),
    "cases by month closed and reason": (
        "SELECT date_trunc('month', closed_at), close_reason, count(*) "
        "FROM referrals_case WHERE status = 'closed' AND closed_at >= %s GROUP BY 1, 2"
    ),
}


def raw_group_by(*, filters: StatsFilter | None = None) -> dict:
    """The floor: plain GROUP BY queries over the same tables and period, no joins, no
    disclosure control. Seconds per query."""
    filters = filters or full_period()
    timings = {}
    with connection.cursor() as cursor:
        for name, sql in RAW_QUERIES.items():
            before = time.perf_counter()
            cursor.execute(sql, [filters.start_at])
            cursor.fetchall()
            timings[name] = round(time.perf_counter() - before, 3)
    timings["total"] = round(sum(timings.values()), 3)
    return timings
