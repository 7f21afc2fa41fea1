"""Follow-up state, made through the services."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from followups.constants import TaskKind
from followups.services import task_create
from tests.referrals.factories import make_referral


def at(hour: int, minute: int = 0, *, days: int = 0) -> datetime:
    """Today (+ days) at a local time of day: a frozen `now` for the reminder scan."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_case(*, team, assignee=None):
    case = make_referral(team=team).referral.case
    if assignee is not None:
        from referrals.services import case_assign

        case = case_assign(case=case, assignee=assignee, actor=assignee)
    return case


def make_task(
    *,
    assignee,
    due_in: int = 0,
    case=None,
    citizen=None,
    team=None,
    kind=TaskKind.CALL_CITIZEN,
    title="Ring og hør, om borgeren kom til spisefællesskabet",
):
    """A task due `due_in` days from today (negative: overdue)."""
    citizen = citizen or case.citizen
    return task_create(
        citizen=citizen,
        case=case,
        team=team,
        assignee=assignee,
        kind=kind,
        title=title,
        due=timezone.localdate() + timedelta(days=due_in),
        actor=None,
    )
