"""The Celery app: tasks of every Brobyg app, on Redis (or the file-system broker of `make run`)."""

import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("brobyg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def use_brobyg_logging(**kwargs):
    """The worker and beat log through settings.LOGGING, like the web app: the same format and
    clock. Celery then leaves standard output alone, so what is printed there (the console
    e-mails of `make run`) stays as it is instead of becoming WARNING lines."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
