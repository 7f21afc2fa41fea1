"""Every list page and list endpoint costs the same number of queries with 1 row and with many."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from audit.models import AuditEvent
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db

MANY = 60


@pytest.fixture
def gp():
    return UserFactory(referrer=True)


@pytest.fixture
def home_team():
    return TeamFactory(home_care=True)


@pytest.fixture
def worker(home_team):
    return UserFactory(home_care=True, team=home_team)


def _web(user, url, **params):
    client = Client()
    client.force_login(user)
    return lambda: client.get(url, params)


def _api(user, url, **params):
    client = APIClient()
    # A fresh copy of the user: permissions are looked up once per request, as in real use.
    client.force_authenticate(type(user).objects.get(pk=user.pk))
    return lambda: client.get(url, params)


def _same_count(django_assert_num_queries, expected, prepare, add_rows, rows):
    """`prepare()` signs in a fresh client (outside the count) and returns the request to
    measure, as each real request starts without cached permissions."""
    add_rows(1)
    request = prepare()
    with django_assert_num_queries(expected):
        assert rows(request()) == 1
    add_rows(MANY - 1)
    request = prepare()
    with django_assert_num_queries(expected):
        assert rows(request()) == MANY


def test_referral_list_page(gp, django_assert_num_queries):
    team = bridge_team()
    # 1 session, 2 user, 3-4 own and group permissions, 5 count, 6 the page of referrals
    # with case and citizen, 7 the audit events for the rows shown, 8-10 saving the session
    _same_count(
        django_assert_num_queries,
        10,
        lambda: _web(gp, "/henvisninger/"),
        lambda n: [make_referral(team=team, referrer=gp) for _ in range(n)],
        lambda response: response.context["page"].paginator.count,
    )


def test_referrals_api_list(gp, django_assert_num_queries):
    team = bridge_team()
    # 1-2 own and group permissions, 3 count, 4 the page of referrals with their case,
    # 5 the audit events for the rows read
    _same_count(
        django_assert_num_queries,
        5,
        lambda: _api(gp, "/api/v1/referrals/", page_size=100),
        lambda n: [make_referral(team=team, referrer=gp) for _ in range(n)],
        lambda response: response.json()["count"],
    )
    assert AuditEvent.objects.filter(actor=gp, action="read").exists()


def test_screening_citizen_list_page(home_team, worker, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            screen(citizen=home_care_citizen(team=home_team), by=worker)

    # 1 session, 2 user, 3-4 permissions, 5 the user's teams, 6 their roles, 7 count,
    # 8 the page of citizens with their latest screening, 9 the audit events for the rows,
    # 10-11 requests and possible duplicates to settle, 12-14 saving the session
    _same_count(
        django_assert_num_queries,
        14,
        lambda: _web(worker, "/screening/"),
        add,
        lambda response: response.context["page"].paginator.count,
    )


def test_screenings_api_list(home_team, worker, django_assert_num_queries):
    def add(n):
        for _ in range(n):
            screen(citizen=home_care_citizen(team=home_team), by=worker)

    # 1-2 permissions, 3 the caller's teams, 4 their roles, 5 count, 6 the page of screenings
    # with their instrument, 7 the audit events for the rows read
    _same_count(
        django_assert_num_queries,
        7,
        lambda: _api(worker, "/api/v1/screenings/", page_size=100),
        add,
        lambda response: response.json()["count"],
    )


def test_team_board_page(django_assert_num_queries):
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team, lead=True)
    # 1 session, 2 user, 3-4 permissions, 5 the user's team ids, 6 their bridge-builders'
    # teams, 7 count, 8 the page of cases with citizen, colour, next due and urgency, 9 the
    # audit events for the rows, 10 whether the user leads the team, 11-12 requests and
    # possible duplicates to settle, 13-15 saving the session
    _same_count(
        django_assert_num_queries,
        15,
        lambda: _web(builder, "/forloeb/team/"),
        lambda n: [make_referral(team=team) for _ in range(n)],
        lambda response: response.context["page"].paginator.count,
    )


def test_identity_queue_page(home_team, worker, django_assert_num_queries):
    from datetime import date

    from referrals.identity import team_access_request

    others = []

    def add(n):
        for index in range(n):
            citizen = home_care_citizen(
                team=home_team, first_name="Tvilling", birth_date=date(1940, 1, 1 + index % 28)
            )
            # The same name and birth date again: a possible duplicate of the first.
            home_care_citizen(team=home_team, first_name="Tvilling", birth_date=citizen.birth_date)
            other_team = TeamFactory(home_care=True)
            asking = UserFactory(home_care=True, team=other_team)
            others.append(team_access_request(citizen=citizen, team=other_team, actor=asking))

    # 1 session, 2 user, 3-4 permissions, 5 the user's team ids, 6-7 count of requests and
    # of possible duplicates, 8 the page of requests with citizen, team and asker, 9 the page
    # of possible duplicates with both records, 10 which of those records the user's teams
    # have, 11 the audit events for the citizens shown, 12-14 saving the session
    _same_count(
        django_assert_num_queries,
        14,
        lambda: _web(worker, "/afklaring/"),
        add,
        lambda response: response.context["requests_page"].paginator.count,
    )
