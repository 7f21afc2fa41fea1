"""MedCom messages: each CareCommunication received, with the referral it became and the
acknowledgement Brobyg answered, and each reply Brobyg made for the GP's system."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import BaseModel
from medcom.parsing import attachments_of
from referrals.constants import CaseStatus
from referrals.models import Referral


class MedComMessage(BaseModel):
    """A CareCommunication received from a GP's system, kept for the audit trail. The same
    message sent again (the same MessageHeader id from the same sender, with the same content)
    is this one: its acknowledgement is sent again and nothing else happens. Another message
    with the same id is refused."""

    header_id = models.CharField(
        _("MessageHeader id"),
        max_length=64,
        help_text=_("The id the sender gave the message; the same id is the same message."),
    )
    # SHA-256 of the message as received, in canonical JSON (medcom.services): a message sent
    # again is known as the same one by it, also after the message itself was emptied.
    content_hash = models.CharField(
        _("content hash"),
        max_length=64,
        blank=True,
        help_text=_("SHA-256 of the message as received; the same message has the same hash."),
    )
    bundle = models.JSONField(_("the message as received"), default=dict, blank=True)
    referral = models.OneToOneField(
        Referral,
        verbose_name=_("referral"),
        on_delete=models.PROTECT,
        related_name="medcom_message",
    )
    acknowledgement = models.JSONField(_("acknowledgement sent"), default=dict)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The MedCom gateway's account that delivered the message."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sender_sor = models.CharField(_("sender's SOR code"), max_length=32)
    sender_name = models.CharField(_("sender"), max_length=200, blank=True)
    receiver_sor = models.CharField(_("receiver's SOR code"), max_length=32)
    receiver_name = models.CharField(_("receiver"), max_length=200, blank=True)
    category = models.CharField(_("category"), max_length=64, blank=True)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    # Set when a bridge-builder has asked the citizen: until then the referral's consent is the
    # referrer's statement only, and nothing goes back to the GP.
    consent_confirmed_at = models.DateTimeField(_("consent confirmed"), null=True, blank=True)
    consent_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("MedCom message")
        verbose_name_plural = _("MedCom messages")
        ordering = ["-created_at"]
        constraints = [
            # Two copies arriving at once: the second waits for the first and then finds it.
            models.UniqueConstraint(
                fields=["header_id"],
                name="medcommessage_unique_header",
                violation_error_message=_("This MedCom message has been received already."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sender_name or self.sender_sor} {self.created_at:%Y-%m-%d}"

    @property
    def audit_subject_id(self):
        return self.referral.citizen_id

    @property
    def attachments(self) -> list[dict]:
        """The message's attachments, for the message's page."""
        return attachments_of(self.bundle)


class MedComReplyQuerySet(models.QuerySet):
    def sendable(self):
        """Replies the GP may still be sent: the citizen's consent to tell this referrer stands,
        and the message has not been emptied (erasure, retention)."""
        return self.filter(
            message__referral__feedback_consent__isnull=False,
            message__referral__feedback_consent__withdrawn_at__isnull=True,
        ).exclude(bundle={})


class MedComReply(BaseModel):
    """A CareCommunication reply to the GP's system: the case was matched or closed. Made once
    per referral and event, when it happens, and kept as made; the municipality's MedCom gateway
    fetches it from the outbox. Its id is the reply bundle's id."""

    message = models.ForeignKey(
        MedComMessage,
        verbose_name=_("in reply to"),
        on_delete=models.PROTECT,
        related_name="replies",
    )
    event = models.CharField(_("event"), max_length=16, choices=CaseStatus.choices)
    header_id = models.CharField(_("MessageHeader id"), max_length=64, unique=True)
    bundle = models.JSONField(_("the reply"), default=dict, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), null=True, blank=True)
    fetched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("fetched by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = MedComReplyQuerySet.as_manager()

    class Meta:
        verbose_name = _("MedCom reply")
        verbose_name_plural = _("MedCom replies")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["message", "event"],
                name="medcomreply_once_per_event",
                violation_error_message=_("The GP has been answered about this already."),
            ),
        ]
        indexes = [
            # The outbox: replies not fetched yet, oldest first.
            models.Index(
                fields=["created_at"],
                condition=Q(fetched_at__isnull=True),
                name="medcomreply_outbox_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} {self.created_at:%Y-%m-%d}"

    @property
    def audit_subject_id(self):
        return self.message.referral.citizen_id
