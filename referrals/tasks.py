from smtplib import SMTPException

from celery import shared_task

from referrals.services import referral_feedback_deliver, referral_feedback_due


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def referral_feedback_send(feedback_id: str) -> bool:
    """Tell a referrer what happened to their referral.

    Safe to run twice: the feedback row is locked, and once it is marked sent (or skipped
    because consent was withdrawn) a second run finds nothing to do.
    """
    return referral_feedback_deliver(feedback_id=feedback_id)


@shared_task
def referral_feedback_sweep() -> int:
    """Send feedback that was saved but never queued (the broker was down at the time).

    Safe to run twice or beside referral_feedback_send: each row is locked and sent once.
    """
    return sum(referral_feedback_deliver(feedback_id=pk) for pk in referral_feedback_due())
