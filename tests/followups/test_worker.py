"""The reminders through the real Redis broker and real workers: beat's job fired twice, two
workers taking the same queue, an SMTP server that refuses once. Each reminder arrives once."""

import time

import pytest
import redis
from django.conf import settings

from followups.constants import NotificationStatus
from followups.models import Notification
from followups.tasks import reminders_scan
from tests.accounts.factories import UserFactory
from tests.followups.factories import make_case, make_task
from tests.referrals.factories import bridge_team

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def _wait_until(condition, what: str, seconds: int = 90):
    # A bounded wait for other processes, not a timing assertion.
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"{what} within {seconds} s"
        time.sleep(0.25)


def test_beat_twice_and_two_workers_send_each_reminder_once(celery_workers, smtp_server):
    # given 20 tasks due today for 5 people, and an SMTP server that refuses the first message
    team = bridge_team()
    people = [UserFactory(bridge_builder=True, team=team) for _ in range(5)]
    case = make_case(team=team)
    for i in range(20):
        make_task(assignee=people[i % 5], case=case, due_in=0)
    recorder, port = smtp_server(refuse_first=1)
    queue = celery_workers(
        2,
        env={
            "BROBYG_TEST_EMAIL_URL": f"smtp://127.0.0.1:{port}",
            # Whatever the time of day the suite runs: everything due today is due now.
            "BROBYG_REMINDER_DUE_AT": "00:00",
            "BROBYG_REMINDER_DAY_BEFORE_AT": "00:00",
            "BROBYG_REMINDER_RETRY_SECONDS": "1",
        },
    )

    # when beat's job fires twice at once and two workers share the queue
    reminders_scan.apply_async(queue=queue)
    reminders_scan.apply_async(queue=queue)

    # then all 20 are sent, the refused one on its retry
    _wait_until(
        lambda: Notification.objects.filter(status=NotificationStatus.SENT).count() == 20,
        "the workers did not send the 20 reminders",
    )
    broker = redis.Redis.from_url(settings.REDIS_URL)
    _wait_until(lambda: broker.llen(queue) == 0, "the queue did not drain")
    assert Notification.objects.count() == 20
    assert len(recorder.messages) == 20
    assert sorted(recorder.recipients()) == sorted(p.email for p in people for _ in range(4))
    assert Notification.objects.filter(attempts=2).count() == 1
    assert "451" in Notification.objects.get(attempts=2).last_error
