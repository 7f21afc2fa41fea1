import threading
from datetime import timedelta
from email import message_from_bytes

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.services import user_set_reminder_preferences
from followups import sms
from followups.constants import Channel, NotificationStatus, ReminderKind
from followups.models import Notification
from followups.reminders import reminders_queue, reminders_run
from followups.services import task_complete
from followups.tasks import reminder_send
from tests.accounts.factories import UserFactory
from tests.followups.factories import at, make_case, make_task
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne Nord")


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team, first_name="Sofie")


@pytest.fixture
def case(team, builder):
    return make_case(team=team, assignee=builder)


def _sent(kind=None):
    rows = Notification.objects.filter(status=NotificationStatus.SENT)
    return rows.filter(kind=kind) if kind else rows


# --- What is due, once -------------------------------------------------------------------------


def test_due_reminders_go_out_once(case, builder):
    today = make_task(assignee=builder, case=case, due_in=0)
    tomorrow = make_task(assignee=builder, case=case, due_in=1)
    make_task(assignee=builder, case=case, due_in=2)  # not yet

    first = reminders_run(now=at(15))
    second = reminders_run(now=at(15, 30))

    assert (first.sent, second.sent) == (2, 0)
    assert len(mail.outbox) == 2
    assert {(n.task_id, n.kind) for n in _sent()} == {
        (today.pk, ReminderKind.DUE),
        (tomorrow.pk, ReminderKind.DAY_BEFORE),
    }
    assert {m.to[0] for m in mail.outbox} == {builder.email}


def test_nothing_goes_out_before_the_send_times(case, builder, settings):
    settings.BROBYG_REMINDER_DUE_AT = "07:30"
    settings.BROBYG_REMINDER_DAY_BEFORE_AT = "14:00"
    make_task(assignee=builder, case=case, due_in=0)
    make_task(assignee=builder, case=case, due_in=1)

    assert reminders_run(now=at(7, 0)).sent == 0
    assert reminders_run(now=at(7, 30)).sent == 1  # on the day
    assert reminders_run(now=at(14, 0)).sent == 1  # the day before
    assert len(mail.outbox) == 2


def test_the_message_says_what_to_do_and_links_to_the_task(case, builder, settings):
    settings.BROBYG_BASE_URL = "https://brobyg.kommune.example"
    task = make_task(assignee=builder, case=case, due_in=1)

    reminders_run(now=at(15))

    (message,) = mail.outbox
    assert "i morgen" in message.subject
    assert "Ring til borgeren" in message.subject
    assert task.title in message.body
    assert f"https://brobyg.kommune.example/opgaver/{task.pk}/" in message.body
    # The citizen is named by first name and initial only.
    assert case.citizen.last_name not in message.body
    assert f"{case.citizen.first_name} {case.citizen.last_name[0]}." in message.body


def test_each_message_is_in_the_recipients_language(team, case):
    danish = UserFactory(bridge_builder=True, team=team, preferred_language="da")
    english = UserFactory(bridge_builder=True, team=team, preferred_language="en")
    make_task(assignee=danish, case=case, due_in=0)
    make_task(assignee=english, case=case, due_in=0)

    reminders_run(now=at(9))

    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert "I dag" in by_recipient[danish.email].body
    assert "i dag" in by_recipient[danish.email].subject
    assert "Today" in by_recipient[english.email].body
    assert "due today" in by_recipient[english.email].subject


def test_a_task_done_before_the_reminder_is_not_reminded(case, builder):
    task = make_task(assignee=builder, case=case, due_in=0)
    reminders_queue(now=at(9))
    task_complete(task=task, actor=builder)

    result = reminders_run(now=at(9))

    assert (result.sent, result.skipped) == (0, 1)
    assert not mail.outbox
    assert Notification.objects.get().status == NotificationStatus.SKIPPED


def test_a_reassigned_task_reminds_the_new_assignee_not_the_old(team, case, builder):
    colleague = UserFactory(bridge_builder=True, team=team)
    task = make_task(assignee=builder, case=case, due_in=0)
    reminders_queue(now=at(9))
    task.assignee = colleague
    task.save(update_fields=["assignee"])

    reminders_run(now=at(9))

    assert [m.to for m in mail.outbox] == [[colleague.email]]


# --- Digest instead of single reminders -----------------------------------------------------------


