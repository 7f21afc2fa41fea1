"""Production settings: secrets and hosts must come from the environment, or Brobyg won't start."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env
from config.settings.base import *  # noqa: F403
from config.settings.base import REST_FRAMEWORK

DEBUG = False
# No defaults: a missing value raises ImproperlyConfigured at start-up.
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
BROBYG_ENCRYPTION_KEY = env.str("BROBYG_ENCRYPTION_KEY")

# Production runs on PostgreSQL and Redis: the embedded SQLite and file-system broker of
# `make run` cannot be shared between the web, worker and beat containers.
for _name in ("DATABASE_URL", "REDIS_URL"):
    if not env.str(_name, default=""):
        raise ImproperlyConfigured(f"Set the {_name} environment variable")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Behind the municipality's TLS proxy: one proxy of our own in front, unless told otherwise.
BROBYG_NUM_PROXIES = env.int("BROBYG_NUM_PROXIES", default=1)
REST_FRAMEWORK["NUM_PROXIES"] = BROBYG_NUM_PROXIES

# HTTPS everywhere. Behind a TLS-terminating proxy, the proxy sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
# The __Host- prefix makes the browser refuse the cookie unless it came over HTTPS from this
# very host, for the whole site: no sub-domain can set or read it.
SESSION_COOKIE_NAME = "__Host-brobyg-session"
CSRF_COOKIE_NAME = "__Host-brobyg-csrf"
X_FRAME_OPTIONS = "DENY"
# Two-factor sign-in cannot be switched off in production by accident: only explicitly.
BROBYG_REQUIRE_2FA = env.bool("BROBYG_REQUIRE_2FA", default=True)
