import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args) -> None:
    """Send `task` to the broker once the current transaction has committed.

    If the broker cannot be reached the work is not lost: the caller's state stays in the
    database (e.g. an unsent feedback row) and a periodic sweep sends it later. The person who
    saved never sees an error for it.
    """

    def send():
        try:
            task.delay(*args)
        except Exception:
            logger.exception("could not queue %s%r; the periodic sweep will retry", task.name, args)

    transaction.on_commit(send)
