"""Home care sees screenings and its own team's tasks, never the bridge-builders' tasks or notes;
and every home-care page that shows a citizen writes the access log."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from audit.constants import AuditAction
from audit.models import AuditEvent
from followups.constants import TaskKind
from followups.models import Task
from referrals.services import citizen_set_home_care_team
from tests.accounts.factories import TeamFactory, UserFactory
from tests.followups.factories import make_case, make_task
from tests.referrals.factories import bridge_team
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db

CONFIDENTIAL = "Fortroligt: datteren drikker, tal ikke om det"


@pytest.fixture
def team():
    return TeamFactory(home_care=True, name="Hjemmeplejen Syd")


@pytest.fixture
def worker(team):
    return UserFactory(home_care=True, team=team, first_name="Hanne")


@pytest.fixture
def builder():
    return UserFactory(bridge_builder=True, team=bridge_team(), first_name="Bent")


@pytest.fixture
def case(team, builder):
    """A citizen home care visits, who also has a case with a bridge-builder."""
    case = make_case(team=builder.teams.get(), assignee=builder)
    citizen_set_home_care_team(citizen=case.citizen, team=team, actor=None)
    return case


@pytest.fixture
def builders_task(case, builder):
    return make_task(assignee=builder, case=case, due_in=-2, title=CONFIDENTIAL)


@pytest.fixture
def teams_task(case, team):
    colleague = UserFactory(home_care=True, team=team, first_name="Sara")
    return make_task(
        assignee=colleague, citizen=case.citizen, team=team, due_in=1, title="Tag blodtryk"
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _reads_of(citizen, user) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.READ, subject_id=citizen.pk, actor=user
    ).count()


# --- The citizen page and completing tasks -------------------------------------------------------


def test_the_citizen_page_shows_the_teams_tasks_and_never_a_bridge_builders(
    case, worker, builders_task, teams_task
):
    response = _client(worker).get(f"/screening/borgere/{case.citizen_id}/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Tag blodtryk" in body
    assert CONFIDENTIAL not in body
    assert [t.pk for t in response.context["tasks"]] == [teams_task.pk]


@pytest.mark.parametrize(
    "how",
    ["citizen page", "my tasks", "api"],
)
def test_home_care_cannot_complete_a_bridge_builders_task(case, worker, builders_task, how):
    if how == "citizen page":
        url = f"/screening/borgere/{case.citizen_id}/opgaver/{builders_task.pk}/udfoert/"
        response = _client(worker).post(url)
    elif how == "my tasks":
        response = _client(worker).post(f"/opgaver/{builders_task.pk}/udfoert/")
    else:
        response = _api(worker).post(f"/api/v1/tasks/{builders_task.pk}/complete/", {})

    assert response.status_code == 404
    builders_task.refresh_from_db()
    assert builders_task.done_at is None
    assert builders_task.done_by is None


def test_home_care_cannot_open_a_bridge_builders_task(case, worker, builders_task):
    assert _client(worker).get(f"/opgaver/{builders_task.pk}/").status_code == 404
    assert _api(worker).get(f"/api/v1/tasks/{builders_task.pk}/").status_code == 404
    listed = _api(worker).get("/api/v1/tasks/", {"citizen": str(case.citizen_id)}).json()
    assert str(builders_task.pk) not in {row["id"] for row in listed["results"]}


def test_home_care_completes_its_own_teams_task_from_the_citizen_page(case, worker, teams_task):
    url = f"/screening/borgere/{case.citizen_id}/opgaver/{teams_task.pk}/udfoert/"

    response = _client(worker).post(url)

    assert response.status_code == 302
    teams_task.refresh_from_db()
    assert teams_task.done_at is not None
    assert teams_task.done_by == worker


def test_a_task_cannot_be_completed_under_another_citizens_page(team, worker, teams_task):
    other = home_care_citizen(team=team)
    url = f"/screening/borgere/{other.pk}/opgaver/{teams_task.pk}/udfoert/"

    assert _client(worker).post(url).status_code == 404
    teams_task.refresh_from_db()
    assert teams_task.done_at is None


def test_another_home_care_team_cannot_complete_the_teams_task(case, teams_task):
    stranger = UserFactory(home_care=True, team=TeamFactory(home_care=True))
    url = f"/screening/borgere/{case.citizen_id}/opgaver/{teams_task.pk}/udfoert/"

    assert _client(stranger).post(url).status_code == 404
    teams_task.refresh_from_db()
    assert teams_task.done_at is None


# --- The board -----------------------------------------------------------------------------------


def test_the_board_counts_only_the_tasks_home_care_may_see(case, worker, builder, builders_task):
    # The bridge-builder's own "screen again" from the follow-up plan is theirs, not the team's.
    make_task(assignee=builder, case=case, due_in=3, kind=TaskKind.RESCREEN)

    response = _client(worker).get("/screening/tavle/")

    [row] = [c for g in response.context["groups"] for c in g.citizens]
    assert not row.overdue_steps  # the bridge-builder's overdue task is not counted
    assert row.rescreen_assignee is None
    assert "Bent" not in response.content.decode()


def test_the_board_query_count_is_the_same_for_one_citizen_and_many(
    team, worker, django_assert_num_queries
):
    client = _client(worker)
    screen(citizen=home_care_citizen(team=team), by=worker, answers=(3, 3, 3))

    # 1 session, 2 user, 3-4 permissions, 5 the user's team ids, 6 their home-care teams,
    # 7 the team's settings, 8 its triage scheme, 9 the scheme's colours, 10 its procedure,
    # 11 the citizens with latest screening, overdue steps and pending "screen again" in one
    # query, 12 their colours on the team, 13 the access log for every citizen shown, 14 the
    # team's members for the assign lists, 15-17 saving the session
    with django_assert_num_queries(17):
        client.get("/screening/tavle/")
    for _ in range(30):
        home_care_citizen(team=team)
    with django_assert_num_queries(17):
        response = client.get("/screening/tavle/")
    assert sum(len(g.citizens) for g in response.context["groups"]) == 31


# --- Every read is logged ------------------------------------------------------------------------


def test_the_citizen_list_writes_the_access_log(team, worker):
    citizen = home_care_citizen(team=team)

    _client(worker).get("/screening/")

    assert _reads_of(citizen, worker) == 1


def test_the_board_writes_the_access_log_for_every_citizen_on_it(team, worker):
    screened = home_care_citizen(team=team)
    screen(citizen=screened, by=worker, answers=(3, 3, 3))
    never_screened = home_care_citizen(team=team)

    _client(worker).get("/screening/tavle/")

    assert _reads_of(screened, worker) == 1
    assert _reads_of(never_screened, worker) == 1


def test_the_citizen_page_writes_the_access_log(case, worker, teams_task):
    _client(worker).get(f"/screening/borgere/{case.citizen_id}/")

    assert _reads_of(case.citizen, worker) == 1


def test_a_task_completed_by_home_care_is_on_the_citizens_log(case, worker, teams_task):
    _client(worker).post(f"/screening/borgere/{case.citizen_id}/opgaver/{teams_task.pk}/udfoert/")

    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE,
        subject_id=case.citizen_id,
        actor=worker,
        object_id=str(teams_task.pk),
    ).exists()
    assert Task.objects.get(pk=teams_task.pk).is_done
