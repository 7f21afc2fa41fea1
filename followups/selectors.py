"""Reads of follow-up tasks, scoped to the caller: a task one may not see is simply not found."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from accounts.constants import Role
from accounts.models import User
from accounts.selectors import user_team_ids
from followups.constants import NotificationStatus
from followups.models import Notification, Task
from referrals.constants import CaseStatus
from referrals.models import Case, Citizen
from referrals.selectors import caseload_due_date_add, cases_visible_to, citizens_visible_to

TASK_ROLES = [Role.BRIDGE_BUILDER, Role.HOME_CARE, Role.COORDINATOR]


def _earliest_open_task_due() -> Subquery:
    return Subquery(
        Task.objects.filter(citizen=OuterRef("citizen_id"), done_at__isnull=True)
        .order_by("due")
        .values("due")[:1]
    )


def caseload_due_dates_register() -> None:
    """Hand referrals' caseload the earliest open task of each case's citizen, for its "next
    due". Called from FollowupsConfig.ready: referrals sits below followups and does not import
    it."""
    caseload_due_date_add("tasks", _earliest_open_task_due)


def tasks_visible_to(*, user: User) -> QuerySet[Task]:
    """The one rule for which tasks a person may see and complete, wherever a task is shown
    (Mine opgaver, the case page, the home-care citizen page, the board, the API).

    One's own tasks, the tasks of one's teams, and (for bridge-builders) those of the cases
    on one's teams. Home care and coordinators see a team's tasks only where no case is linked:
    a task on a case is the bridge-builders' work, and its note may be confidential."""
    if not (user.is_authenticated and user.has_perm("followups.view_task")):
        return Task.objects.none()
    team_ids = user_team_ids(user)
    # A task on a case tells about the bridge-builders' work: only those who see the case see it.
    scope = Q(assignee=user) | Q(team_id__in=team_ids, case__isnull=True)
    if user.has_perm("referrals.view_case"):
        scope |= Q(team_id__in=team_ids) | Q(case__team_id__in=team_ids)
    return Task.objects.filter(scope)


