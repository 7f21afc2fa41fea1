from datetime import date
from smtplib import SMTPException

from celery import shared_task

from matching.confirmation import confirmation_send, confirmations_due
from matching.services.contact import contact_missed_sweep as missed_contacts_sweep
from matching.services.sessions import session_calls_create


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


@shared_task(soft_time_limit=600, time_limit=660)
def contact_missed_sweep() -> int:
    """Beat's daily job: a task for the bridge-builder where agreed contacts have been missed in a
    row, those nobody logged included (matching/services/contact.py).

    Safe to run twice: each match is checked under its row lock, and a run of misses is found by
    its first date, so its task is made once."""
    return missed_contacts_sweep()


@shared_task(soft_time_limit=240, time_limit=300)
def session_calls_daily(on: str | None = None) -> int:
    """Beat's job, once a day before the working day: a call ("Kommer du i morgen?") to each
    citizen expected at a coming session of a group offer that asks for it
    (matching/services/sessions.py); returns how many calls were made. `on` (an ISO date) is the
    day to make them for; by default today.

    Safe to run twice, also at the same moment: each call is made once per citizen and
    session, and the offers are locked before the calls made earlier are looked up, so a
    second run waits for the first and then finds its calls."""
    return session_calls_create(on=date.fromisoformat(on) if on else None)
