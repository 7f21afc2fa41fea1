"""Follow-up dates a person could get wrong: a task due in the year 9999, a first meeting that
overflows the calendar. Each is a message naming the date, never a 500 or a task."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from followups.models import Task
from followups.services import task_plan_create
from tests.accounts.factories import UserFactory
from tests.followups.factories import make_case
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def team():
    return bridge_team()


@pytest.fixture
def owner(team):
    return UserFactory(bridge_builder=True, team=team)


@pytest.fixture
def case(team, owner):
    return make_case(team=team, assignee=owner)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "due",
    ["9999-12-31", (TODAY() + timedelta(days=3 * 365)).isoformat(), "2001-01-01"],
)
def test_a_task_due_too_far_ahead_or_in_the_past_is_a_400_naming_due(case, owner, due):
    body = {"case": str(case.pk), "kind": "call_citizen", "due": due}

    response = _api(owner).post("/api/v1/tasks/", body, format="json")

    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["due"]
    assert not Task.objects.exists()


def test_a_task_due_within_two_years_is_fine(case, owner):
    due = (TODAY() + timedelta(days=600)).isoformat()
    body = {"case": str(case.pk), "kind": "call_citizen", "due": due}
    assert _api(owner).post("/api/v1/tasks/", body, format="json").status_code == 201


def test_the_task_form_names_a_due_date_in_the_year_9999(case, owner):
    response = _web(owner).post(
        "/opgaver/ny/",
        {
            "citizen": str(case.citizen_id),
            "kind": "call_citizen",
            "due": "9999-12-31",
            "assignee": owner.pk,
        },
    )

    assert "due" in response.context["form"].errors
    assert not Task.objects.exists()


def test_a_first_meeting_in_the_year_9999_is_a_message_not_a_500(case, owner):
    response = _web(owner).post(
        f"/opgaver/plan/{case.pk}/", {"plan-first_meeting_on": "9999-12-31"}, follow=True
    )

    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]]
    assert not Task.objects.exists()


def test_the_plan_service_refuses_a_first_meeting_in_the_year_9999(case, owner):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        task_plan_create(
            citizen=case.citizen,
            case=case,
            team=case.team,
            assignee=owner,
            first_meeting_on=TODAY().replace(year=9999, month=12, day=31),
            actor=owner,
        )
    assert "first_meeting_on" in caught.value.message_dict
