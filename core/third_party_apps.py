"""Danish names in the admin for the apps that ship none (listed in INSTALLED_APPS in place of
the apps' own configurations). Their models' names are in core/admin_strings.py where the app
translates them, and set here where it does not."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("Sign-in attempts")


class TOTPConfig(TOTPAppConfig):
    verbose_name = _("Two-factor sign-in")

    def ready(self):
        super().ready()
        # django-otp names its model in English only, without gettext. The names are only
        # what the admin shows: migrations read the model's own Meta, which stays as it is.
        meta = self.get_model("TOTPDevice")._meta
        meta.verbose_name = _("authenticator app")
        meta.verbose_name_plural = _("authenticator apps")
