"""Reminders about follow-up tasks: found in one set-based pass, sent exactly once.

1. `reminders_queue(now=)` inserts one Notification row per reminder that is due — the day
   before, on the day, the daily digest instead for those who chose it, and the escalation to
   the team's leads when a task is overdue — with INSERT … ON CONFLICT DO NOTHING. The unique
   constraints on Notification make a second scan (beat firing twice, two `send_reminders` at
   once) insert nothing.
2. A sender claims rows with `select_for_update(skip_locked=True)`, marks them claimed and
   commits, and only then sends; so two senders never send the same row. A sent row is marked
   sent. A failure leaves the row pending with a later next attempt (doubling each time) until
   BROBYG_REMINDER_MAX_ATTEMPTS, then failed. A row left claimed by a sender that died is
   claimed again after BROBYG_REMINDER_CLAIM_TIMEOUT_SECONDS: a reminder is never lost, and only
   a sender that dies between sending and marking can cause a second message.

Messages are written in the recipient's language and link to the task.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.constants import ReminderPreference
from accounts.models import Membership, User
from followups.constants import Channel, NotificationStatus, ReminderKind
from followups.models import Notification, Task
from followups.sms import sms_send

# --- Finding what is due -----------------------------------------------------------------------


def _at(value: str) -> time:
    hours, minutes = value.split(":")
    return time(int(hours), int(minutes))


def _channels(email: str, phone: str, wants_sms: bool) -> list[tuple[str, str]]:
    channels = []
    if email:
        channels.append((Channel.EMAIL, email))
    if wants_sms and phone:
        channels.append((Channel.SMS, phone))
    return channels


def _rows(values, kind: str) -> list[Notification]:
    """Notification rows from (task, due, recipient, e-mail, phone, wants SMS) tuples."""
    return [
        Notification(
            kind=kind,
            channel=channel,
            task_id=task_id,
            recipient_id=recipient_id,
            due_on=due,
            address=address,
        )
        for task_id, due, recipient_id, email, phone, wants_sms in values
        for channel, address in _channels(email, phone, wants_sms)
    ]


_RECIPIENT = ("assignee_id", "assignee__email", "assignee__phone", "assignee__reminder_sms")


def reminders_due(*, now: datetime) -> list[Notification]:
    """The reminders due at `now`, as unsaved rows (some may exist already)."""
    local = timezone.localtime(now)
    today, clock = local.date(), local.time()
    tomorrow = today + timedelta(days=1)
    open_tasks = Task.objects.filter(done_at__isnull=True)
    assigned = open_tasks.filter(assignee__is_active=True)
    each = assigned.filter(assignee__reminder_preference=ReminderPreference.EACH)
    rows: list[Notification] = []

    if clock >= _at(settings.BROBYG_REMINDER_DAY_BEFORE_AT):
        rows += _rows(
            each.filter(due=tomorrow).values_list("pk", "due", *_RECIPIENT),
            ReminderKind.DAY_BEFORE,
        )
    if clock >= _at(settings.BROBYG_REMINDER_DUE_AT):
        rows += _rows(
            each.filter(due=today).values_list("pk", "due", *_RECIPIENT), ReminderKind.DUE
        )
    if clock >= _at(settings.BROBYG_REMINDER_DIGEST_AT):
        # One message a day listing what is due today and tomorrow, and what is overdue.
        people = (
            assigned.filter(
                assignee__reminder_preference=ReminderPreference.DIGEST, due__lte=tomorrow
            )
            .values_list(*_RECIPIENT)
            .distinct()
        )
        rows += _rows(
            [(None, today, *person) for person in people],
            ReminderKind.DIGEST,
        )
    if clock >= _at(settings.BROBYG_REMINDER_DUE_AT):
        # Every lead of the task's team, except a lead who holds the task themself.
        cutoff = today - timedelta(days=settings.BROBYG_ESCALATE_AFTER_DAYS)
        overdue = list(
            open_tasks.filter(due__lte=cutoff, team__isnull=False).values_list(
                "pk", "due", "team_id", "assignee_id"
            )
        )
        leads_by_team: dict = {}
        for team_id, *lead in Membership.objects.filter(
            is_lead=True,
            user__is_active=True,
            team_id__in={team_id for _pk, _due, team_id, _a in overdue},
        ).values_list("team_id", "user_id", "user__email", "user__phone", "user__reminder_sms"):
            leads_by_team.setdefault(team_id, []).append(lead)
        leads = [
            (pk, due, *lead)
            for pk, due, team_id, assignee_id in overdue
            for lead in leads_by_team.get(team_id, [])
            if lead[0] != assignee_id
        ]
        rows += _rows(leads, ReminderKind.ESCALATION)
    return rows


@transaction.atomic
def reminders_queue(*, now: datetime | None = None) -> int:
    """Insert the rows of every reminder due at `now`; those that exist are left as they are.

    Returns how many rows the pass offered (not how many were new: ON CONFLICT DO NOTHING does
    not say), which is cheap to compute and enough for the log.
    """
    rows = reminders_due(now=now or timezone.now())
    Notification.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return len(rows)


# --- Claiming ----------------------------------------------------------------------------------


def _stale(now: datetime) -> datetime:
    return now - timedelta(seconds=settings.BROBYG_REMINDER_CLAIM_TIMEOUT_SECONDS)


def _claimable(now: datetime, *, respect_backoff: bool = True) -> Q:
    pending = Q(status=NotificationStatus.PENDING)
    if respect_backoff:
        pending &= Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    return pending | Q(status=NotificationStatus.CLAIMED, claimed_at__lt=_stale(now))


def _claim(condition: Q, *, now: datetime, limit: int) -> list[Notification]:
    """Lock up to `limit` rows (skipping rows another sender holds), mark them claimed, commit.

    Rows are taken in primary-key order, so two senders lock in the same order.
    """
    with transaction.atomic():
        rows = list(
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(condition)
            .order_by("pk")[:limit]
        )
        if not rows:
            return []
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(
            status=NotificationStatus.CLAIMED,
            claimed_at=now,
            attempts=F("attempts") + 1,
            updated_at=now,
        )
    for row in rows:
        row.status, row.claimed_at, row.attempts = NotificationStatus.CLAIMED, now, row.attempts + 1
    return rows


def notifications_to_queue(*, now: datetime | None = None, limit: int = 20_000) -> list:
    """Ids of rows to hand to the workers: not yet queued, queued long ago and still unsent (the
    message was lost), or due for another attempt. Marked queued, so a second scan running at the
    same time (skip_locked) or soon after hands out other rows."""
    now = now or timezone.now()
    unqueued = Q(queued_at__isnull=True) | Q(queued_at__lt=_stale(now))
    with transaction.atomic():
        waiting = Q(status=NotificationStatus.PENDING) & (
            Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
        )
        ids = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(waiting & unqueued)
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        stale = list(
            Notification.objects.select_for_update(skip_locked=True)
            .filter(status=NotificationStatus.CLAIMED, claimed_at__lt=_stale(now))
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
        Notification.objects.filter(pk__in=ids + stale).update(queued_at=now)
    return ids + stale


# --- Writing the message -----------------------------------------------------------------------


@dataclass
class Message:
    subject: str
    body: str  # the e-mail's text
    sms: str


def _url(path: str) -> str:
    return settings.BROBYG_BASE_URL + path


def _who(citizen) -> str:
    """The citizen as a message names them: first name and initial, no more."""
    return f"{citizen.first_name} {citizen.last_name[:1]}.".strip()


def _task_message(notification: Notification) -> Message | None:
    task = notification.task
    if task is None or task.done_at is not None:
        return None
    reassigned = task.assignee_id != notification.recipient_id
    if notification.kind != ReminderKind.ESCALATION and reassigned:
        return None  # given to someone else since; they get their own reminder
    context = {
        "task": task,
        "who": _who(task.citizen),
        "kind": notification.kind,
        "url": _url(reverse("followups:task_detail", args=[task.pk])),
        "days_overdue": (timezone.localdate() - task.due).days,
    }
    subjects = {
        ReminderKind.DAY_BEFORE: _("Brobyg: due tomorrow – %(what)s (%(who)s)"),
        ReminderKind.DUE: _("Brobyg: due today – %(what)s (%(who)s)"),
        ReminderKind.ESCALATION: _("Brobyg: overdue on your team – %(what)s (%(who)s)"),
    }
    what = task.get_kind_display()
    subject = subjects[notification.kind] % {"what": what, "who": context["who"]}
    return Message(
        subject=subject,
        body=render_to_string("followups/email/reminder.txt", context),
        sms=render_to_string("followups/sms/reminder.txt", context).strip(),
    )


def _digest_message(notification: Notification) -> Message | None:
    day = notification.due_on
    tasks = list(
        Task.objects.filter(
            assignee_id=notification.recipient_id,
            done_at__isnull=True,
            due__lte=day + timedelta(days=1),
        )
        .select_related("citizen")
        .order_by("due", "created_at")
    )
    if not tasks:
        return None
    for task in tasks:
        task.who = _who(task.citizen)
    context = {
        "day": day,
        "overdue": [t for t in tasks if t.due < day],
        "today": [t for t in tasks if t.due == day],
        "tomorrow": [t for t in tasks if t.due > day],
        "count": len(tasks),
        "url": _url(reverse("followups:my_tasks")),
    }
    return Message(
        subject=_("Brobyg: your tasks for %(day)s") % {"day": day.strftime("%d.%m.%Y")},
        body=render_to_string("followups/email/digest.txt", context),
        sms=render_to_string("followups/sms/digest.txt", context).strip(),
    )


def notification_message(notification: Notification) -> Message | None:
    """The message in the recipient's language, or None when it is no longer needed."""
    with translation.override(notification.recipient.preferred_language or "da"):
        if notification.kind == ReminderKind.DIGEST:
            return _digest_message(notification)
        return _task_message(notification)


