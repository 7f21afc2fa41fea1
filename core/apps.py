from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Brobyg")

    def ready(self):
        from core.throttling import configure_drf_throttles

        configure_drf_throttles()
