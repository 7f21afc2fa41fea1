import pytest
from django.core.cache import caches

from config.celery import app as celery_app

pytestmark = pytest.mark.django_db

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def test_health_is_ok_when_database_cache_and_broker_answer(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_health_is_503_naming_the_broker_when_redis_is_unreachable(client, settings, monkeypatch):
    # Redis is both the cache and the broker: point both at a port where nothing listens.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CLOSED_PORT,
        }
    }
    monkeypatch.setitem(celery_app.conf, "broker_url", CLOSED_PORT)
    try:
        response = client.get("/health/")
    finally:
        caches["default"].close()

    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok"
    assert body["broker"].startswith("error")
    assert body["cache"].startswith("error")


def test_health_needs_no_sign_in_and_is_never_cached(client):
    response = client.get("/health/")
    assert "no-cache" in response["Cache-Control"]
