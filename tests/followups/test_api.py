from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.constants import AuditAction
from audit.models import AuditEvent
from followups.constants import TaskKind
from followups.models import Task
from tests.accounts.factories import TeamFactory, UserFactory
from tests.followups.factories import make_case, make_task
from tests.referrals.factories import bridge_team
from tests.screening.factories import home_care_citizen

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne")


@pytest.fixture
def owner(team):
    return UserFactory(bridge_builder=True, team=team)


@pytest.fixture
def case(team, owner):
    return make_case(team=team, assignee=owner)


@pytest.fixture
def task(case, owner):
    return make_task(assignee=owner, case=case, due_in=1)


def _api(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


# --- Who may do what: one table ------------------------------------------------------------------

ROLES = [
    "bridge_builder",
    "other_team_builder",
    "home_care",
    "coordinator",
    "referrer",
    "admin",
    "anonymous",
]

# endpoint → expected status per role, in the order of ROLES. The task is a colleague's, on a case
# of the team every role but the other team's builder belongs to.
PERMISSIONS = {
    "tasks API": [200, 200, 200, 200, 403, 403, 401],
    "create via API": [201, 400, 400, 403, 403, 403, 401],
    "task via API": [200, 404, 404, 404, 403, 403, 401],
    "complete via API": [200, 404, 404, 404, 403, 403, 401],
    "my tasks page": [200, 200, 200, 200, 403, 403, 302],
    "task page": [200, 404, 404, 404, 403, 403, 302],
    "done in one tap": [302, 404, 404, 404, 403, 403, 302],
    "add by hand": [302, 400, 400, 403, 403, 403, 302],
    "plan the follow-up": [302, 404, 404, 403, 403, 403, 302],
    "reminder settings": [200, 200, 200, 200, 403, 403, 302],
    "reminder log": [403, 403, 403, 403, 403, 200, 302],
}


def _user_for(role, team):
    if role == "anonymous":
        return None
    if role == "other_team_builder":
        return UserFactory(bridge_builder=True, team=bridge_team())
    return UserFactory(role=role, team=team)


def _call(endpoint, user, task):
    web, api = Client(), _api(user)
    if user is not None:
        web.force_login(user)
    due = TODAY().isoformat()
    return {
        "tasks API": lambda: api.get("/api/v1/tasks/"),
        "create via API": lambda: api.post(
            "/api/v1/tasks/",
            {"case": str(task.case_id), "kind": "call_citizen", "due": due},
            format="json",
        ),
        "task via API": lambda: api.get(f"/api/v1/tasks/{task.pk}/"),
        "complete via API": lambda: api.post(
            f"/api/v1/tasks/{task.pk}/complete/", {"outcome": "Ok"}, format="json"
        ),
        "my tasks page": lambda: web.get("/opgaver/"),
        "task page": lambda: web.get(f"/opgaver/{task.pk}/"),
        "done in one tap": lambda: web.post(f"/opgaver/{task.pk}/udfoert/"),
        "add by hand": lambda: web.post(
            "/opgaver/ny/",
            {
                "task-citizen": str(task.citizen_id),
                "task-kind": "call_citizen",
                "task-due": due,
                "task-assignee": user.pk if user else "",
            },
        ),
        "plan the follow-up": lambda: web.post(
            f"/opgaver/plan/{task.case_id}/", {"plan-first_meeting_on": due}
        ),
        "reminder settings": lambda: web.get("/opgaver/paamindelser/"),
        "reminder log": lambda: web.get("/opgaver/beskeder/"),
    }[endpoint]()


@pytest.mark.parametrize("endpoint", list(PERMISSIONS))
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(team, task, endpoint, role):
    user = _user_for(role, team)
    expected = PERMISSIONS[endpoint][ROLES.index(role)]
    response = _call(endpoint, user, task)
    assert response.status_code == expected, (endpoint, role, response.status_code)


# --- Listing -------------------------------------------------------------------------------------


def test_the_list_is_the_callers_own_by_default_and_others_on_request(team, case, owner, task):
    me = UserFactory(bridge_builder=True, team=team)
    mine = make_task(assignee=me, case=case, due_in=2)
    done = make_task(assignee=me, case=case, due_in=0)
    _api(me).post(f"/api/v1/tasks/{done.pk}/complete/", {}, format="json")

    def ids(**params):
        response = _api(me).get("/api/v1/tasks/", params)
        assert response.status_code == 200, response.json()
        return [row["id"] for row in response.json()["results"]]

    assert ids() == [str(mine.pk)]
    assert ids(assignee=owner.pk) == [str(task.pk)]
    assert ids(assignee="all") == [str(task.pk), str(mine.pk)]
    assert ids(case=str(case.pk), status="all") == [str(done.pk), str(task.pk), str(mine.pk)]
    assert ids(status="done") == [str(done.pk)]
    assert ids(kind="rescreen") == []
    assert ids(due_before=(TODAY() + timedelta(days=1)).isoformat(), assignee="all") == [
        str(task.pk)
    ]


def test_the_task_list_and_a_task_write_the_access_log(task, owner):
    def reads():
        return AuditEvent.objects.filter(
            action=AuditAction.READ, subject_id=task.citizen_id, actor=owner
        ).count()

    _api(owner).get("/api/v1/tasks/")
    assert reads() == 1
    _api(owner).get(f"/api/v1/tasks/{task.pk}/")
    assert reads() == 2


def test_another_team_cannot_list_a_teams_tasks_by_asking(task, owner):
    stranger = UserFactory(bridge_builder=True, team=bridge_team())
    response = _api(stranger).get("/api/v1/tasks/", {"assignee": owner.pk})
    assert response.json()["count"] == 0


def test_a_row_has_the_contract_fields(task, owner):
    row = _api(owner).get("/api/v1/tasks/").json()["results"][0]
    assert {"id", "case", "assignee", "kind", "due", "note", "done", "outcome"} <= set(row)
    assert row["case"] == str(task.case_id)
    assert row["assignee"] == owner.pk
    assert row["note"] == task.title
    assert row["due"] == task.due.isoformat()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"assignee": "somebody"}, "assignee"),
        ({"status": "finished"}, "status"),
        ({"due_after": "31-12-2025"}, "due_after"),
        ({"case": "not-a-uuid"}, "case"),
        ({"kind": "party"}, "kind"),
    ],
)
def test_bad_filters_are_400s_naming_the_filter(owner, params, field):
    response = _api(owner).get("/api/v1/tasks/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_list_query_count_is_the_same_for_1_and_many(team, case, owner, django_assert_num_queries):
    def request():
        client = APIClient()
        client.force_authenticate(type(owner).objects.get(pk=owner.pk))
        return client

    make_task(assignee=owner, case=case)
    client = request()
    # 1-2 own and group permissions, 3 the caller's teams, 4 count, 5 the page of tasks with
    # their assignee, 6 the audit events for the rows read
    with django_assert_num_queries(6):
        assert client.get("/api/v1/tasks/", {"page_size": 100}).json()["count"] == 1
    for _ in range(39):
        make_task(assignee=owner, case=case)
    client = request()
    with django_assert_num_queries(6):
        assert client.get("/api/v1/tasks/", {"page_size": 100}).json()["count"] == 40


# --- Creating and completing ---------------------------------------------------------------------


def test_a_task_is_created_for_a_colleague_on_the_case(team, case, owner):
    colleague = UserFactory(bridge_builder=True, team=team)
    due = TODAY() + timedelta(days=3)

    response = _api(owner).post(
        "/api/v1/tasks/",
        {
            "case": str(case.pk),
            "assignee": colleague.pk,
            "kind": "call_before_session",
            "due": due.isoformat(),
            "note": "Ring og mind om strikkecaféen torsdag",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    task = Task.objects.get(pk=response.json()["id"])
    assert (task.assignee, task.case, task.team, task.due) == (colleague, case, team, due)
    assert task.title == "Ring og mind om strikkecaféen torsdag"
    assert response.json()["note"] == task.title


def test_home_care_makes_a_task_about_their_teams_citizen():
    home_team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=home_team)
    citizen = home_care_citizen(team=home_team)

    response = _api(worker).post(
        "/api/v1/tasks/",
        {"citizen": str(citizen.pk), "kind": "rescreen", "due": TODAY().isoformat()},
        format="json",
    )

    assert response.status_code == 201, response.json()
    task = Task.objects.get()
    assert (task.team, task.assignee, task.case) == (home_team, worker, None)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"kind": None}, "kind"),
        ({"due": "tomorrow"}, "due"),
        ({"due": "2001-01-01"}, "due"),
        ({"case": None}, "case"),
        ({"case": "0b1b5a55-0000-4000-8000-000000000000"}, "case"),
        ({"assignee": 999999}, "assignee"),
        ({"assignee": "x"}, "assignee"),
        ({"note": "x" * 301}, "note"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_saves_nothing(case, owner, change, field):
    body = {"case": str(case.pk), "kind": "call_citizen", "due": TODAY().isoformat(), **change}
    body = {k: v for k, v in body.items() if v is not None}

    response = _api(owner).post("/api/v1/tasks/", body, format="json")

    assert response.status_code == 400
    assert field in response.json(), response.json()
    assert not Task.objects.exists()


def test_a_colleague_on_another_team_cannot_be_given_the_task(case, owner):
    stranger = UserFactory(bridge_builder=True, team=bridge_team())
    response = _api(owner).post(
        "/api/v1/tasks/",
        {
            "case": str(case.pk),
            "assignee": stranger.pk,
            "kind": "other",
            "due": TODAY().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "assignee" in response.json()


def test_completing_through_the_api_records_the_outcome_once(task, owner):
    first = _api(owner).post(
        f"/api/v1/tasks/{task.pk}/complete/", {"outcome": "Kom med i gåklubben"}, format="json"
    )
    second = _api(owner).post(
        f"/api/v1/tasks/{task.pk}/complete/", {"outcome": "noget andet"}, format="json"
    )

    assert first.status_code == second.status_code == 200
    assert second.json()["done"] is True
    assert second.json()["outcome"] == "Kom med i gåklubben"
    assert Task.objects.get().kind == TaskKind.CALL_CITIZEN


def test_the_schema_documents_the_tasks_endpoints(owner):
    response = _api(owner).get("/api/schema/", {"format": "json"})
    paths = response.json()["paths"]
    assert "/api/v1/tasks/" in paths
    assert "/api/v1/tasks/{id}/complete/" in paths