# --- Sending -----------------------------------------------------------------------------------


@dataclass
class Delivery:
    status: str
    retry_in: int | None = None  # seconds, when another attempt is due


def _send(notification: Notification, message: Message) -> None:
    if notification.channel == Channel.SMS:
        sms_send(to=notification.address, body=message.sms)
    else:
        send_mail(message.subject, message.body, None, [notification.address])


def _finish(notification: Notification, **fields) -> None:
    # Only the sender that holds the claim may finish the row (the claim time is its token).
    Notification.objects.filter(
        pk=notification.pk,
        status=NotificationStatus.CLAIMED,
        claimed_at=notification.claimed_at,
    ).update(updated_at=timezone.now(), **fields)


def _retry_delay(attempts: int) -> int:
    return settings.BROBYG_REMINDER_RETRY_SECONDS * 2 ** max(attempts - 1, 0)


def _deliver_claimed(notification: Notification) -> Delivery:
    try:
        message = notification_message(notification)
        if message is None:
            _finish(notification, status=NotificationStatus.SKIPPED)
            return Delivery(NotificationStatus.SKIPPED)
        _send(notification, message)
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if notification.attempts >= settings.BROBYG_REMINDER_MAX_ATTEMPTS:
            _finish(notification, status=NotificationStatus.FAILED, last_error=error)
            return Delivery(NotificationStatus.FAILED)
        delay = _retry_delay(notification.attempts)
        _finish(
            notification,
            status=NotificationStatus.PENDING,
            last_error=error,
            next_attempt_at=timezone.now() + timedelta(seconds=delay),
            queued_at=timezone.now(),
        )
        return Delivery(NotificationStatus.PENDING, retry_in=delay)
    _finish(notification, status=NotificationStatus.SENT, sent_at=timezone.now())
    return Delivery(NotificationStatus.SENT)


