"""Every API error other than bad input has one shape: {"detail": "…", "code": "…"}."""

import pytest

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _assert_error(response, status, code):
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def test_401_for_an_anonymous_caller(api_client):
    _assert_error(api_client.get("/api/v1/me/"), 401, "not_authenticated")


def test_401_for_an_unknown_token(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token nope")
    _assert_error(api_client.get("/api/v1/me/"), 401, "token_invalid")


def test_403_for_a_role_without_the_permission(api_client):
    api_client.force_authenticate(UserFactory(coordinator=True))
    _assert_error(api_client.get("/api/v1/citizens/"), 403, "permission_denied")


def test_404_for_a_record_the_caller_may_not_see(api_client):
    api_client.force_authenticate(UserFactory(referrer=True))
    url = "/api/v1/referrals/00000000-0000-0000-0000-000000000000/"
    _assert_error(api_client.get(url), 404, "not_found")


def test_404_for_an_unknown_address(client):
    _assert_error(client.get("/api/v1/does-not-exist/"), 404, "not_found")


def test_405_for_a_method_that_is_not_allowed(api_client):
    api_client.force_authenticate(UserFactory(referrer=True))
    _assert_error(api_client.delete("/api/v1/me/"), 405, "method_not_allowed")


def test_429_says_how_long_to_wait(api_client):
    statuses = [
        api_client.post("/api/v1/auth/token/", {"username": f"u{n}", "password": "x"})
        for n in range(21)
    ]
    body = _assert_error(statuses[-1], 429, "throttled")
    assert body["retry_after"] > 0


def test_a_malformed_body_is_a_400_with_a_message(api_client):
    api_client.force_authenticate(UserFactory(referrer=True))
    response = api_client.post(
        "/api/v1/referrals/", data="{not json", content_type="application/json"
    )
    _assert_error(response, 400, "parse_error")


def test_bad_input_still_names_the_field(api_client):
    response = api_client.post("/api/v1/auth/token/", {"username": "x"}, format="json")
    assert response.status_code == 400
    assert "password" in response.json()


def test_the_messages_are_danish_by_default(api_client):
    body = api_client.get("/api/v1/me/").json()
    assert "autentificering" in body["detail"]


def test_the_schema_documents_the_error_shape(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail", "code"]
    me = schema["paths"]["/api/v1/me/"]["get"]["responses"]
    assert me["401"]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_the_public_endpoints_have_their_throttle_rates(settings):
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates["token"] == "20/min"
    # The public offer directory's API (ScopedRateThrottle, scope "directory").
    assert rates["directory"] == "120/min"
