"""The demo municipality. Each app adds its part as a step of settings.BROBYG_DEMO_STEPS (dotted
paths, in the order the apps build on each other); seed_demo runs them in order. The list is in
the settings because core sits below every app and imports none of them."""

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

DEMO_PASSWORD = "brobyg-demo"  # noqa: S105 - published in README for the demo data only


@transaction.atomic
def seed_demo() -> None:
    for path in settings.BROBYG_DEMO_STEPS:
        import_string(path)()
