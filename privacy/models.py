from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from privacy.constants import AnonymisationKind


class AnonymisationRecord(BaseModel):
    """That (and why) a citizen's personal data was removed: the record of the erasure itself.

    The reason says why and on what request ("the citizen's letter of 3 March"); it must not
    repeat the personal data that was removed.
    """

    citizen = models.OneToOneField(
        "referrals.Citizen",
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        related_name="anonymisation",
    )
    kind = models.CharField(_("kind"), max_length=16, choices=AnonymisationKind.choices)
    reason = models.TextField(_("reason"), blank=True)
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the retention job did it."),
    )
    # How many rows each section held when it was anonymised, e.g. {"notes": 3}.
    summary = models.JSONField(_("what was anonymised"), default=dict)

    class Meta:
        verbose_name = _("anonymisation")
        verbose_name_plural = _("anonymisations")
        ordering = ["-created_at"]
        permissions = [
            (
                "handle_data_requests",
                _("Can find a citizen, see who accessed the record and export it"),
            ),
            ("erase_citizen", _("Can erase a citizen's personal data")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d}"

    @property
    def audit_subject_id(self):
        return self.citizen_id
