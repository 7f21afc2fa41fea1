import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def list_field(verbose_name, **kwargs):
    # A JSON list (jsonb, filtered by containment: core.db.json_list_contains); the services
    # check each value against its choices.
    return models.JSONField(verbose_name, default=list, blank=True, **kwargs)


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class BaseModel(TimeStampedModel):
    """A record that may appear in a URL or the API: its key is a UUID, never a counter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        abstract = True


class UsedFormToken(models.Model):
    """A single-use form token that has been used, kept until it would have expired anyway.

    Public forms carry a signed token (referrals.forms.SelfReferralForm); a row here makes the
    same token useless a second time. In the database, not in Redis, so a replayed form is
    refused while Redis is down as well (docs/decisions/0009-when-redis-is-down.md).
    """

    purpose = models.CharField(_("purpose"), max_length=50)
    # SHA-256 of the token: the token itself is never needed again.
    digest = models.CharField(_("digest"), max_length=64)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("used form token")
        verbose_name_plural = _("used form tokens")
        constraints = [
            models.UniqueConstraint(
                fields=["purpose", "digest"], name="core_usedformtoken_once_per_purpose"
            )
        ]

    def __str__(self) -> str:
        return f"{self.purpose}:{self.digest[:12]}"
