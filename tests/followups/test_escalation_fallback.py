"""An overdue task is escalated to someone even when its team has no lead: the team's other
members, else the administrator (who is told of the team, never of the citizen). A task nobody
holds (a follow-up plan on a case without a bridge-builder) is in the team's queue, and the
team is reminded of it."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from followups.constants import NotificationStatus, ReminderKind
from followups.models import Notification, Task
from followups.reminders import reminders_run
from followups.services import task_plan_create
from tests.accounts.factories import UserFactory
from tests.followups.factories import at, make_case, make_task
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne Øst")


def _escalated_to(kind=ReminderKind.ESCALATION) -> set[str]:
    return set(
        Notification.objects.filter(kind=kind, status=NotificationStatus.SENT).values_list(
            "recipient__username", flat=True
        )
    )


# --- Escalation --------------------------------------------------------------------------------


def test_an_overdue_task_on_a_team_with_a_lead_goes_to_the_lead_only(team):
    holder = UserFactory(username="holder", bridge_builder=True, team=team)
    UserFactory(username="lead", bridge_builder=True, team=team, lead=True)
    UserFactory(username="colleague", bridge_builder=True, team=team)
    make_task(assignee=holder, case=make_case(team=team, assignee=holder), due_in=-4)

    reminders_run(now=at(9))

    assert _escalated_to() == {"lead"}


def test_without_a_lead_an_overdue_task_goes_to_the_teams_other_members(team):
    holder = UserFactory(username="holder", bridge_builder=True, team=team)
    UserFactory(username="colleague", bridge_builder=True, team=team)
    UserFactory(username="gone", bridge_builder=True, team=team, is_active=False)
    other_team = bridge_team(name="Brobyggerne Vest")
    UserFactory(username="elsewhere", bridge_builder=True, team=other_team, lead=True)
    make_task(assignee=holder, case=make_case(team=team, assignee=holder), due_in=-4)

    first = reminders_run(now=at(9))
    again = reminders_run(now=at(10))

    assert _escalated_to() == {"colleague"}
    assert again.sent == 0 and first.sent >= 1
    message = next(m for m in mail.outbox if m.to == ["colleague@example.invalid"])
    assert "holder" not in message.to


def test_a_team_of_one_without_a_lead_escalates_to_the_administrator_without_naming_the_citizen(
    team,
):
    holder = UserFactory(username="holder", bridge_builder=True, team=team)
    UserFactory(username="admin", admin=True)
    case = make_case(team=team, assignee=holder)
    make_task(assignee=holder, case=case, due_in=-4, title="Ring til Inger om caféen")

    reminders_run(now=at(9))

    assert _escalated_to() == {"admin"}
    (message,) = [m for m in mail.outbox if m.to == ["admin@example.invalid"]]
    text = message.subject + message.body
    assert team.name in text
    # the administrator sees aggregates only: no citizen, no task's words, no link to the task
    citizen = case.citizen
    assert citizen.first_name not in text
    assert "Ring til Inger" not in text
    assert "/opgaver/" not in text


# --- Tasks nobody holds ------------------------------------------------------------------------


def _unassigned_plan(team):
    case = make_case(team=team)  # no bridge-builder has taken the case yet
    return case, task_plan_create(
        citizen=case.citizen,
        case=case,
        team=None,
        assignee=None,
        first_meeting_on=timezone.localdate() - timedelta(days=7),
        actor=None,
    )


def test_a_plan_task_nobody_holds_reminds_the_teams_lead_when_it_is_due(team):
    UserFactory(username="lead", bridge_builder=True, team=team, lead=True)
    UserFactory(username="colleague", bridge_builder=True, team=team)
    case, tasks = _unassigned_plan(team)
    due_today = next(t for t in tasks if t.due == timezone.localdate())
    assert due_today.assignee is None and due_today.team == case.team

    reminders_run(now=at(9))
    reminders_run(now=at(15))

    rows = Notification.objects.filter(task=due_today, status=NotificationStatus.SENT)
    assert {(n.kind, n.recipient.username) for n in rows} == {(ReminderKind.UNASSIGNED, "lead")}
    (message,) = [m for m in mail.outbox if m.to == ["lead@example.invalid"]]
    assert f"/opgaver/{due_today.pk}/" in message.body


def test_without_a_lead_the_teams_members_are_reminded_of_a_task_nobody_holds(team):
    UserFactory(username="sofie", bridge_builder=True, team=team)
    UserFactory(username="jens", bridge_builder=True, team=team)
    UserFactory(username="care", home_care=True, team=team)  # no case work
    _unassigned_plan(team)

    reminders_run(now=at(9))

    assert _escalated_to(ReminderKind.UNASSIGNED) == {"sofie", "jens"}


def test_a_task_nobody_holds_is_in_the_teams_queue_and_is_taken_in_one_tap(team):
    sofie = UserFactory(username="sofie", bridge_builder=True, team=team)
    _case, tasks = _unassigned_plan(team)
    client = Client()
    client.force_login(sofie)

    page = client.get("/opgaver/")

    queue = page.context["team_queue"]
    assert {t.pk for t in queue} == {t.pk for t in tasks}
    assert 'data-testid="team-queue"' in page.content.decode()

    response = client.post(f"/opgaver/{tasks[0].pk}/tag/")

    assert response.status_code == 302
    taken = Task.objects.get(pk=tasks[0].pk)
    assert taken.assignee == sofie
    assert tasks[0].pk not in {t.pk for t in client.get("/opgaver/").context["team_queue"]}


def test_someone_on_another_team_cannot_take_the_task(team):
    _case, tasks = _unassigned_plan(team)
    stranger = UserFactory(bridge_builder=True, team=bridge_team(name="Andre"))
    client = Client()
    client.force_login(stranger)

    assert client.post(f"/opgaver/{tasks[0].pk}/tag/").status_code == 404
    assert Task.objects.get(pk=tasks[0].pk).assignee is None
    assert client.get("/opgaver/").context["team_queue"] == []
