"""Shared tablets: nothing a signed-in person saw, and no citizen data, stays in a cache."""

import pytest
from rest_framework.test import APIClient

from tests.accounts.factories import TeamFactory, UserFactory
from tests.screening.factories import home_care_citizen

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker():
    team = TeamFactory(home_care=True)
    user = UserFactory(home_care=True, team=team)
    user.citizen = home_care_citizen(team=team)
    return user


def _no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_page_a_signed_in_person_sees_is_no_store(client, worker):
    client.force_login(worker)
    citizen = worker.citizen
    for url in [
        "/",
        "/screening/",
        f"/screening/borgere/{citizen.pk}/",
        f"/screening/borgere/{citizen.pk}/screen/",
        # Public pages too: the menu names the person signed in.
        "/tilbud/",
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert _no_store(response), url


def test_every_api_answer_with_citizen_data_is_no_store(client, worker):
    client.force_login(worker)
    assert _no_store(client.get("/api/v1/citizens/"))
    assert _no_store(client.get(f"/api/v1/citizens/{worker.citizen.pk}/"))
    assert _no_store(client.get("/api/v1/screenings/"))
    # Signed in, even the directory's answer is the person's own (it may hold internal offers).
    assert _no_store(client.get("/api/v1/offers/"))


def test_api_answers_without_a_session_are_no_store_except_the_public_directory():
    anonymous = APIClient()
    assert _no_store(anonymous.get("/api/v1/citizens/"))
    assert _no_store(anonymous.post("/api/v1/screenings/", {}, format="json"))
    assert not _no_store(anonymous.get("/api/v1/offers/"))
    # A system's call with a token is never anonymous, whatever it asks for.
    with_token = APIClient()
    with_token.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert _no_store(with_token.get("/api/v1/offers/"))


def test_public_pages_and_assets_stay_cacheable_but_not_the_answer_to_a_form(client, worker):
    assert not _no_store(client.get("/tilbud/"))
    assert not _no_store(client.get("/henvis/"))
    # A self-referral with a mistake shows the citizen's details again: not for the next person.
    assert _no_store(client.post("/henvis/", {"first_name": "Inger", "phone": "12345678"}))
    client.force_login(worker)
    # The service worker keeps the assets for offline use: they hold no one's data.
    assert not _no_store(client.get("/static/js/outbox.js"))


def test_signing_out_clears_the_browsers_cache_but_not_its_storage(client, worker):
    client.force_login(worker)
    response = client.post("/konto/log-ud/")
    assert response.status_code == 302
    # "cache" only: "storage" would also delete the outbox of screenings not yet sent.
    assert response["Clear-Site-Data"] == '"cache"'
    assert _no_store(response)
