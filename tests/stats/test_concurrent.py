"""The statistics' large statements run at once on connections of their own that share the
export's snapshot: the same tables as one after the other, and nothing committed while they run
gets into some tables and not others."""

import threading
from datetime import date

import pytest
from django.db import connection, transaction

from referrals.models import Citizen
from stats import queries
from stats.bench import full_period
from stats.disclosure import protect
from stats.exports import csv_lines
from stats.queries import concurrently, statistics_session
from stats.tables import _period_parts, build_tables
from tests.stats.dataset import build

# The data must be committed: other connections cannot see a test's open transaction.
pytestmark = pytest.mark.django_db(transaction=True)


def _export(filters) -> list[str]:
    with statistics_session():
        return list(csv_lines(protect(table, k=5) for table in build_tables(filters)))


def test_at_once_gives_the_same_tables_as_one_after_the_other(settings):
    build()
    filters = full_period()

    settings.BROBYG_STATS_CONNECTIONS = 1
    one_by_one = _export(filters)
    settings.BROBYG_STATS_CONNECTIONS = 2
    at_once = _export(full_period())

    assert len(one_by_one) > 100
    assert at_once == one_by_one


def test_the_statements_run_on_other_connections_that_see_the_same_snapshot(settings):
    settings.BROBYG_STATS_CONNECTIONS = 2
    seen = []

    def look():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid(), count(*) FROM referrals_citizen")
            seen.append((threading.current_thread().name, *cursor.fetchone()))

    with statistics_session():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            own_pid = cursor.fetchone()[0]
        # A citizen committed by someone else after the export began is not seen by it.
        build_later = threading.Thread(target=_commit_a_citizen)
        build_later.start()
        build_later.join()
        concurrently([look, look, look])

    assert all(name.startswith("statistics") for name, _pid, _n in seen)
    assert own_pid not in {pid for _name, pid, _n in seen}
    assert {n for _name, _pid, n in seen} == {0}


def _commit_a_citizen():
    try:
        Citizen.objects.create(first_name="Else", last_name="Sen", birth_date=date(1940, 1, 1))
    finally:
        connection.close()


def test_inside_another_transaction_they_run_here_one_after_the_other(settings):
    settings.BROBYG_STATS_CONNECTIONS = 2
    pids = []

    def pid():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pids.append(cursor.fetchone()[0])

    with transaction.atomic(), statistics_session():
        assert queries._snapshot.get() is None
        concurrently([pid, pid])
        pid()
    assert len(set(pids)) == 1


def test_a_period_is_cut_into_runs_of_whole_months():
    filters = full_period(months=5)
    parts = _period_parts(filters, 2)
    assert len(parts) == 2
    assert parts[0].start == filters.start and parts[-1].end == filters.end
    # three months and two, the first ending the day before the second begins
    assert parts[1].start.month == (filters.start.month + 2) % 12 + 1
    assert (parts[1].start - parts[0].end).days == 1
    assert all(p.memo == {} for p in parts)
