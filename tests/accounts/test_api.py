import pytest

from accounts.constants import Role
from tests.accounts.factories import PASSWORD, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"


def test_a_token_is_exchanged_for_user_name_and_password_and_then_signs_calls(api_client):
    team = TeamFactory(name="Lægepraksis")
    UserFactory(username="laege", role=Role.REFERRER, team=team)

    response = api_client.post(TOKEN_URL, {"username": "laege", "password": PASSWORD})
    assert response.status_code == 200
    token = response.json()["token"]

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = api_client.get("/api/v1/me/").json()
    assert me["username"] == "laege"
    assert me["roles"] == [Role.REFERRER]
    assert me["teams"][0]["team_name"] == "Lægepraksis"


def test_a_wrong_password_is_a_400_with_a_message(api_client):
    UserFactory(username="laege")
    response = api_client.post(TOKEN_URL, {"username": "laege", "password": "nope"})
    assert response.status_code == 400
    assert response.json()["non_field_errors"]


def test_missing_fields_are_named(api_client):
    response = api_client.post(TOKEN_URL, {}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"username", "password"}


def test_the_api_refuses_anonymous_callers_in_json(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/does-not-exist/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"


def test_the_token_endpoint_is_throttled(api_client, settings):
    # Guesses spread over many user names: no single name is locked out, the throttle stops it.
    statuses = [
        api_client.post(TOKEN_URL, {"username": f"laege{n}", "password": "guess"}).status_code
        for n in range(21)
    ]
    assert statuses[:20] == [400] * 20
    assert statuses[20] == 429


def test_the_openapi_schema_and_its_docs_are_served(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/v1/auth/token/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/" in docs.content.decode()
