from django.db import models
from django.utils.translation import gettext_lazy as _


class Postcode(models.Model):
    """A Danish postcode area and its centre: enough to say how far apart two people live."""

    code = models.CharField(_("postcode"), max_length=4, primary_key=True)
    name = models.CharField(_("town"), max_length=100)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    district = models.CharField(
        _("district"),
        max_length=100,
        blank=True,
        help_text=_("The municipality's own name for the area, used in statistics."),
    )

    class Meta:
        verbose_name = _("postcode")
        verbose_name_plural = _("postcodes")
        ordering = ["code"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="postcode_centre_idx")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
