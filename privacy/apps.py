from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Data protection")

    def ready(self):
        # Each app says what it holds about a citizen in its own `personal_data.py`.
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("personal_data")
