from django.db import models
from django.utils.translation import gettext_lazy as _


class Statistics(models.Model):
    """No table: the anonymised statistics are computed from the other apps' data. The model
    exists so that the permission to see them is an ordinary permission a role can hold."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_statistics", _("Can see and export the anonymised statistics"))]
        verbose_name = _("statistics")
        verbose_name_plural = _("statistics")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
