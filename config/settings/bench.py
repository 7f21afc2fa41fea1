"""Settings for `make bench`: production-like (DEBUG off, gunicorn, real PostgreSQL and Redis),
but on plain HTTP on loopback, with a trivial view to measure the floor against."""

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "bench-only-not-secret-brobyg-benchmark-key-0123456789"  # noqa: S105
BROBYG_ENCRYPTION_KEY = "bench-only-not-secret-brobyg-encryption-key"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# The reminder scenario's workers send to a local SMTP sink.
if env.str("BENCH_EMAIL_URL", default=""):
    globals().update(env.email_url("BENCH_EMAIL_URL"))
WHITENOISE_USE_FINDERS = True
LOGGING["root"]["level"] = env.str("DJANGO_LOG_LEVEL", default="WARNING")  # noqa: F405
# The load comes from one address: no throttle may get in the way of measuring.
_rates = REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]  # noqa: F405
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = dict.fromkeys(_rates, "1000000/min")  # noqa: F405
BROBYG_DIRECTORY_PAGE_THROTTLE = BROBYG_HEALTH_THROTTLE = "1000000/min"
BROBYG_SELF_REFERRAL_THROTTLE = "1000000/min"
# The load test signs in with a password many times a second: a second factor has nothing to
# measure there, and the lockout must not count the simulated users' sign-ins.
BROBYG_REQUIRE_2FA = False
AXES_ENABLED = False
