"""An answer in Danish is Danish throughout: DRF's own messages, Django's and Brobyg's.

Brobyg is Danish first (core.middleware.LanguageMiddleware): without a language cookie every
answer is in Danish, whatever the browser or the client's Accept-Language says. DRF's Danish
catalogue lacks some of its newer messages; Brobyg's catalogue supplies them (see
core.api.drf_messages).
"""

import gettext
import uuid
from pathlib import Path

import pytest
import rest_framework
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from core.api.drf_messages import DRF_MESSAGES
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team
from tests.screening.factories import home_care_citizen

pytestmark = pytest.mark.django_db


def _api(user, language="da") -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    client.force_authenticate(user)
    return client


def _danish(text: str, *words: str) -> bool:
    return any(word in text.lower() for word in words)


def test_every_drf_message_its_danish_catalogue_lacks_is_listed_for_brobyg():
    folder = Path(rest_framework.__file__).parent / "locale" / "da" / "LC_MESSAGES"
    with (folder / "django.mo").open("rb") as mo:
        drf_danish = gettext.GNUTranslations(mo)._catalog
    for message in ["Must be a valid boolean.", "Must be a valid UUID."]:
        if message not in drf_danish:
            assert message in DRF_MESSAGES


def test_drf_messages_are_danish():
    """Needs the Danish of "Must be a valid UUID." and "Must be a valid boolean." in
    locale/da/LC_MESSAGES/django.po."""
    with translation.override("da"):
        for message in ["Must be a valid boolean.", "Must be a valid UUID."]:
            assert translation.gettext(message) != message, f"not in Danish: {message}"


def test_bad_input_to_the_api_is_answered_in_danish():
    """Needs the Danish of DRF's "Must be a valid UUID." and "Must be a valid boolean." and of
    Brobyg's "No citizen you may screen has this id." and "No bridge-builders' team has this
    id." in locale/da/LC_MESSAGES/django.po."""
    team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=team)
    gp = UserFactory(referrer=True)
    bridge_team()

    # DRF's own field messages.
    body = (
        _api(worker)
        .post(
            "/api/v1/screenings/",
            {"citizen": "x", "answers": {}, "draft": "perhaps"},
            format="json",
        )
        .json()
    )
    assert _danish(body["citizen"][0], "gyldig"), body
    assert _danish(body["draft"][0], "gyldig"), body

    # Brobyg's own.
    body = (
        _api(worker)
        .post("/api/v1/screenings/", {"citizen": str(uuid.uuid4()), "answers": {}}, format="json")
        .json()
    )
    assert _danish(body["citizen"][0], "borger"), body
    payload = {
        "citizen": {"first_name": "Inger", "last_name": "Madsen", "birth_date": "1941-03-14"},
        "source": "gp",
        "reason": "Alene.",
        "consent": {"given": True, "method": "verbal"},
        "team": str(uuid.uuid4()),
    }
    body = _api(gp).post("/api/v1/referrals/", payload, format="json").json()
    assert _danish(body["team"][0], "brobygger", "team"), body


def test_an_english_browser_still_gets_danish():
    """Accept-Language does not choose the language; the language switcher does."""
    worker = UserFactory(home_care=True, team=TeamFactory(home_care=True))
    body = _api(worker, language="en").post("/api/v1/screenings/", {}, format="json").json()
    assert body["citizen"] == ["Dette felt er påkrævet."]


def test_new_validation_messages_are_danish():
    """Needs the Danish of Brobyg's date and screening messages (core.validators,
    screening.services) in locale/da/LC_MESSAGES/django.po."""
    team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=team)
    citizen = home_care_citizen(team=team)
    gp = UserFactory(referrer=True)
    bridge_team()

    payload = {
        "citizen": {"first_name": "Inger", "last_name": "Madsen", "birth_date": "1899-12-31"},
        "source": "gp",
        "reason": "Alene.",
        "consent": {"given": True, "method": "verbal"},
    }
    body = _api(gp).post("/api/v1/referrals/", payload, format="json").json()
    assert _danish(body["citizen"]["birth_date"][0], "før", "fødselsdato"), body

    answers = {"lack_companionship": 3, "left_out": 3, "isolated": 3}
    body = (
        _api(worker)
        .post(
            "/api/v1/screenings/",
            {"citizen": str(citizen.pk), "answers": answers, "triage": "green"},
            format="json",
        )
        .json()
    )
    assert _danish(body["triage"][0], "ikke", "score"), body
    assert "follows the score" not in body["triage"][0], body

    body = (
        _api(worker)
        .post(
            "/api/v1/screenings/",
            {"citizen": str(citizen.pk), "answers": answers, "screened_at": "2001-01-01T10:00:00Z"},
            format="json",
        )
        .json()
    )
    assert _danish(body["screened_at"][0], "år", "ikke"), body


def test_the_web_forms_answer_in_danish():
    """A Django form message (translated by Django) and Brobyg's own on the same page."""
    gp = UserFactory(referrer=True)
    bridge_team()
    client = Client()
    client.force_login(gp)

    response = client.post(
        "/henvisninger/ny/",
        {
            "first_name": "Inger",
            "last_name": "Madsen",
            "birth_date": "1899-12-31",
            "email": "inger",
            "reason": "",
        },
    )

    errors = response.context["form"].errors
    assert errors["email"] == ["Angiv en gyldig e-mailadresse."]
    assert errors["reason"] == ["Beskriv årsagen til henvisningen."]
    assert _danish(errors["birth_date"][0], "før", "fødselsdato"), errors
