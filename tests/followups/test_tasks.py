import pytest
from django.conf import settings
from django.core import mail

from config.celery import app
from followups import tasks
from followups.models import Notification
from tests.accounts.factories import UserFactory
from tests.followups.factories import make_case, make_task
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db


def test_beat_runs_the_reminder_scan_and_every_entry_names_a_real_task():
    app.loader.import_default_modules()
    entries = settings.CELERY_BEAT_SCHEDULE
    assert entries["send-reminders"]["task"] == "followups.tasks.reminders_scan"
    for entry in entries.values():
        assert entry["task"] in app.tasks, entry


def test_the_scan_and_the_send_run_twice_send_once(monkeypatch, settings):
    # given a task due today, whatever the time of day the suite runs
    settings.BROBYG_REMINDER_DUE_AT = "00:00"
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team)
    make_task(assignee=builder, case=make_case(team=team), due_in=0)
    queued = []
    monkeypatch.setattr(tasks, "enqueue_on_commit", lambda task, *args: queued.append(args))

    # when beat's job runs twice, and each message it queued is delivered twice
    assert tasks.reminders_scan() == 1
    assert tasks.reminders_scan() == 0
    for (notification_id,) in queued * 2:
        tasks.reminder_send.apply(args=[notification_id])

    # then one row and one e-mail
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
