"""Follow-up tasks: made by hand, by a triage colour's next step, and by a follow-up plan; done
with an outcome. The reminders about them are in followups/reminders.py."""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from audit.constants import AuditAction
from audit.services import audit_record
from core.validators import validate_meeting_date, validate_task_due
from followups.constants import (
    NotificationStatus,
    ReminderKind,
    TaskKind,
    TaskOrigin,
    TaskOutcome,
)
from followups.models import Notification, Task, TeamFollowupSettings
from referrals.constants import CloseReason


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


@transaction.atomic
def task_take(*, task: Task, actor: User) -> Task:
    """Someone on the team takes a task nobody holds (from the team's queue)."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    if task.done_at is not None:
        raise ValidationError({"task": _("The task is done already.")})
    if task.assignee_id is not None:
        if task.assignee_id == actor.pk:
            return task
        raise ValidationError({"task": _("Someone has taken the task already.")})
    if not _may_hold_tasks(actor, task.team, actor):
        raise ValidationError({"task": _("Only someone on the task's team can take it.")})
    task.assignee = actor
    task.save(update_fields=["assignee", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, fields=["assignee"])
    return task


# --- What ending a course, a match or an offer does to its tasks ---------------------------------


def _drop_waiting_reminders(task_ids: list, *, except_to: User | None = None) -> None:
    """Reminders about the tasks that are still waiting to be sent are not needed (the senders
    would skip them when their turn came; marked now, none is left waiting). With `except_to`,
    those to that person stay, as do escalations to a lead."""
    rows = Notification.objects.filter(task_id__in=task_ids, status=NotificationStatus.PENDING)
    if except_to is not None:
        rows = rows.exclude(recipient=except_to).exclude(kind=ReminderKind.ESCALATION)
    rows.update(status=NotificationStatus.SKIPPED, updated_at=timezone.now())


@transaction.atomic
def tasks_end(*, tasks: QuerySet[Task], actor: User | None, outcome_kind: str) -> int:
    """Close every open task of `tasks` as Brobyg closed it (`outcome_kind`, a TaskOutcome):
    what they were about has ended. Returns how many."""
    open_tasks = list(tasks.filter(done_at__isnull=True).order_by("pk"))
    for task in open_tasks:
        task_complete(task=task, actor=actor, outcome_kind=outcome_kind)
    _drop_waiting_reminders([task.pk for task in open_tasks])
    return len(open_tasks)


@transaction.atomic
def tasks_hand_over(*, tasks: QuerySet[Task], to: User, actor: User | None) -> int:
    """Give every open task of `tasks` to `to`, who gets the reminders about them from now on.
    Returns how many changed hands."""
    moved = list(
        tasks.filter(done_at__isnull=True)
        .exclude(assignee=to)
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    for task in moved:
        task.assignee = to
        task.save(update_fields=["assignee", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=task, fields=["assignee"])
    _drop_waiting_reminders([task.pk for task in moved], except_to=to)
    return len(moved)


def case_closed_followup(
    *, case, actor: User | None, hand_over_to: User | None = None, approach_again_on=None
) -> None:
    """What closing a case does to its follow-up (referrals.services.case_close calls it, in its
    transaction, once the case is closed): its open tasks end with the course, or go to the
    colleague the bridge-builder hands them over to; and a citizen who said "not now" gets a
    task on the day to approach them again, for the case's bridge-builder."""
    if case.close_reason == CloseReason.MERGED:
        return  # the course goes on in the other record's case
    tasks = Task.objects.filter(case=case)
    if hand_over_to is not None:
        tasks_hand_over(tasks=tasks, to=hand_over_to, actor=actor)
    else:
        tasks_end(tasks=tasks, actor=actor, outcome_kind=TaskOutcome.CASE_CLOSED)
    if approach_again_on is not None:
        task_create(
            citizen=case.citizen,
            case=case,
            team=case.team,
            assignee=case.assignee or actor,
            actor=actor,
            kind=TaskKind.CALL_CITIZEN,
            data={
                "origin": TaskOrigin.APPROACH_AGAIN,
                "date": timezone.localdate().isoformat(),
            },
            due=approach_again_on,
        )


def tasks_end_for_match(*, match_id, actor: User | None) -> int:
    """A match ended: the tasks about it (its first meeting, its follow-up plan) end with it."""
    return tasks_end(
        tasks=Task.objects.filter(match_id=match_id),
        actor=actor,
        outcome_kind=TaskOutcome.MATCH_ENDED,
    )


_OFFER_STOPPED = {
    # paused?: (the bridge-builder's task, the coordinators')
    True: (TaskOrigin.OFFER_PAUSED, TaskOrigin.OFFER_PAUSED_MATCHES),
    False: (TaskOrigin.OFFER_ARCHIVED, TaskOrigin.OFFER_ARCHIVED_MATCHES),
}


@transaction.atomic
def tasks_offer_stopped(
    *,
    offer_id,
    offer_title: str,
    paused: bool,
    matches: list,
    coordinators: list[User],
    coordinating_team: Team | None,
    actor: User | None,
) -> list[Task]:
    """An offer was paused (`paused`) or stopped: for each of its open `matches` (with their
    case), the case's bridge-builder gets a task to find the citizen another offer, due today
    (so the day's reminder tells them); each of the offer's `coordinators` gets one task about
    the offer, naming no citizen. A match that has such a task open gets no second one, and
    the coordinators are told only of citizens newly told."""
    bridge_origin, coordinator_origin = _OFFER_STOPPED[paused]
    stopped = [TaskOrigin.OFFER_PAUSED, TaskOrigin.OFFER_ARCHIVED]
    today = timezone.localdate()
    made = []
    told = set(
        Task.objects.filter(
            match_id__in=[match.pk for match in matches],
            done_at__isnull=True,
            data__origin__in=stopped,
        ).values_list("match_id", flat=True)
    )
    for match in matches:
        if match.pk in told:
            continue
        case = match.case
        made.append(
            task_create(
                citizen=case.citizen,
                case=case,
                team=case.team,
                assignee=case.assignee,
                actor=actor,
                kind=TaskKind.FIND_ANOTHER_OFFER,
                data={"origin": bridge_origin, "offer": offer_title},
                due=today,
                match=match,
            )
        )
    if not made:
        return made  # nobody new to find another offer for
    newly = len(made)
    for coordinator in coordinators:
        made.append(
            task_create(
                citizen=None,
                team=coordinating_team,
                assignee=coordinator,
                actor=actor,
                kind=TaskKind.FIND_ANOTHER_OFFER,
                data={
                    "origin": coordinator_origin,
                    "offer_id": str(offer_id),
                    "offer": offer_title,
                    "count": newly,
                },
                due=today,
            )
        )
    return made


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
