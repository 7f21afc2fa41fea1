"""Settings for the test suite: real PostgreSQL and Redis, as in production."""

import os
from urllib.parse import urlsplit, urlunsplit

from config.env import database_config, env
from config.settings.base import *  # noqa: F403
from config.settings.base import CACHES, DATABASES, REDIS_BROKER_OPTIONS, REDIS_CACHE_OPTIONS

DEBUG = False
SECRET_KEY = "test-only-not-secret-brobyg-test-suite-key"  # noqa: S105
BROBYG_ENCRYPTION_KEY = "test-only-not-secret-brobyg-encryption-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

DATABASES["default"] = database_config(default="postgres://postgres@127.0.0.1:5432/brobyg")
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")


def redis_database_of_worker(url: str, worker: str) -> str:
    """The suite's Redis database for one of the processes that run it side by side (`gw0`,
    `gw1`, … from pytest-xdist): the next ones after the configured one. Each test empties its
    database (tests/conftest.py), which must never empty another process's throttle counters,
    cache or Celery queue."""
    if not worker.startswith("gw"):
        return url
    parts = urlsplit(url)
    database = int(parts.path.strip("/") or 0) + 1 + int(worker[2:])
    return urlunsplit(parts._replace(path=f"/{database}"))


REDIS_URL = redis_database_of_worker(REDIS_URL, os.environ.get("PYTEST_XDIST_WORKER", ""))
CACHES["default"] = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": REDIS_URL,
    "KEY_PREFIX": "brobyg-test",
    "OPTIONS": REDIS_CACHE_OPTIONS,
}
CELERY_BROKER_URL = REDIS_URL
CELERY_BROKER_TRANSPORT_OPTIONS = REDIS_BROKER_OPTIONS
# A queue of the suite's own, so a test worker never picks up a developer's tasks or the reverse.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="brobyg-test")

# Two-factor sign-in is off for the suite as a whole, so tests sign in with a password alone;
# the two-factor tests turn it on with the `settings` fixture.
BROBYG_REQUIRE_2FA = False

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
if env.str("BROBYG_TEST_EMAIL_URL", default=""):
    # A test that starts a worker process points it at an SMTP server of its own on loopback.
    globals().update(env.email_url("BROBYG_TEST_EMAIL_URL"))
BROBYG_SMS_BACKEND = env.str("BROBYG_SMS_BACKEND", default="followups.sms.LocmemSMSBackend")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
