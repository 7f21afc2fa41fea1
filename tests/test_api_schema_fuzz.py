"""Property-based tests of the whole API against its own OpenAPI schema (schemathesis).

Every operation in /api/schema/ gets a bounded number of generated requests, well-formed and
deliberately malformed, sent as each role (signed in with a session) and as nobody. Every check
schemathesis has runs on each answer ("--checks all"): no 500, the documented status codes,
content types, headers and bodies (including the error shapes of core.api.exceptions),
malformed input refused, well-formed input accepted (except where a rule depends on what is
stored or on today's date: RULES_BEYOND_THE_SCHEMA), and an operation that needs a sign-in
refusing a request without one.

The number of examples is kept small and the run derandomised, so the test is deterministic and
stays well under a minute on two cores; raise BROBYG_FUZZ_EXAMPLES to dig deeper locally.
"""

import os
from collections.abc import Mapping

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.test import Client
from django.utils.crypto import get_random_string
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from accounts.constants import Role
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import make_referral
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("BROBYG_FUZZ_EXAMPLES", "6"))
ROLES = [None, *Role.values]  # None: nobody signed in


def _load_schema():
    from config.wsgi import application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
    # Every check schemathesis has, as `--checks all` on the command line.
    schema.config.checks.update(included_check_names=["all"])
    return schema


SCHEMA = _load_schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]

# "Schema-valid input is accepted" cannot hold where a rule depends on what is stored or on
# today's date: these operations answer such input with a 400 naming the field (whose shape the
# other checks still hold them to). Every other operation must accept what its schema allows.
RULES_BEYOND_THE_SCHEMA = {
    # Which user names and passwords exist.
    "POST /api/v1/auth/token/": "wrong credentials are a 400",
    # The team and the CPR number's check digits; a date of birth from 1900 until today;
    # consent given (and not in the future).
    "POST /api/v1/referrals/": "the team, CPR number, date of birth and consent",
    # The citizen must be one the caller may screen; the answers are the instrument's (data).
    "POST /api/v1/screenings/": "the citizen, the instrument's answers, when it was screened",
    # The case or citizen must be one the caller may see; due from today, within two years.
    "POST /api/v1/tasks/": "the case, the citizen, the assignee and the due date",
    # A postcode Brobyg has a place for.
    "GET /api/v1/offers/": "the postcode must be a known place",
    # A page that exists (the HSDS export answers a page past the end with a 400).
    "GET /api/v1/offers/hsds/": "the page must exist",
    # A month (YYYY-MM or a date) from 2000 on, `from` not after `to`, a district Brobyg knows.
    "GET /api/v1/stats/summary/": "the months and the district",
    "GET /api/v1/stats/export.csv": "the months and the district",
}
EXCLUDED = {label: [positive_data_acceptance] for label in RULES_BEYOND_THE_SCHEMA}


@pytest.fixture
def wsgi_calls_in_the_test_transaction():
    from django.core import signals
    from django.db import close_old_connections

    # The calls go straight into the WSGI application, inside the test's transaction: Django
    # must not close the connection after each one (its own test client does the same).
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _signed_in(user) -> dict:
    """What a signed-in browser sends, as `call_and_validate` takes it: the session cookie and a
    CSRF cookie with its header (the API checks CSRF on a session's writes, as it must).

    The cookies go both to the test client's cookie jar (which is what the application sees)
    and into the Cookie header (which is how schemathesis knows the request carries the
    credentials the schema's cookieAuth names, and can take them away to check that the
    operation then refuses)."""
    client = Client()
    client.force_login(user)
    cookies = {
        django_settings.SESSION_COOKIE_NAME: client.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value,
        # A CSRF secret as Django makes one: 32 letters and digits.
        django_settings.CSRF_COOKIE_NAME: get_random_string(32),
    }
    header = "; ".join(f"{name}={value}" for name, value in cookies.items())
    return {
        "cookies": cookies,
        "headers": {
            "Cookie": header,
            "X-CSRFToken": cookies[django_settings.CSRF_COOKIE_NAME],
        },
    }


@pytest.fixture
def callers(db):
    """One signed-in caller per role, each with something to see (a case, a screening)."""
    bridge_team, home_team = TeamFactory(), TeamFactory(home_care=True)
    users = {
        Role.BRIDGE_BUILDER: UserFactory(bridge_builder=True, team=bridge_team),
        Role.HOME_CARE: UserFactory(home_care=True, team=home_team),
        Role.AMBASSADOR: UserFactory(role=Role.AMBASSADOR, team=home_team),
        Role.COORDINATOR: UserFactory(coordinator=True),
        Role.REFERRER: UserFactory(referrer=True),
        Role.ADMIN: UserFactory(admin=True),
    }
    make_referral(team=bridge_team, referrer=users[Role.REFERRER])
    screen(citizen=home_care_citizen(team=home_team), by=users[Role.HOME_CARE])
    return {None: {}, **{role: _signed_in(user) for role, user in users.items()}}


def test_every_check_schemathesis_has_is_on():
    load_all_checks()
    names = CHECKS.get_all_names()
    assert {"not_a_server_error", "response_schema_conformance", "ignored_auth"} <= set(names)
    assert [n for n in names if not SCHEMA.config.checks.get_by_name(name=n).enabled] == []


def test_each_role_is_signed_in_and_may_write(callers, wsgi_calls_in_the_test_transaction):
    """The fuzzing below means something only if the callers are who they say they are."""
    from schemathesis.python.wsgi import get_client

    from config.wsgi import application

    def call(role, method, path, **kwargs):
        client = get_client(application)
        for name, value in callers[role].get("cookies", {}).items():
            client.set_cookie(name, value, domain="localhost")
        headers = {k: v for k, v in callers[role].get("headers", {}).items() if k != "Cookie"}
        return client.open(path, method=method, headers=headers, **kwargs).status_code

    assert call(None, "GET", "/api/v1/citizens/") == 401
    assert call(Role.BRIDGE_BUILDER, "GET", "/api/v1/citizens/") == 200
    # A write with the session and its CSRF token reaches the validation (400), not a 403.
    assert call(Role.HOME_CARE, "POST", "/api/v1/screenings/", json={}) == 400


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_the_api_answers_every_role_as_its_schema_says(
    operation, callers, wsgi_calls_in_the_test_transaction
):
    # Requests that fit the schema, and requests that deliberately do not (those must be 4xx).
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def each_example(case):
        for role in ROLES:
            signed_in = callers[role]
            call = case if role is None else _without_generated_token(case)
            call.call_and_validate(
                headers=dict(signed_in.get("headers", {})),
                cookies=dict(signed_in.get("cookies", {})),
                excluded_checks=EXCLUDED.get(operation.label, []),
            )

    each_example()


def _without_generated_token(case):
    """The case as a browser signed in with a session sends it: without the Authorization
    header schemathesis makes up for the schema's token scheme (a made-up token is not the
    caller's credential; the anonymous caller still sends it, and must be refused)."""
    headers = case.headers
    if isinstance(headers, Mapping) and "Authorization" in headers:
        headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
        return case.derive(headers=headers, keep_auth=True)
    return case
