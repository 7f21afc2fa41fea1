"""Reminders about follow-up tasks: found in one set-based pass, sent exactly once.

1. `reminders_queue(now=)` inserts one Notification row per reminder that is due — the day
   before, on the day, the daily digest instead for those who chose it, the team's reminder of
   a task nobody holds, and the escalation to the team's leads when a task is overdue (to its
   other members without a lead, else to the administrators, who are told of the team only) —
   with INSERT … ON CONFLICT DO NOTHING. The unique
   constraints on Notification make a second scan (beat firing twice, two `send_reminders` at
   once) insert nothing.
2. A sender claims rows with `select_for_update(skip_locked=True)`, marks them claimed and
   commits, and only then sends; so two senders never send the same row. A sent row is marked
   sent. A failure leaves the row pending with a later next attempt (RETRY_STEPS: from a minute
   to 12 hours, more than a day in all) until BROBYG_REMINDER_MAX_ATTEMPTS, then failed. A row
   left claimed by a sender that died is claimed again after
   BROBYG_REMINDER_CLAIM_TIMEOUT_SECONDS: a reminder is never lost, and only a sender that dies
   between sending and marking can cause a second message.

Messages are written in the recipient's language and link to the task.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.constants import ReminderPreference, Role
from accounts.models import Membership, User
from followups.constants import Channel, NotificationStatus, ReminderKind
from followups.models import Notification, Task
from followups.selectors import TASK_ROLES
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
    # A task nobody holds (a follow-up plan on a case no bridge-builder has taken) is in its
    # team's queue: the team is told once, from the day before it is due, so someone takes it.
    # One overdue long enough to be escalated is left to the escalation.
    cutoff = today - timedelta(days=settings.BROBYG_ESCALATE_AFTER_DAYS)
    unassigned = open_tasks.filter(assignee__isnull=True, team__isnull=False, due__gt=cutoff)
    due_by = None
    if clock >= _at(settings.BROBYG_REMINDER_DUE_AT):
        due_by = today
    if clock >= _at(settings.BROBYG_REMINDER_DAY_BEFORE_AT):
        due_by = tomorrow
    if due_by is not None:
        queued = list(
            unassigned.filter(due__lte=due_by).values_list("pk", "due", "team_id", "case_id")
        )
        people = _team_people({team_id for _pk, _due, team_id, _case in queued})
        rows += _rows(
            [
                (pk, due, *person)
                for pk, due, team_id, case_id in queued
                for person in people.get(team_id, TeamPeople()).for_queue(has_case=bool(case_id))
            ],
            ReminderKind.UNASSIGNED,
        )
    if clock >= _at(settings.BROBYG_REMINDER_DUE_AT):
        # The team's leads, except a lead who holds the task themself; a team without one to
        # tell falls back to its other members who could take the task, and a team with none
        # of those to the administrators, who are told of the team only (no citizen).
        overdue = list(
            open_tasks.filter(due__lte=cutoff, team__isnull=False).values_list(
                "pk", "due", "team_id", "assignee_id", "case_id"
            )
        )
        people = _team_people({team_id for _pk, _due, team_id, _a, _case in overdue})
        admins = None
        escalations = []
        for pk, due, team_id, assignee_id, case_id in overdue:
            team = people.get(team_id, TeamPeople())
            recipients = team.for_escalation(holder_id=assignee_id, has_case=bool(case_id))
            if not recipients and not team.leads:
                if admins is None:
                    admins = _administrators()
                recipients = admins
            escalations += [(pk, due, *person) for person in recipients]
        rows += _rows(escalations, ReminderKind.ESCALATION)
    return rows


_PERSON = ("user_id", "user__email", "user__phone", "user__reminder_sms")


@dataclass
class TeamPeople:
    """A team's active members as reminders need them: (user id, e-mail, phone, wants SMS)."""

    leads: list = field(default_factory=list)
    # Members who may hold a task on a case (bridge-builders: home care never sees one), and
    # members who may hold any task.
    case_workers: list = field(default_factory=list)
    task_holders: list = field(default_factory=list)

    def _members(self, has_case: bool) -> list:
        return self.case_workers if has_case else self.task_holders

    def for_queue(self, *, has_case: bool) -> list:
        return self.leads or self._members(has_case)

    def for_escalation(self, *, holder_id, has_case: bool) -> list:
        """The leads (not one who holds the task: they know); without a lead, the other members
        who could take it over."""
        if self.leads:
            return [lead for lead in self.leads if lead[0] != holder_id]
        return [person for person in self._members(has_case) if person[0] != holder_id]


def _has_role(*roles: str):
    return Exists(
        User.groups.through.objects.filter(user_id=OuterRef("user_id"), group__name__in=roles)
    )


def _team_people(team_ids: set) -> dict:
    """The active members of the teams, by team: one query."""
    people: dict = {}
    if not team_ids:
        return people
    rows = (
        Membership.objects.filter(team_id__in=team_ids, user__is_active=True)
        .annotate(
            case_worker=_has_role(Role.BRIDGE_BUILDER),
            task_holder=_has_role(*TASK_ROLES),
        )
        .order_by("team_id", "user_id")
        .values_list("team_id", "is_lead", "case_worker", "task_holder", *_PERSON)
    )
    for team_id, is_lead, case_worker, task_holder, *person in rows:
        team = people.setdefault(team_id, TeamPeople())
        if is_lead:
            team.leads.append(person)
        if case_worker:
            team.case_workers.append(person)
        if task_holder:
            team.task_holders.append(person)
    return people


