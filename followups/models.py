from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from core.models import BaseModel
from followups.constants import TaskKind


class Task(BaseModel):
    """Something a person must do for a citizen by a date: call, check, screen again, …"""

    citizen = models.ForeignKey(
        "referrals.Citizen",
        verbose_name=_("citizen"),
        on_delete=models.PROTECT,
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
    title = models.CharField(_("what to do"), max_length=300)
    due = models.DateField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
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
        return self.title

    @property
    def audit_subject_id(self):
        return self.citizen_id
