"""The API's JSON parser (core.api.parsers): a body Brobyg cannot read or keep is a 400 with a
sentence, never a server error, and nothing is stored — nesting deeper than any request
needs, a NUL character (PostgreSQL keeps none) or half a UTF-16 pair (no UTF-8 text has one)."""

import json

import pytest

from referrals.models import Referral
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
REFERRALS = "/api/v1/referrals/"


def _assert_parse_error(response):
    assert response.status_code == 400, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "parse_error"
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize("depth", [200, 50_000])
def test_deeply_nested_json_to_the_token_endpoint_is_a_400(api_client, depth):
    api_client.raise_request_exception = False

    response = api_client.post(
        TOKEN_URL, data="[" * depth + "]" * depth, content_type="application/json"
    )

    _assert_parse_error(response)


@pytest.mark.parametrize(
    "raw",
    ['"\\u0000"', '"a\\u0000b"', '"\\ud800"', '"x\\udfff"'],
    ids=["nul", "nul-inside", "lone-high-surrogate", "lone-low-surrogate"],
)
@pytest.mark.parametrize("where", ["value", "key", "nested"])
def test_a_nul_or_a_lone_surrogate_anywhere_is_a_400(api_client, raw, where):
    body = {
        "value": '{"username": RAW, "password": "x"}',
        "key": '{"username": "u", "password": "x", RAW: 1}',
        "nested": '{"username": "u", "password": "x", "extra": [{"a": [RAW]}]}',
    }[where].replace("RAW", raw)
    api_client.raise_request_exception = False

    response = api_client.post(TOKEN_URL, data=body, content_type="application/json")

    _assert_parse_error(response)


def test_a_referral_with_a_lone_surrogate_is_refused_and_nothing_stored(api_client):
    team = bridge_team()
    api_client.force_authenticate(UserFactory(referrer=True))
    api_client.raise_request_exception = False
    referral = {
        "citizen": {"first_name": "Inger", "last_name": "Madsen", "birth_date": "1941-03-14"},
        "source": "gp",
        "reason": "PLACEHOLDER",
        "consent": {"given": True, "method": "verbal"},
        "team": str(team.pk),
    }
    body = json.dumps(referral)

    response = api_client.post(
        REFERRALS,
        data=body.replace("PLACEHOLDER", "ensom \\ud800"),
        content_type="application/json",
    )

    _assert_parse_error(response)
    assert not Referral.objects.exists()
    # The same referral without the half pair is taken in.
    response = api_client.post(
        REFERRALS, data=body.replace("PLACEHOLDER", "ensom"), content_type="application/json"
    )
    assert response.status_code == 201, response.content[:500]


def test_ordinary_json_with_danish_letters_and_escapes_is_read(api_client):
    response = api_client.post(
        TOKEN_URL,
        data='{"username": "s\\u00f8ren", "password": "\\ud83d\\ude00 æøå"}',
        content_type="application/json",
    )

    # Read, and refused for the wrong password: the field names what is wrong, not the parser.
    assert response.status_code in (400, 401)
    assert response.json().get("code") != "parse_error"