def _administrators() -> list:
    """The active administrators: the last to tell of a team that has no one to tell."""
    return list(
        User.objects.filter(is_active=True, groups__name=Role.ADMIN)
        .distinct()
        .order_by("pk")
        .values_list("pk", "email", "phone", "reminder_sms")
    )


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


def _who(task: Task) -> str:
    """Whom the task is about, as a message names them: a citizen by first name and initial, no
    more; a volunteer (a coordinator's task about their certificate) or an offer by the name it
    keeps."""
    citizen = task.citizen
    if citizen is None:
        return str(task.data.get("provider") or task.data.get("offer") or "")
    return f"{citizen.first_name} {citizen.last_name[:1]}.".strip()


def _team_message(notification: Notification) -> Message:
    """An overdue task on a team with no one on it to tell, to an administrator: which team,
    and that it needs a lead or members. The administrator sees no citizen's record, so the
    message names no citizen and says nothing of the task."""
    task = notification.task
    context = {
        "team": task.team.name if task.team_id else "",
        "days_overdue": (timezone.localdate() - task.due).days,
        "url": _url(reverse("admin:accounts_team_change", args=[task.team_id])),
    }
    return Message(
        subject=_("Brobyg: a team has an overdue task and no one to see to it (%(team)s)")
        % {"team": context["team"]},
        body=render_to_string("followups/email/escalation_to_administrator.txt", context),
        sms=render_to_string("followups/sms/escalation_to_administrator.txt", context).strip(),
    )


def _task_message(notification: Notification) -> Message | None:
    task = notification.task
    if task is None or task.done_at is not None:
        return None
    if notification.kind == ReminderKind.UNASSIGNED and task.assignee_id is not None:
        return None  # someone has taken it since; they get their own reminders
    reassigned = task.assignee_id != notification.recipient_id
    if notification.kind in (ReminderKind.DAY_BEFORE, ReminderKind.DUE) and reassigned:
        return None  # given to someone else since; they get their own reminder
    if notification.kind == ReminderKind.ESCALATION and not notification.recipient.has_perm(
        "followups.view_task"
    ):
        return _team_message(notification)
    context = {
        "task": task,
        "who": _who(task),
        "kind": notification.kind,
        "url": _url(reverse("followups:task_detail", args=[task.pk])),
        "days_overdue": (timezone.localdate() - task.due).days,
    }
    subjects = {
        ReminderKind.DAY_BEFORE: _("Brobyg: due tomorrow – %(what)s (%(who)s)"),
        ReminderKind.DUE: _("Brobyg: due today – %(what)s (%(who)s)"),
        ReminderKind.ESCALATION: _("Brobyg: overdue on your team – %(what)s (%(who)s)"),
        ReminderKind.UNASSIGNED: _(
            "Brobyg: nobody has this task on your team – %(what)s (%(who)s)"
        ),
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
        task.who = _who(task)
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


# The wait before each retry, in steps of BROBYG_REMINDER_RETRY_SECONDS (a minute): 1, 5, 15 and
# 30 minutes, then 1, 2, 4, 8 and 12 hours. A blip in the mail server costs a minute, and the ten
# attempts of BROBYG_REMINDER_MAX_ATTEMPTS span 27 h 51 min, so a mail server down for a night
# and a day still gets the reminder out before it is marked failed. More attempts than steps
# wait the last step again.
RETRY_STEPS = (1, 5, 15, 30, 60, 120, 240, 480, 720)


def _retry_delay(attempts: int) -> int:
    """Seconds to wait after the `attempts`-th failed attempt."""
    step = RETRY_STEPS[min(max(attempts, 1), len(RETRY_STEPS)) - 1]
    return settings.BROBYG_REMINDER_RETRY_SECONDS * step


def _deliver_claimed(notification: Notification, *, now: datetime | None = None) -> Delivery:
    now = now or timezone.now()
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
            next_attempt_at=now + timedelta(seconds=delay),
            queued_at=now,
        )
        return Delivery(NotificationStatus.PENDING, retry_in=delay)
    _finish(notification, status=NotificationStatus.SENT, sent_at=now)
    return Delivery(NotificationStatus.SENT)


def _with_related(rows: list[Notification]) -> list[Notification]:
    related = {
        n.pk: n
        for n in Notification.objects.filter(pk__in=[r.pk for r in rows]).select_related(
            "recipient", "task__citizen", "task__team", "task__assignee"
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
    return _deliver_claimed(_with_related(rows)[0], now=now)


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


def _send_again(rows) -> int:
    return rows.filter(status=NotificationStatus.FAILED).update(
        status=NotificationStatus.PENDING,
        next_attempt_at=None,
        queued_at=None,
        attempts=0,
        updated_at=timezone.now(),
    )


@transaction.atomic
def notification_retry(*, notification: Notification, actor: User | None = None) -> bool:
    """Send a failed reminder again (from the admin). True if it was failed."""
    return bool(_send_again(Notification.objects.filter(pk=notification.pk)))


@transaction.atomic
def notifications_retry_failed(*, actor: User | None = None) -> int:
    """Send every failed reminder again, e.g. once the mail server is back (from the
    administrator's start page): the next scan hands them to the workers. Returns how many."""
    return _send_again(Notification.objects.all())
