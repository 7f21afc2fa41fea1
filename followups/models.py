from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from core.models import BaseModel, TimeStampedModel
from followups.constants import Channel, NotificationStatus, ReminderKind, TaskKind
from followups.events import task_heading, task_outcome_text


class Task(BaseModel):
    """Something a person must do for a citizen by a date: call, check, screen again, …"""

    # Empty only for a coordinator's task about a volunteer (renewing their certificate) or an
    # offer (one with matched citizens was paused), which must not name the citizens the
    # volunteer sees or the offer has: `data` says whom or what it is about.
    citizen = models.ForeignKey(
        "referrals.Citizen",
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    case = models.ForeignKey(
        "referrals.Case",
        verbose_name=_("case"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    screening = models.ForeignKey(
        "screening.Screening",
        verbose_name=_("screening"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    match = models.ForeignKey(
        "matching.Match",
        verbose_name=_("match"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    team = models.ForeignKey(
        Team,
        verbose_name=_("team"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
    )
    kind = models.CharField(_("kind"), max_length=32, choices=TaskKind.choices)
    # The words of the person who made the task; empty when Brobyg made it, whose heading is
    # made from `kind` and `data` when read (`heading`).
    title = models.CharField(_("what to do"), max_length=300, blank=True)
    # What made the task and what its heading and outcome are made of: ids, names, dates and
    # codes (followups/events.py), never a sentence.
    # The database's default as well: rows inserted by COPY (the benchmark seed) get one too.
    data = models.JSONField(_("data"), default=dict, db_default={}, blank=True, editable=False)
    due = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    # The words of the person who did it; how Brobyg closed a task is in `data` (`outcome_text`).
    outcome = models.TextField(_("outcome"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("done by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(citizen__isnull=False)
                | Q(data__has_key="volunteer")
                | Q(data__has_key="offer_id"),
                name="task_about_citizen_or_volunteer",
                violation_error_message=_("A task is about a citizen, a volunteer or an offer."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["assignee", "due"],
                condition=Q(done_at__isnull=True),
                name="task_open_assignee_idx",
            ),
            models.Index(
                fields=["citizen", "due"],
                condition=Q(done_at__isnull=True),
                name="task_open_citizen_idx",
            ),
            models.Index(
                fields=["due"], condition=Q(done_at__isnull=True), name="task_open_due_idx"
            ),
        ]

    def __str__(self) -> str:
        return self.heading

    @property
    def audit_subject_id(self):
        return self.citizen_id

    @property
    def is_done(self) -> bool:
        return self.done_at is not None

    @property
    def heading(self) -> str:
        """What to do, in the reader's language (or as the person who made it wrote it)."""
        return task_heading(kind=self.kind, title=self.title, data=self.data)

    @property
    def outcome_text(self) -> str:
        """What came of it, in the reader's language (or as the person who did it wrote it)."""
        return task_outcome_text(outcome=self.outcome, data=self.data)


def _days(label, default, help_text):
    return models.PositiveSmallIntegerField(
        label,
        null=True,
        blank=True,
        default=default,
        validators=[MinValueValidator(1), MaxValueValidator(730)],
        help_text=help_text,
    )


class TeamFollowupSettings(TimeStampedModel):
    """How a team follows up after a citizen's first meeting: the days from that meeting to each
    check. An empty field leaves that check out of the team's plan."""

    team = models.OneToOneField(
        Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="followup_settings"
    )
    first_check_days = _days(
        _("first check after (days)"),
        7,
        _("Did the citizen go to the first meeting, and do they want to continue?"),
    )
    second_check_days = _days(_("second check after (days)"), 28, _("Is the citizen still coming?"))
    rescreen_days = _days(
        _("re-screening after (days)"),
        91,
        _("The last check, with a new UCLA-3 screening: the outcome of the course."),
    )

    class Meta:
        verbose_name = _("team's follow-up plan")
        verbose_name_plural = _("teams' follow-up plans")

    def __str__(self) -> str:
        return str(self.team)


class Notification(BaseModel):
    """One reminder to one person by one channel: the row that makes it go out exactly once.

    The scan inserts a row per (task, kind, due date, channel, recipient), or per (recipient,
    digest, day, channel), and the unique constraints make a second scan insert nothing. A sender
    claims a row (`select_for_update(skip_locked=True)`) and commits before it sends, so two
    senders never hold the same row; a row left claimed by a sender that died is claimed again
    after a timeout.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ReminderKind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    due_on = models.DateField(
        _("for the date"), help_text=_("The task's due date; the day of a digest.")
    )
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    address = models.CharField(
        _("sent to"), max_length=254, blank=True, help_text=_("The e-mail address or phone.")
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "kind", "due_on", "channel", "recipient"],
                condition=Q(task__isnull=False),
                name="notification_once_per_task",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "due_on", "channel"],
                condition=Q(task__isnull=True),
                name="notification_once_per_digest",
            ),
        ]
        indexes = [
            # The senders' scan: rows still to send (few, however long the log grows).
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=["pending", "claimed"]),
                name="notification_unsent_idx",
            ),
            models.Index(fields=["status", "-created_at"], name="notification_log_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_channel_display()} · {self.due_on}"
