"""Reads of MedCom messages and replies, each scoped to who asks: a bridge-builder sees the
messages of the cases they may see; the gateway sees the replies the GPs may be sent."""

from django.http import Http404

from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_read, audit_record_many
from medcom.models import MedComMessage, MedComReply
from referrals.selectors import cases_visible_to

OUTBOX_PAGE = 50
OUTBOX_PAGE_MAX = 100


def medcom_message_get(*, user: User, referral_id, request=None, log_read: bool = True):
    """The MedCom message a referral came with, on a case the user may see, or 404. Opening it
    reads the citizen's record, and is logged as that."""
    try:
        message = (
            MedComMessage.objects.filter(
                referral__case__in=cases_visible_to(user=user), referral_id=referral_id
            )
            .select_related(
                "referral__case",
                "referral__citizen",
                "referral__feedback_consent",
                "consent_confirmed_by",
            )
            .get()
        )
    except (MedComMessage.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if log_read:
        audit_read(actor=user, obj=message, request=request)
    return message


def medcom_message_replies(*, message: MedComMessage) -> list[MedComReply]:
    """The replies made to a message, with whether each may still be sent."""
    sendable = set(
        MedComReply.objects.sendable().filter(message=message).values_list("pk", flat=True)
    )
    replies = list(message.replies.order_by("created_at"))
    for reply in replies:
        reply.is_sendable = reply.pk in sendable
    return replies


def medcom_reply_get(*, user: User, reply_id, request=None) -> MedComReply:
    """A reply the GP may still be sent, to a message on a case the user may see, or 404;
    logged as a read of the citizen's record."""
    try:
        reply = (
            MedComReply.objects.sendable()
            .filter(message__referral__case__in=cases_visible_to(user=user))
            .select_related("message__referral")
            .get(pk=reply_id)
        )
    except (MedComReply.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    audit_read(actor=user, obj=reply, request=request)
    return reply


def medcom_outbox(
    *, gateway: User, count: int = OUTBOX_PAGE, request=None
) -> tuple[list[MedComReply], int]:
    """The first `count` replies waiting for the gateway, oldest first, and how many wait in
    all. Each reply handed out leaves Brobyg with the answer: each is in the audit trail as an
    export of the citizen's data to the gateway (one insert for the page)."""
    count = max(1, min(count, OUTBOX_PAGE_MAX))
    waiting = MedComReply.objects.sendable().filter(fetched_at__isnull=True)
    replies = list(waiting.select_related("message__referral").order_by("created_at", "pk")[:count])
    total = len(replies) if len(replies) < count else waiting.count()
    audit_record_many(actor=gateway, action=AuditAction.EXPORT, objs=replies, request=request)
    return replies, total


def medcom_outbox_reply(*, reply_id) -> MedComReply:
    """A reply the gateway may fetch (or has), or 404."""
    try:
        return MedComReply.objects.sendable().get(pk=reply_id)
    except (MedComReply.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