def task_get(*, user: User, task_id, citizen_id=None) -> Task:
    """One task the user may see (and so complete), or 404; with `citizen_id`, only if it is
    about that citizen."""
    tasks = tasks_visible_to(user=user)
    if citizen_id is not None:
        tasks = tasks.filter(citizen_id=citizen_id)
    try:
        return tasks.select_related("citizen", "case", "assignee", "done_by", "team").get(
            pk=task_id
        )
    except (Task.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


def citizen_open_tasks(*, user: User, citizen: Citizen) -> QuerySet[Task]:
    """The citizen's open tasks that the user may see, soonest first (the home-care citizen
    page: the team's own tasks, never the bridge-builders')."""
    return (
        tasks_visible_to(user=user)
        .filter(citizen=citizen, done_at__isnull=True)
        .select_related("assignee")
        .order_by("due", "created_at", "id")
    )


def task_list(
    *,
    user: User,
    assignee_id: int | None = None,
    everyone: bool = False,
    case_id=None,
    citizen_id=None,
    kind: str = "",
    status: str = "open",
    due_after: date | None = None,
    due_before: date | None = None,
) -> QuerySet[Task]:
    """The tasks the API lists: the caller's own unless another person, everyone, a case or a
    citizen is asked for (always within what the caller may see)."""
    tasks = tasks_visible_to(user=user).select_related("assignee")
    if assignee_id is not None:
        tasks = tasks.filter(assignee_id=assignee_id)
    elif not (everyone or case_id or citizen_id):
        tasks = tasks.filter(assignee=user)
    if case_id:
        tasks = tasks.filter(case_id=case_id)
    if citizen_id:
        tasks = tasks.filter(citizen_id=citizen_id)
    if kind:
        tasks = tasks.filter(kind=kind)
    if status == "open":
        tasks = tasks.filter(done_at__isnull=True)
    elif status == "done":
        tasks = tasks.filter(done_at__isnull=False)
    if due_after:
        tasks = tasks.filter(due__gte=due_after)
    if due_before:
        tasks = tasks.filter(due__lte=due_before)
    return tasks.order_by("due", "created_at", "id")


def colleagues(*, user: User) -> QuerySet[User]:
    """The people the user may give a task to: everyone on their teams who holds tasks."""
    return (
        User.objects.filter(
            Q(pk=user.pk) | Q(memberships__team_id__in=user_team_ids(user)),
            is_active=True,
            groups__name__in=TASK_ROLES,
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def citizens_for_tasks(*, user: User) -> QuerySet[Citizen]:
    """The citizens the user may make a task about."""
    return citizens_visible_to(user=user).order_by("last_name", "first_name", "id")


def open_case_for(*, user: User, citizen: Citizen) -> Case | None:
    """The citizen's open case, if the user may see it (a task about them belongs to it)."""
    return (
        cases_visible_to(user=user)
        .filter(citizen=citizen)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("team")
        .first()
    )


# --- Mine opgaver ------------------------------------------------------------------------------


@dataclass
class TaskGroup:
    key: str
    tasks: list = field(default_factory=list)


def my_tasks(*, user: User, today: date | None = None, done_limit: int = 20) -> dict:
    """The user's open tasks in groups — overdue, today, the rest of this week, later — and the
    ones they finished in the last two weeks. Two queries, whatever the number of tasks."""
    today = today or timezone.localdate()
    week_end = today + timedelta(days=6 - today.weekday())
    groups = {key: TaskGroup(key) for key in ("overdue", "today", "week", "later")}
    visible = tasks_visible_to(user=user)
    mine = visible.filter(assignee=user)
    # One query for the user's open tasks and their teams' queue (the open tasks nobody holds).
    open_tasks = (
        visible.filter(done_at__isnull=True)
        .filter(Q(assignee=user) | _queue_of(user))
        .select_related("citizen", "case")
        .order_by("due", "created_at", "id")
    )
    queue = []
    for task in open_tasks:
        if task.assignee_id is None:
            queue.append(task)
            continue
        if task.due < today:
            key = "overdue"
        elif task.due == today:
            key = "today"
        elif task.due <= week_end:
            key = "week"
        else:
            key = "later"
        groups[key].tasks.append(task)
    done = list(
        mine.filter(done_at__gte=timezone.now() - timedelta(days=14))
        .select_related("citizen", "case")
        .order_by("-done_at")[:done_limit]
    )
    return {
        "groups": list(groups.values()),
        "done": done,
        "team_queue": queue,
        "today": today,
        "week_end": week_end,
    }


def _queue_of(user: User) -> Q:
    """The team's queue: tasks nobody holds on the user's teams (a follow-up plan on a case no
    bridge-builder has taken), for one of them to take."""
    return Q(assignee__isnull=True, team_id__in=user_team_ids(user))


def case_tasks(*, user: User, case: Case) -> list[Task]:
    """The case's tasks that the user may see: open ones by due date, then the done ones,
    newest first."""
    tasks = list(
        tasks_visible_to(user=user)
        .filter(Q(case=case) | Q(citizen_id=case.citizen_id, case__isnull=True))
        .select_related("assignee", "citizen", "case")
        .order_by("due", "created_at")
    )
    return [t for t in tasks if t.done_at is None] + sorted(
        (t for t in tasks if t.done_at is not None), key=lambda t: t.done_at, reverse=True
    )


def case_open_work(*, user: User, case: Case) -> dict:
    """The case's open tasks (that the user may see) and how many reminders about them wait to
    be sent: what closing the case ends, or hands over."""
    tasks = list(
        tasks_visible_to(user=user)
        .filter(case=case, done_at__isnull=True)
        .select_related("assignee")
        .order_by("due", "created_at", "id")
    )
    reminders = Notification.objects.filter(
        task__in=[task.pk for task in tasks], status=NotificationStatus.PENDING
    ).count()
    return {"tasks": tasks, "reminders": reminders}


# --- The outcome: UCLA-3 before and after ------------------------------------------------------


@dataclass
class ScoreChange:
    first: int
    latest: int
    first_on: date
    latest_on: date

    @property
    def change(self) -> int:
        return self.latest - self.first

    @property
    def signed_change(self) -> str:
        """“−3”, “+2” or “±0”, with a real minus sign."""
        if self.change < 0:
            return f"\u2212{-self.change}"
        return f"+{self.change}" if self.change > 0 else "\u00b10"


def screening_outcome(*, citizen: Citizen) -> ScoreChange | None:
    """The change in UCLA-3 score from the citizen's first screening to the latest, when they
    have been screened again; None otherwise. One query."""
    scores = list(
        citizen.screenings.filter(is_draft=False, instrument__code="ucla3")
        .order_by("screened_at")
        .values_list("score", "screened_at")
    )
    if len(scores) < 2:
        return None
    (first, first_at), (latest, latest_at) = scores[0], scores[-1]
    return ScoreChange(
        first=first,
        latest=latest,
        first_on=timezone.localtime(first_at).date(),
        latest_on=timezone.localtime(latest_at).date(),
    )


# --- The notification log ------------------------------------------------------------------------


def failed_reminder_count() -> int:
    """How many reminders could not be sent, for the administrator's start page."""
    return Notification.objects.filter(status=NotificationStatus.FAILED).count()


def notification_log(*, status: str = "") -> QuerySet[Notification]:
    rows = Notification.objects.select_related("recipient").order_by("-created_at", "id")
    if status:
        rows = rows.filter(status=status)
    return rows
