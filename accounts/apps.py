from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(sender, **kwargs):
    from accounts.roles import roles_sync

    roles_sync()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Users and teams")

    def ready(self):
        from accounts import signals  # noqa: F401

        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="accounts_roles_sync")
