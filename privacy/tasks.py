from celery import shared_task

from privacy.services import retention_anonymise_due


@shared_task(time_limit=60 * 60, soft_time_limit=55 * 60)
def retention_anonymise() -> int:
    """Nightly: anonymise citizens whose cases closed longer ago than the retention period.

    Safe to run twice: an anonymised citizen is never a candidate again, and each citizen is
    checked once more under a lock before anything is changed.
    """
    return retention_anonymise_due()
