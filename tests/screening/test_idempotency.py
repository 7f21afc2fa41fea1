"""A tablet sends a screening again when it never saw the answer (a lost connection, a sign-in in
between): the same idempotency key saves one screening and answers with the first one's result."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from followups.models import Task
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


def _body(citizen, key=None):
    return {
        "citizen": str(citizen.pk),
        "answers": {"lack_companionship": 3, "left_out": 3, "isolated": 2},
        "idempotency_key": str(key or uuid.uuid4()),
        # Made offline two hours ago; sent when the tablet had a connection and a sign-in.
        "screened_at": (timezone.now() - timedelta(hours=2)).isoformat(),
    }


def test_a_lost_answer_sent_again_gives_the_first_result_with_its_next_step(citizen, worker):
    # given: the screening reached the server, but the tablet never saw the answer
    body = _body(citizen)
    first = _client(worker).post(URL, body, format="json")
    assert first.status_code == 201, first.json()

    # when: the outbox sends it again
    again = _client(worker).post(URL, body, format="json")

    # then: the same screening, and everything the tablet shows of it: score, colour, next step
    assert again.status_code == 200, again.json()
    shown = ["id", "score", "triage", "next_step", "screened_at", "answers"]
    assert {k: again.json()[k] for k in shown} == {k: first.json()[k] for k in shown}
    assert again.json()["next_step"]["what"].startswith("Tilbyd en henvisning")
    assert Screening.objects.count() == 1
    assert Task.objects.filter(kind="triage_next_step").count() == 1


def test_a_colleague_on_the_team_sending_it_after_a_sign_in_gets_the_first_result(
    team, citizen, worker
):
    body = _body(citizen)
    first = _client(worker).post(URL, body, format="json")
    colleague = UserFactory(home_care=True, team=team)

    again = _client(colleague).post(URL, body, format="json")

    assert again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["next_step"] == first.json()["next_step"]
    screening = Screening.objects.get()
    assert screening.screened_by == worker


def test_someone_who_may_not_screen_the_citizen_is_refused_and_nothing_is_saved(citizen, worker):
    body = _body(citizen)
    stranger = UserFactory(home_care=True, team=TeamFactory(home_care=True))

    refused = _client(stranger).post(URL, body, format="json")

    assert refused.status_code == 400
    assert "citizen" in refused.json()
    assert not Screening.objects.exists()
    # The one who may still sends it once.
    assert _client(worker).post(URL, body, format="json").status_code == 201
    assert Screening.objects.count() == 1


def test_a_draft_sent_again_stays_one_draft(citizen, worker):
    body = {**_body(citizen), "draft": True}
    body["answers"] = {"lack_companionship": 2}
    first = _client(worker).post(URL, body, format="json")
    again = _client(worker).post(URL, body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert again.json()["next_step"] is None
    assert Screening.objects.filter(is_draft=True).count() == 1
