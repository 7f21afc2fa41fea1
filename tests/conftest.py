import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config):
    engine = settings.DATABASES["default"]["ENGINE"]
    if engine != "django.db.backends.postgresql":
        raise pytest.UsageError(f"The suite runs on PostgreSQL, not {engine}: set DATABASE_URL.")


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttle counters and cached values live in Redis; each test starts from nothing.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    # A request sets its language for the thread and leaves it (core.middleware), so a test that
    # asked for a page in English would leave English behind for the next test in the process.
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def celery_workers():
    """`celery_workers(count=1, env=None)`: real Celery workers on the suite's Redis and the test
    database, on a queue of their own → the queue's name. `env` adds settings for the workers.
    They stop when the test ends; a traceback in their output is printed."""
    processes = []

    def start(count: int = 1, env: dict[str, str] | None = None) -> str:
        queue = f"brobyg-test-{uuid.uuid4().hex[:8]}"
        db = settings.DATABASES["default"]
        # The suite's process already chose its Redis database (config/settings/test.py).
        inherited = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_WORKER"}
        worker_env = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": (
                f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/"
                f"{connection.settings_dict['NAME']}"
            ),
            "REDIS_URL": settings.REDIS_URL,
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            **(env or {}),
        }
        for n in range(count):
            processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "config",
                        "worker",
                        "--pool",
                        "solo",
                        "--queues",
                        queue,
                        "--hostname",
                        f"worker{n}-{queue}@%h",
                        "--loglevel",
                        "WARNING",
                        "--without-heartbeat",
                        "--without-mingle",
                        "--without-gossip",
                    ],
                    cwd=ROOT,
                    env=worker_env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                )
            )
        return queue

    yield start
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
        if "Traceback" in output:
            print(output)
