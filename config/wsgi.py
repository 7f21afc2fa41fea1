import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

application = get_wsgi_application()

# Before the first request, not on it: a web server without its static files does not start.
from core.deploy import require_collected_static_files  # noqa: E402 - needs Django set up

require_collected_static_files()
