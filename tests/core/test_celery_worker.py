"""A task goes through the real Redis broker to a real worker, and its effect is observed."""

import time
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from accounts.tasks import sessions_clear_expired

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_a_task_sent_through_redis_is_run_by_a_real_worker(celery_workers):
    # given an expired session in the database the worker reads
    store = SessionStore()
    store.create()
    Session.objects.filter(pk=store.session_key).update(
        expire_date=timezone.now() - timedelta(minutes=1)
    )

    # when the task goes through the broker to a worker
    queue = celery_workers()
    sessions_clear_expired.apply_async(queue=queue)

    # then the worker deletes it (a bounded wait for a separate process, not a timing assertion)
    deadline = time.monotonic() + 60
    while Session.objects.filter(pk=store.session_key).exists():
        assert time.monotonic() < deadline, "the worker did not run the task within 60 s"
        time.sleep(0.2)
