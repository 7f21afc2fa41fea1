"""The checks behind /health/: each really talks to its service, with a short time-out."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from config.celery import app as celery_app

BROKER_TIMEOUT_SECONDS = 2


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def check_cache() -> None:
    key = "health:probe"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was written")


def check_broker() -> None:
    with celery_app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
        # Opening a channel makes the transport do real I/O (Redis: a PING on connect).
        conn.default_channel  # noqa: B018


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


def run_checks() -> tuple[bool, dict[str, str]]:
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as exc:
            # The kind of error only: host names and credentials stay out of a public answer.
            results[name] = f"error: {type(exc).__name__}"
            if settings.DEBUG:
                results[name] += f": {str(exc)[:200]}"
        else:
            results[name] = "ok"
    return all(v == "ok" for v in results.values()), results
