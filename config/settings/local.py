"""Settings for a developer's machine and for `make run` (the default)."""

from config.env import env
from config.settings.base import *  # noqa: F403

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="local-only-not-secret-brobyg-development-key")
BROBYG_ENCRYPTION_KEY = env.str(
    "BROBYG_ENCRYPTION_KEY", default="local-only-not-secret-brobyg-encryption-key"
)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# Serve static files straight from the app folders while developing.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
