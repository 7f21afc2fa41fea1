"""What every API operation shares: paging, a body that is not JSON, and what the schema says
about both (core.api)."""

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team, make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def builder():
    team = bridge_team()
    make_referral(team=team)
    return UserFactory(bridge_builder=True, team=team)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize("page_size", ["abc", "0", "-5", "1.5"])
def test_a_page_size_that_is_not_a_number_of_rows_is_a_400_naming_it(builder, page_size):
    response = _api(builder).get("/api/v1/citizens/", {"page_size": page_size})

    assert response.status_code == 400
    assert list(response.json()) == ["page_size"]


@pytest.mark.parametrize("query", ["page_size=", "page=", "page_size=1000", "q="])
def test_an_empty_or_large_paging_parameter_is_as_if_not_given(builder, query):
    response = _api(builder).get(f"/api/v1/citizens/?{query}")

    assert response.status_code == 200
    assert response.json()["count"] == 1


def test_a_body_that_is_not_json_is_a_sentence_not_a_python_error(builder):
    response = _api(builder).post("/api/v1/tasks/", "{not json", content_type="application/json")

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "parse_error"
    assert "Expecting" not in body["detail"]


def test_a_filter_that_is_not_an_id_is_a_400_naming_it():
    team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=team)

    response = _api(worker).get("/api/v1/screenings/", {"citizen": "abc"})

    assert response.status_code == 400
    assert list(response.json()) == ["citizen"]


def test_the_schema_documents_409_415_and_empty_query_values(client):
    schema = client.get("/api/schema/?format=json").json()
    post_screenings = schema["paths"]["/api/v1/screenings/"]["post"]

    assert {"200", "201", "400", "409", "415"} <= set(post_screenings["responses"])
    assert list(post_screenings["requestBody"]["content"]) == ["application/json"]
    citizens = schema["paths"]["/api/v1/citizens/"]["get"]["parameters"]
    page_size = next(p for p in citizens if p["name"] == "page_size")
    assert page_size["allowEmptyValue"] is True
    assert page_size["schema"]["minimum"] == 1
