"""The checks behind /health/: each really talks to its service, and each has two seconds.

The checks run side by side, each in a thread of its own, and one that has not answered in time
is reported as `error: timeout`: a frozen Redis or database makes /health/ say so within
CHECK_TIMEOUT_SECONDS instead of holding the monitoring (and a gunicorn worker) for minutes.
"""

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from config.celery import app as celery_app

CHECK_TIMEOUT_SECONDS = 2
# The broker's own time-outs, inside the check's two seconds.
BROKER_CONNECT_TIMEOUT_SECONDS = 1
BROKER_READ_TIMEOUT_SECONDS = 1


def check_database() -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        # The check runs in a thread of its own, which would otherwise keep its connection open.
        connection.close()


def check_cache() -> None:
    key = "health:probe"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("the cache did not return what was written")


def check_broker() -> None:
    with celery_app.connection_for_write(
        connect_timeout=BROKER_CONNECT_TIMEOUT_SECONDS,
        transport_options={
            "socket_connect_timeout": BROKER_CONNECT_TIMEOUT_SECONDS,
            "socket_timeout": BROKER_READ_TIMEOUT_SECONDS,
        },
    ) as conn:
        conn.ensure_connection(max_retries=1, timeout=BROKER_CONNECT_TIMEOUT_SECONDS)
        # Opening a channel makes the transport do real I/O (Redis: a PING on connect).
        conn.default_channel  # noqa: B018


CHECKS = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
}


class _Check(threading.Thread):
    def __init__(self, name, check):
        # A daemon: a check that never returns must not keep the process from stopping.
        super().__init__(name=f"health-{name}", daemon=True)
        self.check = check
        self.error: BaseException | None = None

    def run(self):
        try:
            self.check()
        except BaseException as exc:
            self.error = exc


def _describe(exc: BaseException) -> str:
    # The kind of error only: host names and credentials stay out of a public answer.
    text = f"error: {type(exc).__name__}"
    if settings.DEBUG:
        text += f": {str(exc)[:200]}"
    return text


def run_checks(timeout: float = CHECK_TIMEOUT_SECONDS) -> tuple[bool, dict[str, str]]:
    threads = {name: _Check(name, check) for name, check in CHECKS.items()}
    for thread in threads.values():
        thread.start()
    # Started together, so each check has `timeout` from the same moment.
    deadline = time.monotonic() + timeout
    results = {}
    for name, thread in threads.items():
        thread.join(max(0.0, deadline - time.monotonic()))
        if thread.is_alive():
            results[name] = "error: timeout"
        elif thread.error is not None:
            results[name] = _describe(thread.error)
        else:
            results[name] = "ok"
    return all(v == "ok" for v in results.values()), results
