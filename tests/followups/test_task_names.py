"""Two ways a task is made, two names: `task_create` is Brobyg making a task (a triage colour's
next step, a follow-up plan, a missed session) from values it has checked itself;
`task_create_by_hand` is a person adding one, and checks what a person could get wrong."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from followups.constants import TaskKind
from followups.models import Task
from followups.services import task_create, task_create_by_hand
from tests.accounts.factories import UserFactory
from tests.followups.factories import make_case
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db


def test_a_task_added_by_hand_is_checked_for_what_a_person_could_get_wrong():
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team)
    case = make_case(team=team, assignee=builder)
    stranger = UserFactory(bridge_builder=True)

    with pytest.raises(ValidationError) as refused:
        task_create_by_hand(
            actor=builder,
            citizen=case.citizen,
            case=case,
            assignee=stranger,
            kind=TaskKind.CALL_CITIZEN,
            due=None,
            note="x" * 301,
        )

    assert set(refused.value.message_dict) == {"due", "assignee", "note"}
    assert not Task.objects.filter(case=case).exists()


def test_a_task_brobyg_makes_is_made_as_given():
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team)
    case = make_case(team=team, assignee=builder)

    task = task_create(
        citizen=case.citizen,
        case=case,
        assignee=builder,
        kind=TaskKind.CALL_CITIZEN,
        due=timezone.localdate(),
        actor=None,
    )

    assert task.team == case.team and task.created_by is None
