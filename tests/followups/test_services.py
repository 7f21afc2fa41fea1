from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import AuditEvent
from followups.constants import TaskKind
from followups.models import Task, TeamFollowupSettings
from followups.selectors import screening_outcome, tasks_visible_to
from followups.services import task_complete, task_create, task_create_by_hand, task_plan_create
from tests.accounts.factories import UserFactory
from tests.followups.factories import make_case, make_task
from tests.referrals.factories import bridge_team
from tests.screening.factories import screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return bridge_team()


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team)


@pytest.fixture
def case(team, builder):
    return make_case(team=team, assignee=builder)


def test_the_plan_makes_a_check_after_a_week_four_weeks_and_three_months(case, builder):
    meeting = timezone.localdate()

    tasks = task_plan_create(
        citizen=case.citizen,
        case=case,
        team=case.team,
        assignee=builder,
        first_meeting_on=meeting,
        actor=builder,
    )

    assert [(t.kind, t.due - meeting) for t in tasks] == [
        (TaskKind.CHECK_FIRST_MEETING, timedelta(days=7)),
        (TaskKind.CALL_CITIZEN, timedelta(days=28)),
        (TaskKind.RESCREEN, timedelta(days=91)),
    ]
    assert all(t.assignee == builder and t.case == case and t.team == case.team for t in tasks)
    assert AuditEvent.objects.filter(object_id__in=[str(t.pk) for t in tasks]).count() == 3


def test_a_team_changes_its_plan_and_may_leave_a_check_out(case, builder):
    TeamFollowupSettings.objects.create(
        team=case.team, first_check_days=3, second_check_days=None, rescreen_days=60
    )
    meeting = timezone.localdate()

    tasks = task_plan_create(
        citizen=case.citizen,
        case=case,
        team=case.team,
        assignee=builder,
        first_meeting_on=meeting,
        actor=builder,
    )

    assert [(t.due - meeting).days for t in tasks] == [3, 60]


def test_links_are_passed_through_to_the_task(case, builder):
    # A link given by name reaches Task.objects.create (here one Task has today: the screening),
    # so a `match=` foreign key added later needs no change in the services.
    screening = screen(citizen=case.citizen, by=builder)
    tasks = task_plan_create(
        citizen=case.citizen,
        case=case,
        team=case.team,
        assignee=builder,
        first_meeting_on=timezone.localdate(),
        actor=builder,
        screening=screening,
    )
    assert {t.screening_id for t in tasks} == {screening.pk}
    with pytest.raises(TypeError, match="no_such_link"):
        task_create(
            citizen=case.citizen,
            kind=TaskKind.OTHER,
            title="x",
            due=timezone.localdate(),
            assignee=builder,
            actor=builder,
            no_such_link=1,
        )


def test_a_task_by_hand_is_checked_field_by_field(case, builder):
    stranger = UserFactory(bridge_builder=True, team=bridge_team())
    with pytest.raises(ValidationError) as error:
        task_create_by_hand(
            actor=builder,
            citizen=case.citizen,
            case=case,
            assignee=stranger,
            kind="nonsense",
            due=timezone.localdate() - timedelta(days=1),
        )
    assert set(error.value.message_dict) == {"kind", "due", "assignee"}
    assert not Task.objects.exists()


def test_a_task_by_hand_defaults_to_the_actor_and_the_kind_as_its_text(case, builder):
    task = task_create_by_hand(
        actor=builder,
        citizen=case.citizen,
        case=case,
        assignee=None,
        kind=TaskKind.CALL_CITIZEN,
        due=timezone.localdate(),
    )
    assert task.assignee == builder
    assert task.team == case.team
    assert task.heading == "Ring til borgeren"
    # The kind's name in each reader's language: nothing of the moment's language is stored.
    assert task.title == ""


def test_completing_records_who_and_the_outcome_and_twice_is_harmless(case, builder):
    task = make_task(assignee=builder, case=case)

    task_complete(task=task, actor=builder, outcome="  Kom med til spisevenner  ")
    again = task_complete(task=task, actor=UserFactory(), outcome="Andet")

    assert again.outcome == "Kom med til spisevenner"
    assert again.done_by == builder


def test_a_colleague_sees_the_teams_tasks_and_another_team_does_not(case, builder, team):
    task = make_task(assignee=builder, case=case)
    colleague = UserFactory(bridge_builder=True, team=team)
    other = UserFactory(bridge_builder=True, team=bridge_team())

    assert list(tasks_visible_to(user=colleague)) == [task]
    assert list(tasks_visible_to(user=other)) == []
    assert list(tasks_visible_to(user=UserFactory(referrer=True, team=team))) == []


def test_the_outcome_is_the_change_since_the_first_screening(case, builder):
    citizen = case.citizen
    assert screening_outcome(citizen=citizen) is None
    screen(citizen=citizen, by=builder, answers=(3, 3, 2))
    assert screening_outcome(citizen=citizen) is None

    screen(citizen=citizen, by=builder, answers=(2, 2, 2))
    screen(citizen=citizen, by=builder, answers=(2, 2, 1))

    outcome = screening_outcome(citizen=citizen)
    assert (outcome.first, outcome.latest, outcome.change) == (8, 5, -3)
    assert outcome.signed_change == "−3"
