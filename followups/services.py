from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.constants import AuditAction
from audit.services import audit_record
from followups.constants import TaskKind
from followups.models import Task


@transaction.atomic
def task_create(
    *,
    citizen,
    kind: str,
    title: str,
    due: date,
    assignee: User | None,
    actor: User | None,
    team: Team | None = None,
    case=None,
    screening=None,
) -> Task:
    if kind not in TaskKind.values:
        raise ValidationError({"kind": _("Unknown kind of task.")})
    if not title.strip():
        raise ValidationError({"title": _("Say what is to be done.")})
    task = Task.objects.create(
        citizen=citizen,
        case=case,
        screening=screening,
        team=team,
        assignee=assignee,
        kind=kind,
        title=title.strip(),
        due=due,
        created_by=actor if actor and actor.is_authenticated else None,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=task)
    return task


@transaction.atomic
def task_complete(*, task: Task, actor: User, outcome: str = "") -> Task:
    """Mark the task done. Twice is harmless: the first completion stands."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        return task
    task.done_at = timezone.now()
    task.outcome = outcome.strip()
    task.save(update_fields=["done_at", "outcome", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, fields=["done_at", "outcome"])
    return task
