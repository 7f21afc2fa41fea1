"""Coordinators' forms and searches: free texts have a limit, a NUL in a search is no 500."""

import pytest
from django.test import Client

from matching.forms import FirstMeetingForm, MatchEndForm, MatchProfileForm
from offers.forms import OfferForm
from tests.accounts.factories import UserFactory
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer
from volunteers.forms import VettingForm, VolunteerForm

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator():
    load_postcodes()
    team = coordination_team()
    make_offer(team=team, title="Gå-klubben")
    return UserFactory(coordinator=True, team=team)


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url", ["/koordinering/tilbud/", "/frivillige/", "/tilbud/", "/api/v1/offers/"]
)
def test_a_nul_in_a_search_is_no_500(coordinator, url):
    response = _web(coordinator).get(url, {"q": "Gå\x00"})

    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (OfferForm, "description"),
        (MatchProfileForm, "wishes"),
        (MatchEndForm, "note"),
        (VolunteerForm, "note"),
        (VettingForm, "vetting_note"),
    ],
)
def test_free_texts_have_a_limit(form_class, field):
    form = form_class(data={field: "x" * 5001})

    form.is_valid()

    assert field in form.errors


def test_a_first_meeting_in_the_year_9999_is_named():
    form = FirstMeetingForm(data={"at": "9999-12-31T10:00"})

    form.is_valid()

    assert "at" in form.errors
