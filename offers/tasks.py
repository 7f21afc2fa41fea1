from smtplib import SMTPException

from celery import shared_task

from offers.confirmation import confirmation_send, confirmations_due


@shared_task(
    autoretry_for=(SMTPException, ConnectionError, TimeoutError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def first_meeting_confirmation_send(match_id: str) -> bool:
    """Ask the offer or volunteer whether the citizen came to the first meeting.

    Safe to run twice: the match is locked and marked asked in the same transaction, so the
    second run finds it asked and does nothing."""
    return confirmation_send(match_id=match_id)


@shared_task
def first_meeting_confirmations_sweep() -> int:
    """Beat's job: ask about every first meeting that is over. Safe twice, as above."""
    return sum(confirmation_send(match_id=pk) for pk in confirmations_due())
