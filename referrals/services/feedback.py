"""The closed loop: telling the referrer what happened, once per event, only with the citizen's
consent."""

from collections.abc import Callable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from audit.constants import AuditAction
from audit.services import audit_record
from core.tasks import enqueue_on_commit
from referrals.models import Case, ReferralFeedback, consent_active_q

# --- Closed loop: telling the referrer ------------------------------------------------------------

# Other ways of telling a referrer, each `channel(case=, status=)`, called in the same transaction
# as the e-mails are queued: a MedCom reply to a GP's system (medcom). Those apps build on
# referrals, so each hands its channel in at start-up, from its AppConfig.ready.
_FEEDBACK_CHANNELS: list[Callable[..., None]] = []


def referrer_feedback_channel_add(channel: Callable[..., None]) -> None:
    if channel not in _FEEDBACK_CHANNELS:
        _FEEDBACK_CHANNELS.append(channel)


def _referrer_feedback_schedule(*, case: Case, status: str) -> None:
    """Queue one e-mail per referrer and event, sent after commit, to each referrer the citizen
    agreed may be told. A referrer who referred twice gets one. Then the other channels."""
    # referrals.tasks imports this module (each task's body is a service here): imported when
    # feedback is queued, not above.
    from referrals.tasks import referral_feedback_send

    referrals = (
        case.referrals.exclude(referrer_email="")
        .filter(consent_active_q(prefix="feedback_consent__"), feedback_consent__isnull=False)
        .order_by("created_at")
    )
    seen = set()
    for referral in referrals:
        address = referral.referrer_email.casefold()
        if address in seen:
            continue
        seen.add(address)
        feedback, created = ReferralFeedback.objects.get_or_create(referral=referral, event=status)
        if created:
            enqueue_on_commit(referral_feedback_send, str(feedback.pk))
    for channel in _FEEDBACK_CHANNELS:
        channel(case=case, status=status)


def referral_feedback_deliver(*, feedback_id) -> bool:
    """Send one feedback e-mail if it is still due and still consented to. True if sent."""
    with transaction.atomic():
        feedback = (
            ReferralFeedback.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("referral__referrer", "referral__case", "referral__feedback_consent")
            .filter(pk=feedback_id, sent_at__isnull=True, skipped_at__isnull=True)
            .first()
        )
        if feedback is None:
            return False
        referral = feedback.referral
        consent = referral.feedback_consent
        if consent is None or not consent.is_active:
            feedback.skipped_at = timezone.now()
            feedback.save(update_fields=["skipped_at", "updated_at"])
            return False
        language = referral.referrer.preferred_language if referral.referrer else "da"
        with translation.override(language):
            context = {
                "referral": referral,
                "event": feedback.event,
                "close_reason": referral.case.get_close_reason_display(),
                "url": settings.BROBYG_BASE_URL
                + reverse("referrals:referral_detail", args=[referral.pk]),
            }
            subject = _("Brobyg: news about your referral %(reference)s") % {
                "reference": referral.reference
            }
            body = render_to_string("referrals/email/referrer_feedback.txt", context)
        send_mail(subject, body, None, [referral.referrer_email])
        feedback.sent_at = timezone.now()
        feedback.save(update_fields=["sent_at", "updated_at"])
        audit_record(actor=None, action=AuditAction.EXPORT, obj=feedback)
    return True


def referral_feedback_due() -> list:
    """Feedback rows still to send, oldest first (for the sweep after a broker outage)."""
    cutoff = timezone.now() - timezone.timedelta(minutes=5)
    return list(
        ReferralFeedback.objects.filter(
            sent_at__isnull=True, skipped_at__isnull=True, created_at__lt=cutoff
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
