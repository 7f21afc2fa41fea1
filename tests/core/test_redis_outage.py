"""When Redis is down or frozen: no 500, no long wait, and /health/ says which part failed.

See docs/decisions/0009-when-redis-is-down.md for what fails open and what fails closed.
"""

import time

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

# Each health check has this long; the checks run side by side.
CHECK_SECONDS = 2


def test_redis_has_short_time_outs():
    options = django_settings.CACHES["default"]["OPTIONS"]
    assert 0 < options["socket_connect_timeout"] <= 2
    assert 0 < options["socket_timeout"] <= 2
    broker = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert 0 < broker["socket_connect_timeout"] <= 2
    assert 0 < broker["socket_timeout"] <= 10


def test_the_token_endpoint_answers_without_redis(api_client, redis_outage):
    user = UserFactory(referrer=True)
    started = time.monotonic()

    wrong = api_client.post("/api/v1/auth/token/", {"username": user.username, "password": "x"})
    right = api_client.post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}
    )

    # The throttle lets the request through; the lockout (in the database) still counts.
    assert wrong.status_code == 400
    assert right.status_code not in (429, 500, 503)
    assert time.monotonic() - started < 6


def test_the_token_endpoint_still_locks_out_without_redis(api_client, redis_down):
    user = UserFactory(referrer=True)
    statuses = [
        api_client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": "x"}
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [400, 400, 400, 400, 429]


def test_health_names_the_cache_and_the_broker_when_redis_is_frozen(client, redis_frozen):
    started = time.monotonic()
    response = client.get("/health/")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["cache"].startswith("error")
    assert body["broker"].startswith("error")
    # The checks run side by side, each stopped after two seconds (plus the throttle's own
    # try at the cache, which gives up after its socket time-out).
    assert elapsed < CHECK_SECONDS + 2, elapsed


def test_health_answers_quickly_when_redis_is_down(client, redis_down):
    started = time.monotonic()
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["cache"].startswith("error")
    assert time.monotonic() - started < CHECK_SECONDS + 2


def test_a_health_check_that_hangs_is_stopped_and_named(client, monkeypatch):
    from core import health

    monkeypatch.setitem(health.CHECKS, "database", lambda: time.sleep(10))
    started = time.monotonic()
    response = client.get("/health/")

    assert time.monotonic() - started < CHECK_SECONDS + 1
    assert response.status_code == 503
    assert response.json() == {"database": "error: timeout", "cache": "ok", "broker": "ok"}


def test_sessions_do_not_live_in_redis(settings):
    from importlib import import_module

    from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore

    # Brobyg's own store is Django's database store with a cheaper renewal (accounts.sessions).
    assert issubclass(import_module(settings.SESSION_ENGINE).SessionStore, DatabaseSessionStore)


def test_signed_in_pages_work_while_redis_is_down(client):
    user = UserFactory(bridge_builder=True)
    client.force_login(user)
    assert client.get("/").status_code == 200

    # Redis goes away while the person is signed in.
    cache.clear()
    from django.test import override_settings

    from tests.core.outage import CLOSED_PORT_URL

    with override_settings(
        CACHES={"default": {**django_settings.CACHES["default"], "LOCATION": CLOSED_PORT_URL}}
    ):
        assert client.get("/").status_code == 200
        assert client.get("/opgaver/").status_code == 200


# --- /health/ has a per-address limit of its own ------------------------------------------------


def test_health_is_limited_per_address_with_json(client, settings):
    settings.BROBYG_HEALTH_THROTTLE = "2/min"
    assert [client.get("/health/").status_code for _ in range(2)] == [200, 200]

    response = client.get("/health/")

    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "throttled"
    assert body["retry_after"] > 0
    assert int(response["Retry-After"]) == body["retry_after"]
    assert client.get("/health/", REMOTE_ADDR="203.0.113.8").status_code == 200
