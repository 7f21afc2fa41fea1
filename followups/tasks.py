import logging

from celery import shared_task

from core.tasks import enqueue_on_commit
from followups.reminders import notification_deliver, notifications_to_queue, reminders_queue

logger = logging.getLogger(__name__)


@shared_task(soft_time_limit=240, time_limit=300)
def reminders_scan() -> int:
    """Beat's job: insert the reminders due now, and hand every unsent one to the workers.

    Safe to run twice, also at the same moment: the rows are unique per reminder, so the second
    insert adds nothing; rows are handed out under `skip_locked`, so two scans hand out different
    rows; and a row handed out twice is still sent once (reminder_send claims it).
    """
    reminders_queue()
    ids = notifications_to_queue()
    for notification_id in ids:
        enqueue_on_commit(reminder_send, str(notification_id))
    return len(ids)


@shared_task(bind=True, max_retries=None, soft_time_limit=60, time_limit=90)
def reminder_send(self, notification_id: str) -> str | None:
    """Send one reminder; on a failure (SMTP, SMS gateway) try again later, waiting longer each
    time (followups.reminders.RETRY_STEPS), until BROBYG_REMINDER_MAX_ATTEMPTS.

    Safe to run twice: the row is claimed under a lock and only a pending row can be claimed, so
    a second run finds it claimed or sent and does nothing.
    """
    delivery = notification_deliver(notification_id=notification_id)
    if delivery is None:
        return None
    if delivery.retry_in is not None:
        logger.warning("reminder %s not sent; retrying in %s s", notification_id, delivery.retry_in)
        raise self.retry(countdown=delivery.retry_in)
    return delivery.status
