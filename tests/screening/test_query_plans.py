"""What keeps the home-care board and the lists of citizens quick at a country's scale, read off
the queries themselves (the benchmark has the times, docs/BENCHMARKS.md).

PostgreSQL plans a subquery once for each time the query names it, and runs each for every row:
the latest screening named nine times over a team of 500 is 4,500 lookups. And an OR of "the
team visits them", "the team has their case" and "the team was granted them" can use no index,
so every citizen of the municipality is read to test each one."""

import re

import pytest
from django.db import connection, transaction
from django.test import Client

from referrals.models import Citizen
from referrals.selectors import citizens_visible_to
from screening.selectors import triage_board
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # On a small table a full scan is cheapest anyway; forbid it to see what the query allows.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_citizens_a_user_may_see_are_found_through_indexes_not_by_reading_them_all(worker):
    home_care_citizen(team=worker.memberships.get().team)

    plan = _plan(citizens_visible_to(user=worker).values("pk"))

    assert "Seq Scan on referrals_citizen" not in plan, plan


def test_the_board_names_each_citizens_latest_screening_at_most_four_times(team, worker):
    citizen = home_care_citizen(team=team)
    screen(citizen=citizen, by=worker, answers=(3, 3, 3))
    captured = []

    def keep(execute, sql, params, many, context):
        captured.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        groups = triage_board(team=team, user=worker)

    [rows] = [sql for sql in captured if sql.startswith('SELECT "referrals_citizen"."id"')]
    # The date (read back, and in the due rule), the score and colour, the colour's rank for
    # the order.
    assert len(re.findall(r'FROM "screening_screening"', rows)) <= 4
    [shown] = [c for group in groups for c in group.citizens]
    assert shown.pk == citizen.pk and shown.last["code"] == "red" and shown.last["score"] == 9


def test_the_citizen_list_shows_the_latest_score_and_colour(team, worker):
    citizen = home_care_citizen(team=team, first_name="Gudrun")
    screen(citizen=citizen, by=worker, answers=(2, 2, 2))
    client = Client()
    client.force_login(worker)

    html = client.get("/screening/").content.decode()

    assert "Gudrun" in html and " · 6" in html and "Gul</span>" in html
    assert Citizen.objects.count() == 1
