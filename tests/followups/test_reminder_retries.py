"""A reminder survives a mail outage of a night and a day: it is tried again with a growing wait
for at least 24 hours before it is marked failed, and a failed one is on the administrator's
start page with a way to send it again."""

import itertools
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from followups.constants import NotificationStatus
from followups.models import Notification
from followups.reminders import notification_deliver, reminders_queue
from tests.accounts.factories import UserFactory
from tests.followups.factories import at, make_case, make_task
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne Vest")


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team, first_name="Sofie")


@pytest.fixture
def notification(team, builder):
    case = make_case(team=team, assignee=builder)
    make_task(assignee=builder, case=case, due_in=0)
    reminders_queue(now=at(9))
    return Notification.objects.get()


def _deliver_until_settled(notification, start):
    """Send the reminder as the workers do, each attempt at the moment its wait ends; returns
    the moments of the attempts."""
    now, moments = start, []
    for _attempt in range(100):
        moments.append(now)
        delivery = notification_deliver(notification_id=notification.pk, now=now)
        if delivery.status != NotificationStatus.PENDING:
            return moments, delivery.status
        # the next attempt when its wait is over, as the row says
        notification.refresh_from_db()
        assert notification.next_attempt_at > now
        now = notification.next_attempt_at
    raise AssertionError("the reminder was never settled")


def test_a_mail_server_down_for_a_day_is_tried_for_at_least_24_hours(
    notification, smtp_server, smtp_settings
):
    # given a mail server that refuses everything (451, try again later)
    recorder, port = smtp_server(refuse_first=1000)
    smtp_settings(port)
    start = timezone.now()

    # when the reminder is tried each time its wait is over
    moments, status = _deliver_until_settled(notification, start)

    # then it is marked failed only after more than a day of trying
    assert status == NotificationStatus.FAILED
    assert moments[-1] - moments[0] >= timedelta(hours=24)
    assert recorder.attempts == len(moments)
    # the first retry comes soon (a short hiccup costs a minute), and the waits grow
    waits = [later - earlier for earlier, later in itertools.pairwise(moments)]
    assert waits[0] <= timedelta(minutes=1)
    assert waits == sorted(waits)
    assert max(waits) <= timedelta(hours=12)
    notification.refresh_from_db()
    assert notification.attempts == len(moments)
    assert "451" in notification.last_error


def test_the_reminder_arrives_when_the_mail_server_is_back_next_morning(
    notification, smtp_server, smtp_settings, builder
):
    # given a mail server that refuses the first eight attempts: some eight hours down
    recorder, port = smtp_server(refuse_first=8)
    smtp_settings(port)

    moments, status = _deliver_until_settled(notification, timezone.now())

    assert status == NotificationStatus.SENT
    assert len(moments) == 9
    assert moments[-1] - moments[0] >= timedelta(hours=7)
    assert recorder.recipients() == [builder.email]


def test_the_administrators_start_page_shows_failed_reminders_and_sends_them_again(
    notification, builder
):
    Notification.objects.filter(pk=notification.pk).update(
        status=NotificationStatus.FAILED, attempts=10, last_error="SMTPDataError: 451 busy"
    )
    admin = UserFactory(admin=True)
    client = Client()
    client.force_login(admin)

    page = client.get("/")

    content = page.content.decode()
    assert page.status_code == 200
    failed = page.context["failed_reminders"]
    assert failed == 1
    assert 'data-testid="failed-reminders"' in content
    assert "/opgaver/beskeder/?status=failed" in content

    # the resend button sends every failed reminder again
    response = client.post("/opgaver/beskeder/send-igen/")

    assert response.status_code == 302
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.PENDING, 0)
    assert client.get("/").context["failed_reminders"] == 0


def test_only_the_administrator_sends_failed_reminders_again(notification, builder):
    Notification.objects.filter(pk=notification.pk).update(status=NotificationStatus.FAILED)
    client = Client()
    client.force_login(builder)

    assert client.post("/opgaver/beskeder/send-igen/").status_code == 403
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
