"""Property-based tests of the whole API against its own OpenAPI schema (schemathesis).

Every operation in /api/schema/ gets a bounded number of generated requests, signed with a token
as each role and as nobody. No answer may be a 500, and every answer must match the schema
(including the documented error shapes from core.api.exceptions). The number of examples is kept
small so the whole run stays well under a minute on two cores; raise BROBYG_FUZZ_EXAMPLES to dig
deeper locally.
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.constants import Role
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import make_referral
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("BROBYG_FUZZ_EXAMPLES", "8"))
ROLES = [None, *Role.values]  # None: no token at all
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _load_schema():
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application)


SCHEMA = _load_schema()
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]


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


@pytest.fixture
def tokens(db):
    """One signed-in caller per role, each with something to see (a case, a screening)."""
    bridge_team, home_team = TeamFactory(), TeamFactory(home_care=True)
    callers = {
        Role.BRIDGE_BUILDER: UserFactory(bridge_builder=True, team=bridge_team),
        Role.HOME_CARE: UserFactory(home_care=True, team=home_team),
        Role.COORDINATOR: UserFactory(coordinator=True),
        Role.REFERRER: UserFactory(referrer=True),
        Role.ADMIN: UserFactory(admin=True),
    }
    make_referral(team=bridge_team, referrer=callers[Role.REFERRER])
    screen(citizen=home_care_citizen(team=home_team), by=callers[Role.HOME_CARE])
    return {role: Token.objects.create(user=user).key for role, user in callers.items()}


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.label)
def test_the_api_answers_every_role_as_its_schema_says(
    operation, tokens, wsgi_calls_in_the_test_transaction
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
            headers = {"Authorization": f"Token {tokens[role]}"} if role else {}
            case.call_and_validate(headers=headers, checks=CHECKS)

    each_example()
