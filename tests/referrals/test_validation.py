"""Referral input a person could get wrong: a date of birth that cannot be, texts of any length,
and errors named where they are (inside `citizen` and `consent`), never a 500."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from referrals.forms import CitizenFieldsForm, ContactForm, NoteForm, ReferralForm, SelfReferralForm
from referrals.models import Citizen, Referral
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals/"


@pytest.fixture
def team():
    return bridge_team()


@pytest.fixture
def gp(team):
    return UserFactory(referrer=True)


def _api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _payload(**overrides):
    payload = {
        "citizen": {
            "first_name": "Inger",
            "last_name": "Madsen",
            "birth_date": "1941-03-14",
            "phone": "+45 20 30 40 50",
            "postcode": "5000",
        },
        "source": "gp",
        "reason": "Har været meget alene siden sin mands død.",
        "consent": {"given": True, "method": "verbal"},
    }
    payload.update(overrides)
    return payload


def _with_citizen(**fields):
    payload = _payload()
    payload["citizen"].update(fields)
    return payload


# --- Dates of birth -----------------------------------------------------------------------------

TOMORROW = (timezone.localdate() + timedelta(days=1)).isoformat()


@pytest.mark.parametrize("birth_date", ["0001-01-01", "1899-12-31", TOMORROW])
def test_a_date_of_birth_that_cannot_be_is_a_400_inside_citizen(team, gp, birth_date):
    response = _api(gp).post(URL, _with_citizen(birth_date=birth_date), format="json")

    assert response.status_code == 400, response.json()
    assert list(response.json()) == ["citizen"]
    assert response.json()["citizen"]["birth_date"]
    assert not Citizen.objects.exists()


def test_a_date_of_birth_in_1900_is_fine(team, gp):
    response = _api(gp).post(URL, _with_citizen(birth_date="1900-01-01"), format="json")
    assert response.status_code == 201, response.json()


@pytest.mark.parametrize("form_class", [ReferralForm, SelfReferralForm, CitizenFieldsForm])
@pytest.mark.parametrize("birth_date", ["0001-01-01", "1899-12-31", TOMORROW])
def test_the_referral_forms_name_a_date_of_birth_that_cannot_be(team, form_class, birth_date):
    form = form_class(data={"first_name": "Inger", "last_name": "Madsen", "birth_date": birth_date})

    form.is_valid()

    assert "birth_date" in form.errors


def test_the_professional_web_form_refuses_a_date_of_birth_of_year_1(team, gp):
    client = Client()
    client.force_login(gp)

    response = client.post(
        "/henvisninger/ny/",
        {
            "first_name": "Inger",
            "last_name": "Madsen",
            "birth_date": "0001-01-01",
            "preferred_language": "da",
            "source": "gp",
            "reason": "Alene.",
            "urgency": "normal",
            "consent_given": "on",
            "consent_method": "verbal",
            "consent_given_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        },
    )

    assert response.status_code in (200, 400)
    assert "birth_date" in response.context["form"].errors
    assert not Referral.objects.exists()


# --- Errors named where they are -----------------------------------------------------------------


def test_a_bad_cpr_number_is_named_inside_citizen(team, gp):
    response = _api(gp).post(URL, _with_citizen(cpr="310250-1234"), format="json")

    assert response.status_code == 400
    body = response.json()
    assert list(body) == ["citizen"]
    assert body["citizen"]["cpr"]


def test_a_cpr_number_that_does_not_fit_the_date_of_birth_is_named_inside_citizen(team, gp):
    response = _api(gp).post(
        URL, _with_citizen(cpr="140341-1234", birth_date="1941-03-15"), format="json"
    )

    assert response.status_code == 400
    assert response.json()["citizen"]["birth_date"]


def test_consent_given_in_the_future_is_named_inside_consent(team, gp):
    later = (timezone.now() + timedelta(days=2)).isoformat()
    payload = _payload(consent={"given": True, "method": "verbal", "given_at": later})

    response = _api(gp).post(URL, payload, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["consent"]
    assert response.json()["consent"]["given_at"]
    assert not Referral.objects.exists()


def test_without_consent_the_body_still_names_consent(team, gp):
    response = _api(gp).post(
        URL, _payload(consent={"given": False, "method": "verbal"}), format="json"
    )
    assert response.status_code == 400
    assert "consent" in response.json()


# --- Free text ----------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["reason", "citizen_wishes"])
def test_a_2_mb_text_is_a_400_naming_the_field(team, gp, field):
    response = _api(gp).post(URL, _payload(**{field: "x" * 2_000_000}), format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not Referral.objects.exists()


def test_a_reason_of_5000_characters_is_fine(team, gp):
    response = _api(gp).post(URL, _payload(reason="x" * 5000), format="json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("form_class", "field"),
    [
        (ReferralForm, "reason"),
        (ReferralForm, "citizen_wishes"),
        (SelfReferralForm, "reason"),
        (SelfReferralForm, "citizen_wishes"),
        (ContactForm, "note"),
        (NoteForm, "text"),
    ],
)
def test_the_referral_forms_limit_free_texts(team, form_class, field):
    form = form_class(data={field: "x" * 5001})

    form.is_valid()

    assert field in form.errors
    assert "5000" in " ".join(form.errors[field])


def test_a_case_note_of_2_mb_is_refused_on_the_case_page(team):
    builder = UserFactory(bridge_builder=True, team=team)
    case = make_referral(team=team).referral.case
    client = Client()
    client.force_login(builder)

    client.post(f"/forloeb/{case.pk}/notat/", {"text": "x" * 2_000_000})

    assert not case.notes.exists()


# --- Plan steps ---------------------------------------------------------------------------------


def test_a_plan_step_due_in_the_year_9999_is_refused(team):
    from django.core.exceptions import ValidationError

    from referrals.services import plan_step_add

    builder = UserFactory(bridge_builder=True, team=team)
    case = make_referral(team=team).referral.case
    with pytest.raises(ValidationError) as caught:
        plan_step_add(
            case=case,
            description="Ring til koret",
            responsible="Bo",
            actor=builder,
            due_date=timezone.localdate().replace(year=9999),
        )
    assert "due_date" in caught.value.message_dict


# --- Searches -----------------------------------------------------------------------------------


def test_a_nul_in_the_citizens_search_is_no_500(team):
    builder = UserFactory(bridge_builder=True, team=team)
    make_referral(team=team)
    response = _api(builder).get("/api/v1/citizens/", {"q": "Borger\x00"})
    assert response.status_code in (200, 400)
