import uuid

import pytest
from rest_framework.test import APIClient

from screening.models import Screening
from tests.accounts.factories import TeamFactory, UserFactory
from tests.screening.factories import home_care_citizen

pytestmark = pytest.mark.django_db

URL = "/api/v1/screenings/"


@pytest.fixture
def citizen(team):
    return home_care_citizen(team=team)


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _body(citizen, **answers):
    values = {"lack_companionship": 3, "left_out": 2, "isolated": 2}
    values.update(answers)
    return {"citizen": str(citizen.pk), "answers": values}


def test_a_screening_is_201_with_score_and_triage(citizen, worker):
    response = _client(worker).post(
        URL, {**_body(citizen), "setting": "home_visit", "direct_question": "no"}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["score"] == 7
    assert body["triage"] == {"code": "red", "label": "Rød", "colour": "#c62828"}
    assert body["next_step"]["what"].startswith("Tilbyd en henvisning")
    assert Screening.objects.get().screened_by == worker


@pytest.mark.parametrize(
    ("answers", "item"),
    [
        ({"isolated": None}, "isolated"),
        ({"left_out": 4}, "left_out"),
        ({"left_out": 0}, "left_out"),
        ({"lack_companionship": "often"}, "lack_companionship"),
    ],
)
def test_a_missing_or_out_of_range_answer_is_a_400_naming_the_item(citizen, worker, answers, item):
    body = _body(citizen, **answers)
    body["answers"] = {k: v for k, v in body["answers"].items() if v is not None}
    response = _client(worker).post(URL, body, format="json")
    assert response.status_code == 400
    assert item in response.json()["answers"]
    assert not Screening.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"citizen": "not-a-uuid"}, "citizen"),
        ({"citizen": str(uuid.uuid4())}, "citizen"),
        ({"answers": [1, 2, 3]}, "answers"),
        ({"setting": "bus"}, "setting"),
        ({"direct_question": "always"}, "direct_question"),
    ],
)
def test_other_bad_input_is_a_400_naming_the_field(citizen, worker, change, field):
    response = _client(worker).post(URL, {**_body(citizen), **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_a_citizen_on_another_team_cannot_be_screened(worker):
    stranger = home_care_citizen(team=TeamFactory(home_care=True))
    response = _client(worker).post(URL, _body(stranger), format="json")
    assert response.status_code == 400
    assert "citizen" in response.json()


def test_a_draft_via_the_api_has_no_score_and_is_finished_with_its_id(citizen, worker):
    client = _client(worker)
    draft = client.post(
        URL,
        {"citizen": str(citizen.pk), "answers": {"left_out": 3}, "draft": True},
        format="json",
    ).json()
    assert draft["is_draft"] is True
    assert draft["score"] is None
    assert draft["triage"] is None

    done = client.post(URL, {**_body(citizen), "draft_id": draft["id"]}, format="json")
    assert done.status_code == 201
    assert done.json()["id"] == draft["id"]
    assert Screening.objects.count() == 1


def test_a_resend_with_the_same_key_is_200_and_saves_nothing_new(citizen, worker):
    body = {**_body(citizen), "idempotency_key": str(uuid.uuid4())}
    first = _client(worker).post(URL, body, format="json")
    again = _client(worker).post(URL, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Screening.objects.count() == 1


@pytest.mark.parametrize("role", ["coordinator", "referrer", "admin"])
def test_roles_that_do_not_screen_get_403(team, citizen, role):
    user = UserFactory(role=role, team=team)
    assert _client(user).post(URL, _body(citizen), format="json").status_code == 403
    assert _client(user).get(URL).status_code == 403


def test_anonymous_callers_get_401():
    assert APIClient().post(URL, {}, format="json").status_code == 401


def test_the_list_shows_the_callers_citizens_only(team, citizen, worker):
    _client(worker).post(URL, _body(citizen), format="json")
    other_team = TeamFactory(home_care=True)
    other = UserFactory(home_care=True, team=other_team)
    assert _client(worker).get(URL).json()["count"] == 1
    assert _client(other).get(URL).json()["count"] == 0


def test_a_screenings_queries_do_not_grow_with_the_citizens_open_tasks(
    team, citizen, worker, django_assert_num_queries
):
    from followups.constants import TaskKind
    from tests.followups.factories import make_task

    client = _client(worker)
    client.post(URL, _body(citizen), format="json")  # a colour, its next step and a state now

    def send():
        body = {**_body(citizen, left_out=3), "idempotency_key": str(uuid.uuid4())}
        response = client.post(URL, body, format="json")
        assert response.status_code == 201, response.json()

    # 1 the citizen with the home-care team, 2 the idempotency key, 3 savepoint, 4 the
    # questionnaire in use, 5 the team's triage scheme (its own, else the default), 6 its colours,
    # 7-8 the screening (and logged), 9 the citizen's open case (once: for the colour's next step
    # and for the timeline), 10 the citizen locked, 11 the colour now, 12-13 it goes into the
    # history (and logged), 14-15 the new colour (and logged), 16 the score before (the quality
    # check), 17 the open "screen again" and next steps in one query, 18-22 the earlier next step
    # replaced, 23-26 the new next step, 27 savepoint released
    with django_assert_num_queries(27):
        send()
    for _ in range(3):
        make_task(assignee=worker, citizen=citizen, team=team, kind=TaskKind.RESCREEN, due_in=40)
    # Each "screen again" the screening answers is done (5 queries), but none is looked for alone.
    with django_assert_num_queries(27 + 3 * 5):
        send()
