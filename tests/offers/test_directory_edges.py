"""The public directory at its edges: a per-address limit on the pages, and Redis down or frozen."""

import time

import pytest

from tests.offers.factories import offer

pytestmark = pytest.mark.django_db


def test_the_directory_pages_are_limited_per_address(client, settings):
    settings.BROBYG_DIRECTORY_PAGE_THROTTLE = "3/min"
    shown = offer(title="Gå-klubben")
    urls = ["/tilbud/", f"/tilbud/{shown.pk}/", "/tilbud/?q=klub"]
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]

    response = client.get("/tilbud/")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "429.html" in [t.name for t in response.templates]
    # Another address is not affected.
    assert client.get("/tilbud/", REMOTE_ADDR="203.0.113.8").status_code == 200


def test_the_limit_page_speaks_english_too(client, settings):
    settings.BROBYG_DIRECTORY_PAGE_THROTTLE = "1/min"
    client.cookies["django_language"] = "en"
    client.get("/tilbud/")
    response = client.get("/tilbud/")
    assert response.status_code == 429
    assert "Too many requests" in response.content.decode()


def test_the_directory_works_when_redis_is_down_or_frozen(client, api_client, redis_outage):
    offer(title="Gå-klubben")
    started = time.monotonic()

    page = client.get("/tilbud/")
    api = api_client.get("/api/v1/offers/")

    assert page.status_code == 200
    assert "Gå-klubben" in page.content.decode()
    assert api.status_code == 200
    assert [o["title"] for o in api.json()["results"]] == ["Gå-klubben"]
    assert time.monotonic() - started < 6
