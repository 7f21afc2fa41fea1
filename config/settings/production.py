"""Production settings: secrets and hosts must come from the environment, or Brobyg won't start."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = False
# No defaults: a missing value raises ImproperlyConfigured at start-up.
SECRET_KEY = env.str("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
BROBYG_ENCRYPTION_KEY = env.str("BROBYG_ENCRYPTION_KEY")
# Both keys sign or encrypt what must not be forged or read; a short one can be guessed.
MIN_KEY_BYTES = 32
for _name, _value in (
    ("DJANGO_SECRET_KEY", SECRET_KEY),
    ("BROBYG_ENCRYPTION_KEY", BROBYG_ENCRYPTION_KEY),
):
    if len(_value.encode()) < MIN_KEY_BYTES:
        raise ImproperlyConfigured(
            f"{_name} is {len(_value.encode())} bytes long; it must be at least {MIN_KEY_BYTES} "
            "bytes. Generate one with: "
            'python -c "import secrets; print(secrets.token_urlsafe(50))"'
        )

# Production runs on PostgreSQL and Redis of its own: the embedded PostgreSQL and file-system
# broker of `make run` live in the project folder and cannot be shared between containers.
for _name in ("DATABASE_URL", "REDIS_URL"):
    if not env.str(_name, default=""):
        raise ImproperlyConfigured(f"Set the {_name} environment variable")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# X-Forwarded-For is believed only from the proxies listed in BROBYG_TRUSTED_PROXIES (base.py),
# empty by default here too: set it to the address of the municipality's TLS proxy (or its
# network), e.g. BROBYG_TRUSTED_PROXIES=10.20.0.5. Until then every request counts as coming from
# the proxy itself, never from an address a client made up.

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
