"""Follow-up tasks: made by hand, by a triage colour's next step, and by a follow-up plan; done
with an outcome. The reminders about them are in followups/reminders.py."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.constants import AuditAction
from audit.services import audit_record
from core.validators import validate_meeting_date, validate_task_due
from followups.constants import TaskKind, TaskOrigin, TaskOutcome
from followups.models import Task, TeamFollowupSettings


@transaction.atomic
def task_create(
    *,
    citizen,
    kind: str,
    due: date,
    assignee: User | None,
    actor: User | None,
    title: str = "",
    data: dict | None = None,
    team: Team | None = None,
    case=None,
    screening=None,
    **links,
) -> Task:
    """Brobyg makes a task (a triage colour's next step, a follow-up plan, a missed session)
    from values its caller has checked; a person adding a task goes through
    `task_create_by_hand`, which checks what a person could get wrong and then calls this.

    `title` is what a person wrote; a task Brobyg makes has none, and says
    in `data` what made it (its "origin", a TaskOrigin) and the values of its heading, which is
    made when the task is read, in the reader's language (followups/events.py). Without either,
    the kind's name is the heading.

    Further links to what the task is about (`match=…` and the like, as foreign keys on Task)
    are passed on as they are, so a new kind of link needs no change here. Without a team, the
    task belongs to the case's team (whose lead it escalates to)."""
    if kind not in TaskKind.values:
        raise ValidationError({"kind": _("Unknown kind of task.")})
    data = dict(data or {})
    if "origin" in data and data["origin"] not in TaskOrigin.values:
        raise ValueError(f"unknown task origin {data['origin']!r}")
    if case is not None and case.citizen_id != citizen.pk:
        raise ValidationError({"case": _("The case is another citizen's.")})
    unknown = sorted(set(links) - {f.name for f in Task._meta.get_fields()})
    if unknown:
        raise TypeError(f"Task has no field(s) {', '.join(unknown)}")
    if team is None and case is not None:
        team = case.team
    task = Task.objects.create(
        citizen=citizen,
        case=case,
        screening=screening,
        team=team,
        assignee=assignee,
        kind=kind,
        title=title.strip()[:300],
        data=data,
        due=due,
        created_by=actor if actor and actor.is_authenticated else None,
        **links,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=task)
    return task


@transaction.atomic
def task_complete(
    *, task: Task, actor: User | None, outcome: str = "", outcome_kind: str = ""
) -> Task:
    """Mark the task done. `outcome` is what the person who did it wrote; `outcome_kind` (a
    TaskOutcome) is how Brobyg closed it, said in the reader's language when read. Twice is
    harmless: the first completion stands."""
    if outcome_kind and outcome_kind not in TaskOutcome.values:
        raise ValueError(f"unknown task outcome {outcome_kind!r}")
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        return task
    task.done_at = timezone.now()
    task.outcome = outcome.strip()
    task.done_by = actor if actor and actor.is_authenticated else None
    fields = ["done_at", "outcome", "done_by"]
    if outcome_kind:
        task.data = {**task.data, "outcome": outcome_kind}
        fields.append("data")
    task.save(update_fields=[*fields, "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, fields=fields)
    return task


def task_team_for(*, citizen, case) -> Team | None:
    """The team a task about the citizen belongs to: the case's, else the home-care team's."""
    if case is not None:
        return case.team
    return citizen.home_care_team


def _may_hold_tasks(user: User, team: Team | None, actor: User) -> bool:
    if not (user.is_active and user.has_perm("followups.view_task")):
        return False
    if team is None:
        return user.pk == actor.pk
    return user.memberships.filter(team=team).exists()


@transaction.atomic
def task_create_by_hand(
    *,
    actor: User,
    citizen,
    case=None,
    assignee: User | None,
    kind: str,
    due: date | None,
    note: str = "",
) -> Task:
    """A person adds a task by hand, for themselves or someone on the citizen's team.

    The caller has already found `citizen` and `case` through the selectors (so the actor may
    see them); this checks what a person could get wrong.
    """
    errors = {}
    if kind not in TaskKind.values:
        errors["kind"] = [_("Choose what kind of task it is.")]
    if due is None:
        errors["due"] = [_("Give the date the task is due.")]
    else:
        try:
            validate_task_due(due)
        except ValidationError as exc:
            errors["due"] = exc.messages
    team = task_team_for(citizen=citizen, case=case)
    assignee = assignee or actor
    if not _may_hold_tasks(assignee, team, actor):
        errors["assignee"] = [_("Choose someone on the citizen's team.")]
    note = (note or "").strip()
    if len(note) > 300:
        errors["note"] = [_("Keep it to 300 characters; write more in the case notes.")]
    if errors:
        raise ValidationError(errors)
    return task_create(
        citizen=citizen,
        case=case,
        team=team,
        assignee=assignee,
        kind=kind,
        # Without a note, the kind's name is the heading, in each reader's language.
        title=note,
        due=due,
        actor=actor,
    )


# --- The follow-up plan after a first meeting ----------------------------------------------------

DEFAULT_PLAN = {"first_check_days": 7, "second_check_days": 28, "rescreen_days": 91}


def followup_plan_days(*, team: Team | None) -> dict[str, int | None]:
    """The team's days from the first meeting to each check (the defaults without settings)."""
    settings_ = TeamFollowupSettings.objects.filter(team=team).first() if team else None
    if settings_ is None:
        return dict(DEFAULT_PLAN)
    return {name: getattr(settings_, name) for name in DEFAULT_PLAN}


# (settings field, kind, what made the task); the headings are made when read (events.py).
PLAN_STEPS = [
    ("first_check_days", TaskKind.CHECK_FIRST_MEETING, TaskOrigin.PLAN_FIRST_CHECK),
    ("second_check_days", TaskKind.CALL_CITIZEN, TaskOrigin.PLAN_SECOND_CHECK),
    ("rescreen_days", TaskKind.RESCREEN, TaskOrigin.PLAN_RESCREEN),
]


@transaction.atomic
def task_plan_create(
    *,
    citizen,
    case,
    team: Team | None,
    assignee: User | None,
    first_meeting_on: date,
    actor: User | None,
    **links,
) -> list[Task]:
    """The follow-up after a first meeting (with an offer or a volunteer): a check after a week,
    after four weeks, and after three months with a re-screening; each team may change the days
    (TeamFollowupSettings). `links` go onto every task (e.g. the match it follows up)."""
    if first_meeting_on is None:
        raise ValidationError({"first_meeting_on": _("Give the date of the first meeting.")})
    try:
        validate_meeting_date(first_meeting_on)
    except ValidationError as exc:
        raise ValidationError({"first_meeting_on": exc.messages}) from None
    team = team or task_team_for(citizen=citizen, case=case)
    days = followup_plan_days(team=team)
    return [
        task_create(
            citizen=citizen,
            case=case,
            team=team,
            assignee=assignee,
            kind=kind,
            data={"origin": origin},
            due=first_meeting_on + timedelta(days=days[field]),
            actor=actor,
            **links,
        )
        for field, kind, origin in PLAN_STEPS
        if days[field]
    ]