def test_a_digest_user_gets_one_email_a_day_listing_everything(team, case, builder):
    digest = UserFactory(bridge_builder=True, team=team, preferred_language="da")
    user_set_reminder_preferences(user=digest, preference="digest", sms=False, phone="")
    overdue = make_task(assignee=digest, case=case, due_in=-1, title="Ring til Inger")
    today = make_task(assignee=digest, case=case, due_in=0, title="Screen Inger igen")
    tomorrow = make_task(assignee=digest, case=case, due_in=1, title="Følg med til cafeen")
    make_task(assignee=digest, case=case, due_in=5, title="Ikke endnu")
    make_task(assignee=builder, case=case, due_in=0)  # a single reminder for the other user

    reminders_run(now=at(8))
    reminders_run(now=at(16))  # later the same day: nothing new for either

    digests = [m for m in mail.outbox if m.to == [digest.email]]
    assert len(digests) == 1
    body = digests[0].body
    for task in (overdue, today, tomorrow):
        assert task.title in body
    assert "Ikke endnu" not in body
    assert [m.to for m in mail.outbox if m.to != [digest.email]] == [[builder.email]]
    assert Notification.objects.filter(recipient=digest, kind=ReminderKind.DIGEST).count() == 1


def test_the_digest_comes_again_the_next_day(team, case):
    digest = UserFactory(bridge_builder=True, team=team)
    user_set_reminder_preferences(user=digest, preference="digest", sms=False, phone="")
    make_task(assignee=digest, case=case, due_in=1)

    reminders_run(now=at(8))
    reminders_run(now=at(8, days=1))

    assert len(mail.outbox) == 2


# --- Escalation to the team lead -----------------------------------------------------------------


def test_an_overdue_task_is_escalated_to_the_team_lead_after_n_days(team, case, builder, settings):
    settings.BROBYG_ESCALATE_AFTER_DAYS = 3
    lead = UserFactory(bridge_builder=True, team=team, lead=True, preferred_language="en")
    task = make_task(assignee=builder, case=case, due_in=0)
    reminders_run(now=at(8))  # on the day: the assignee
    mail.outbox.clear()

    # when time passes (frozen: the scan is told the time)
    assert reminders_run(now=at(8, days=2)).sent == 0
    escalated = reminders_run(now=at(8, days=3))
    again = reminders_run(now=at(8, days=4))

    # then the lead hears of it once, on the third day overdue
    assert (escalated.sent, again.sent) == (1, 0)
    (message,) = mail.outbox
    assert message.to == [lead.email]
    assert "overdue" in message.subject
    assert task.title in message.body
    assert str(builder) in message.body


def test_a_lead_is_not_escalated_their_own_task_and_done_tasks_are_not_escalated(team, case):
    lead = UserFactory(bridge_builder=True, team=team, lead=True)
    make_task(assignee=lead, case=case, due_in=-5)
    done = make_task(assignee=UserFactory(bridge_builder=True, team=team), case=case, due_in=-5)
    task_complete(task=done, actor=lead)

    reminders_run(now=at(8))

    assert not Notification.objects.filter(kind=ReminderKind.ESCALATION).exists()


def test_an_unassigned_overdue_task_is_escalated_to_every_lead(team, case):
    leads = [UserFactory(bridge_builder=True, team=team, lead=True) for _ in range(2)]
    make_task(assignee=None, case=case, due_in=-3)

    reminders_run(now=at(8))

    assert sorted(m.to[0] for m in mail.outbox) == sorted(lead.email for lead in leads)


# --- SMS -----------------------------------------------------------------------------------------


def test_sms_goes_through_the_configured_backend_to_those_who_want_it(team, case, builder):
    texter = UserFactory(bridge_builder=True, team=team)
    user_set_reminder_preferences(user=texter, preference="each", sms=True, phone="+4520304050")
    task = make_task(assignee=texter, case=case, due_in=0)
    make_task(assignee=builder, case=case, due_in=0)  # e-mail only

    reminders_run(now=at(9))
    reminders_run(now=at(10))

    assert [(s.to, "Ring til borgeren" in s.body) for s in sms.outbox] == [("+4520304050", True)]
    assert f"/opgaver/{task.pk}/" in sms.outbox[0].body
    assert _sent().filter(channel=Channel.SMS).count() == 1
    assert len(mail.outbox) == 2


def test_the_file_sms_backend_writes_one_line_per_message(settings, tmp_path, team, case):
    settings.BROBYG_SMS_BACKEND = "followups.sms.FileSMSBackend"
    settings.BROBYG_SMS_FILE_PATH = str(tmp_path / "sms.jsonl")
    texter = UserFactory(bridge_builder=True, team=team)
    user_set_reminder_preferences(user=texter, preference="each", sms=True, phone="+4511223344")
    make_task(assignee=texter, case=case, due_in=0)

    reminders_run(now=at(9))

    lines = (tmp_path / "sms.jsonl").read_text().splitlines()
    assert len(lines) == 1 and "+4511223344" in lines[0]


