"""Screening input a person could get wrong, or a configuration an admin could get wrong: each is a
message naming what is wrong, never a 500, never a half-written screening."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from followups.models import Task
from screening.models import Instrument, Screening, TeamScreeningSettings, TriageScheme
from tests.screening.factories import home_care_citizen

pytestmark = pytest.mark.django_db

URL = "/api/v1/screenings/"


@pytest.fixture
def citizen(team):
    return home_care_citizen(team=team)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _body(citizen, **extra):
    answers = {"lack_companionship": 3, "left_out": 3, "isolated": 3}
    return {"citizen": str(citizen.pk), "answers": answers, **extra}


# --- A colour set by hand ------------------------------------------------------------------------


def test_a_colour_by_hand_cannot_override_the_score_of_a_score_based_scheme(citizen, worker):
    # given the default scheme (Trafiklys), whose colours follow the score
    # when the caller sends 3/3/3 and asks for green
    response = _api(worker).post(URL, _body(citizen, triage="green"), format="json")

    # then it is refused, naming the field, and nothing is saved
    assert response.status_code == 400, response.json()
    assert response.json()["triage"]
    assert not Screening.objects.exists()
    assert not Task.objects.exists()


def test_a_scheme_whose_colours_are_set_by_hand_takes_the_colour(team, citizen, worker):
    TeamScreeningSettings.objects.create(
        team=team, scheme=TriageScheme.objects.get(name="Arbejdsgang")
    )

    response = _api(worker).post(URL, _body(citizen, triage="purple"), format="json")

    assert response.status_code == 201, response.json()
    assert response.json()["triage"]["code"] == "purple"


def test_without_a_triage_the_score_decides(citizen, worker):
    response = _api(worker).post(URL, _body(citizen), format="json")
    assert response.status_code == 201
    assert response.json()["triage"]["code"] == "red"


# --- When screened -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "screened_at",
    [
        lambda: "0001-01-01T00:00:00Z",
        lambda: (timezone.now() - timedelta(days=400)).isoformat(),
        lambda: (timezone.now() + timedelta(hours=1)).isoformat(),
    ],
    ids=["year-1", "400-days-ago", "an-hour-ahead"],
)
def test_a_screening_date_far_in_the_past_or_in_the_future_is_a_400(citizen, worker, screened_at):
    response = _api(worker).post(URL, _body(citizen, screened_at=screened_at()), format="json")

    assert response.status_code == 400, response.json()
    assert "screened_at" in response.json()
    assert not Screening.objects.exists()
    assert not Task.objects.exists()


def test_a_tablet_that_synchronises_a_screening_from_last_week_is_fine(citizen, worker):
    screened_at = timezone.now() - timedelta(days=6)

    response = _api(worker).post(
        URL, _body(citizen, screened_at=screened_at.isoformat()), format="json"
    )

    assert response.status_code == 201, response.json()
    task = Task.objects.get()
    assert task.due == timezone.localtime(screened_at).date() + timedelta(days=7)


def test_a_tablet_clock_a_few_minutes_ahead_is_fine(citizen, worker):
    screened_at = timezone.now() + timedelta(minutes=8)
    response = _api(worker).post(
        URL, _body(citizen, screened_at=screened_at.isoformat()), format="json"
    )
    assert response.status_code == 201, response.json()


# --- Free text ----------------------------------------------------------------------------------


def test_observations_longer_than_5000_characters_are_a_400(citizen, worker):
    response = _api(worker).post(URL, _body(citizen, observations="x" * 5001), format="json")

    assert response.status_code == 400
    assert "observations" in response.json()
    assert not Screening.objects.exists()


def test_observations_of_5000_characters_are_kept(citizen, worker):
    response = _api(worker).post(URL, _body(citizen, observations="x" * 5000), format="json")
    assert response.status_code == 201


def test_a_long_note_when_referring_from_a_screening_is_a_message_not_a_referral(
    team, citizen, worker
):
    from referrals.models import Referral
    from tests.referrals.factories import bridge_team
    from tests.screening.factories import screen

    bridge_team()
    screening = screen(citizen=citizen, by=worker)
    url = f"/screening/borgere/{citizen.pk}/screeninger/{screening.pk}/henvis/"

    _web(worker).post(url, {"consent_given": "on", "note": "x" * 5001})

    assert not Referral.objects.exists()


# --- No 500s ------------------------------------------------------------------------------------


def test_a_nul_in_the_home_care_search_is_no_500(citizen, worker):
    response = _web(worker).get("/screening/", {"q": "Borger\x00"})
    # The NUL is left out (PostgreSQL refuses it in a query) and the rest is searched for.
    assert response.status_code == 200
    assert response.context["q"] == "Borger"
    assert [c.pk for c in response.context["page"]] == [citizen.pk]


def test_a_draft_id_that_is_not_an_id_is_a_404(citizen, worker):
    response = _web(worker).get(f"/screening/borgere/{citizen.pk}/screen/", {"kladde": "abc"})
    assert response.status_code == 404


@pytest.fixture
def no_active_instrument():
    # An instrument never put in use (screening never stops while versions are switched).
    Instrument.objects.update(status="retired")


def test_the_api_says_clearly_when_no_instrument_is_in_use(citizen, worker, no_active_instrument):
    response = _api(worker).post(URL, _body(citizen), format="json")

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "no_instrument"
    assert body["detail"] == (
        "Ingen version af spørgeskemaet er i brug, så der kan ikke laves en screening. "
        "Bed en administrator om at tage en i brug."
    )
    assert not Screening.objects.exists()


def test_the_tablet_page_says_clearly_when_no_instrument_is_in_use(
    citizen, worker, no_active_instrument
):
    response = _web(worker).get(f"/screening/borgere/{citizen.pk}/screen/", follow=True)

    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages, "the person is told why they cannot screen"


def test_a_draft_made_before_the_instrument_was_retired_can_still_be_finished(citizen, worker):
    draft = (
        _api(worker)
        .post(
            URL,
            {"citizen": str(citizen.pk), "answers": {"left_out": 3}, "draft": True},
            format="json",
        )
        .json()
    )
    Instrument.objects.update(status="retired")

    page = _web(worker).get(f"/screening/borgere/{citizen.pk}/screen/", {"kladde": draft["id"]})
    done = _api(worker).post(URL, {**_body(citizen), "draft_id": draft["id"]}, format="json")

    assert page.status_code == 200
    assert done.status_code == 201


def test_the_api_says_clearly_when_no_triage_scheme_is_the_default(citizen, worker):
    TriageScheme.objects.update(is_default=False)

    response = _api(worker).post(URL, _body(citizen), format="json")

    assert response.status_code == 409
    assert response.json()["code"] == "no_triage_scheme"
    assert not Screening.objects.exists()
