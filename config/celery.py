"""The Celery app: tasks of every Brobyg app, on Redis (or the file-system broker of `make run`)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("brobyg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