# --- Failures, retries and stuck rows ------------------------------------------------------------


def test_a_refused_first_attempt_is_sent_on_the_retry(
    case, builder, smtp_server, smtp_settings, settings
):
    # given an SMTP server on loopback that refuses the first attempt (451, try again)
    recorder, port = smtp_server(refuse_first=1)
    smtp_settings(port)
    task = make_task(assignee=builder, case=case, due_in=0)
    reminders_queue(now=at(9))
    notification = Notification.objects.get()

    # when the Celery task sends it (applied here; its retry runs at once when applied)
    reminder_send.apply(args=[str(notification.pk)])

    # then the second attempt delivered it, and the log shows both attempts and the first error
    notification.refresh_from_db()
    assert recorder.attempts == 2
    assert recorder.recipients() == [builder.email]
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 2
    assert "451" in notification.last_error
    body = message_from_bytes(recorder.messages[0].content).get_payload(decode=True).decode()
    assert task.title in body


def test_a_failure_waits_with_backoff_and_gives_up_after_the_last_attempt(
    case, builder, smtp_server, smtp_settings, settings
):
    settings.BROBYG_REMINDER_MAX_ATTEMPTS = 2
    settings.BROBYG_REMINDER_RETRY_SECONDS = 60
    recorder, port = smtp_server(refuse_first=10)
    smtp_settings(port)
    make_task(assignee=builder, case=case, due_in=0)

    first = reminders_run(now=at(9))
    row = Notification.objects.get()
    assert (first.failed, row.status, row.attempts) == (1, NotificationStatus.PENDING, 1)
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=50)

    # not before its time
    assert reminders_run(now=at(9)).failed == 0
    Notification.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    reminders_run(now=at(9))

    row.refresh_from_db()
    assert (row.status, row.attempts, recorder.attempts) == (NotificationStatus.FAILED, 2, 2)


def test_a_reminder_left_claimed_by_a_dead_sender_is_sent_later(case, builder, settings):
    settings.BROBYG_REMINDER_CLAIM_TIMEOUT_SECONDS = 600
    make_task(assignee=builder, case=case, due_in=0)
    reminders_queue(now=at(9))
    # a sender claimed it and died before sending
    Notification.objects.update(
        status=NotificationStatus.CLAIMED,
        claimed_at=timezone.now() - timedelta(seconds=60),
        attempts=1,
    )
    assert reminders_run(now=at(9)).sent == 0  # still someone else's

    Notification.objects.update(claimed_at=timezone.now() - timedelta(seconds=601))
    assert reminders_run(now=at(9)).sent == 1
    assert Notification.objects.get().attempts == 2
    assert len(mail.outbox) == 1


def test_a_sender_that_lost_its_claim_does_not_mark_the_row(case, builder):
    from followups.reminders import _claim, _claimable, _deliver_claimed, _with_related

    make_task(assignee=builder, case=case, due_in=0)
    reminders_queue(now=at(9))
    (row,) = _with_related(_claim(_claimable(timezone.now()), now=timezone.now(), limit=1))
    # the claim timed out and another sender took the row over
    Notification.objects.update(claimed_at=timezone.now() + timedelta(seconds=1))

    _deliver_claimed(row)

    assert Notification.objects.get().status == NotificationStatus.CLAIMED


# --- Concurrency ---------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_senders_at_once_send_each_reminder_once(team):
    # given many due reminders
    builders = [UserFactory(bridge_builder=True, team=team) for _ in range(3)]
    case = make_case(team=team)
    for i in range(30):
        make_task(assignee=builders[i % 3], case=case, due_in=i % 2)
    barrier = threading.Barrier(2)
    errors = []

    def run():
        try:
            barrier.wait()
            reminders_run(now=at(15), batch=5)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    # when two send_reminders run at the same moment
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then every reminder went out exactly once
    assert not errors
    assert len(mail.outbox) == 30
    assert Notification.objects.count() == 30
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}
    assert set(Notification.objects.values_list("attempts", flat=True)) == {1}


def test_the_command_sends_what_is_due_and_says_so(case, builder, capsys, settings):
    settings.BROBYG_REMINDER_DUE_AT = "00:00"  # whatever the time of day the suite runs
    make_task(assignee=builder, case=case, due_in=0)

    call_command("send_reminders")
    call_command("send_reminders")

    assert len(mail.outbox) == 1
    assert capsys.readouterr().out.splitlines() == [
        "Reminders: 1 sent, 0 no longer needed, 0 not sent (tried again later).",
        "Reminders: 0 sent, 0 no longer needed, 0 not sent (tried again later).",
    ]
