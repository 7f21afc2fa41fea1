"""Consent: given for one purpose, kept when withdrawn, and the one rule for when it is active."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from referrals.constants import ConsentMethod, ConsentPurpose
from referrals.models.citizens import Citizen


def consent_active_q(prefix: str = "") -> Q:
    """Consent stands until it is withdrawn: the one rule for active consent, as a filter
    (`prefix` for consent reached through a relation, e.g. "feedback_consent__").
    `ConsentRecord.is_active` is the same rule for one record in hand."""
    return Q(**{f"{prefix}withdrawn_at__isnull": True})


class ConsentRecordQuerySet(models.QuerySet):
    def active(self):
        return self.filter(consent_active_q())


class ConsentRecord(BaseModel):
    """Consent for one purpose, given and possibly withdrawn, with who recorded it."""

    citizen = models.ForeignKey(
        Citizen, verbose_name=_("citizen"), on_delete=models.PROTECT, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=32, choices=ConsentPurpose.choices)
    recipient = models.CharField(
        _("shared with"),
        max_length=200,
        blank=True,
        help_text=_("The named volunteer or offer the citizen agreed to share with."),
    )
    # The offer or volunteer (by its id; the purpose says which) that consent to share names.
    # Only that one provider may see the citizen: consent has a purpose and a recipient.
    recipient_id = models.UUIDField(_("recipient"), null=True, blank=True, editable=False)
    given_at = models.DateTimeField(_("given"))
    method = models.CharField(_("how"), max_length=16, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("withdrawn by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ConsentRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["given_at"]
        indexes = [
            models.Index(
                fields=["citizen", "purpose"],
                condition=consent_active_q(),
                name="consent_active_idx",
            ),
        ]

    def __str__(self) -> str:
        return str(self.get_purpose_display())

    @property
    def is_active(self) -> bool:
        # consent_active_q, for the record in hand.
        return self.withdrawn_at is None

    @property
    def stands(self) -> bool:
        """Active and the citizen's own, not only stated by a referrer: the consent the case page
        does not record a second time (services.consent_give with `once`)."""
        return self.is_active and self.method != ConsentMethod.REFERRER_STATED

    @property
    def audit_subject_id(self):
        return self.citizen_id