def _with_related(rows: list[Notification]) -> list[Notification]:
    related = {
        n.pk: n
        for n in Notification.objects.filter(pk__in=[r.pk for r in rows]).select_related(
            "recipient", "task__citizen"
        )
    }
    for row in rows:
        row.recipient = related[row.pk].recipient
        row.task = related[row.pk].task
    return rows


def notification_deliver(*, notification_id, now: datetime | None = None) -> Delivery | None:
    """Claim one reminder and send it. None when another sender has it or it is done already.

    The retry of a failed attempt comes here too, so the backoff is not checked again.
    """
    now = now or timezone.now()
    rows = _claim(Q(pk=notification_id) & _claimable(now, respect_backoff=False), now=now, limit=1)
    if not rows:
        return None
    return _deliver_claimed(_with_related(rows)[0])


@dataclass
class RunResult:
    offered: int
    sent: int
    skipped: int
    failed: int  # failed for good, or waiting for another attempt


def reminders_run(*, now: datetime | None = None, batch: int = 200) -> RunResult:
    """The whole job at once, in this process: insert what is due, then send every claimable
    row until none is left (`manage.py send_reminders`). Safe beside the workers and beside
    another run: each row is claimed by one sender."""
    offered = reminders_queue(now=now)
    sent = skipped = failed = 0
    while True:
        rows = _claim(_claimable(timezone.now()), now=timezone.now(), limit=batch)
        if not rows:
            break
        for row in _with_related(rows):
            status = _deliver_claimed(row).status
            sent += status == NotificationStatus.SENT
            skipped += status == NotificationStatus.SKIPPED
            failed += status in (NotificationStatus.FAILED, NotificationStatus.PENDING)
    return RunResult(offered=offered, sent=sent, skipped=skipped, failed=failed)


@transaction.atomic
def notification_retry(*, notification: Notification, actor: User | None = None) -> bool:
    """Send a failed reminder again (from the admin). True if it was failed."""
    return bool(
        Notification.objects.filter(pk=notification.pk, status=NotificationStatus.FAILED).update(
            status=NotificationStatus.PENDING,
            next_attempt_at=None,
            queued_at=None,
            attempts=0,
            updated_at=timezone.now(),
        )
    )
