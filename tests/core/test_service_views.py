"""One road from a form to a service: a refusal from the service is shown on the form, on the
field it is about, and the view goes on to show the form again; what the service made comes
back to the view."""

from datetime import timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.forms import run_service
from core.models import UsedFormToken
from offers.models import UnmetNeed
from referrals.models import Referral
from referrals.services import case_close
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.referrals.public_form import self_referral_data
from tests.volunteers.factories import coordination_team, load_postcodes, make_volunteer
from volunteers.constants import VolunteerStatus
from volunteers.forms import VettingForm
from volunteers.models import VolunteerRequest
from volunteers.services import volunteer_record_vetting


class MeetingForm(forms.Form):
    at = forms.CharField()
    note = forms.CharField(required=False)


def _valid_form(**data) -> MeetingForm:
    form = MeetingForm({"at": "tirsdag", **data})
    assert form.is_valid()
    return form


def _refuse(error):
    def call(data):
        raise error

    return call


def test_what_the_service_made_comes_back_and_the_form_stays_clean():
    form = _valid_form(note="Bente går med")

    made = run_service(form, lambda data: {"saved": data})

    assert made == {"saved": {"at": "tirsdag", "note": "Bente går med"}}
    assert form.errors == {}


def test_a_refusal_about_a_field_of_the_form_is_shown_on_that_field():
    form = _valid_form()

    made = run_service(form, _refuse(ValidationError({"at": "Mødet skal ligge i fremtiden."})))

    assert made is None
    assert form.errors == {"at": ["Mødet skal ligge i fremtiden."]}
    assert not form.is_valid()


def test_a_refusal_under_the_service_s_own_name_is_shown_on_the_form_s_field():
    form = _valid_form()

    run_service(
        form,
        _refuse(ValidationError({"first_meeting_at": "Mødet skal ligge i fremtiden."})),
        aliases={"first_meeting_at": "at"},
    )

    assert form.errors == {"at": ["Mødet skal ligge i fremtiden."]}


@pytest.mark.parametrize(
    "error",
    [
        ValidationError("Sagen er lukket."),
        ValidationError({"case": "Sagen er lukket."}),  # a field the form does not have
    ],
)
def test_any_other_refusal_is_shown_above_the_form(error):
    form = _valid_form()

    made = run_service(form, _refuse(error))

    assert made is None
    assert form.non_field_errors() == ["Sagen er lukket."]


def test_an_error_that_is_not_a_refusal_is_not_hidden():
    form = _valid_form()

    with pytest.raises(KeyError):
        run_service(form, lambda data: data["missing"])


def test_a_service_that_returns_nothing_cannot_pass_for_a_refusal():
    form = _valid_form()

    with pytest.raises(TypeError):
        run_service(form, lambda data: None)

    assert form.errors == {}


@pytest.mark.django_db
def test_a_real_service_s_refusal_lands_on_the_field_it_is_about():
    load_postcodes()
    volunteer = make_volunteer(vetted=False)
    future = timezone.localdate() + timedelta(days=3)
    form = VettingForm(
        {"vetting-vetting_kind": "criminal_record", "vetting-vetting_seen_on": future},
        prefix="vetting",
    )
    assert form.is_valid()

    made = run_service(
        form,
        lambda data: volunteer_record_vetting(volunteer=volunteer, data=data, actor=None),
    )

    assert made is None
    assert list(form.errors) == ["vetting_seen_on"]


@pytest.mark.django_db
def test_a_view_shows_the_refusal_on_the_form_and_saves_nothing(client):
    # given: a coordinator and a volunteer of their centre
    load_postcodes()
    team = coordination_team()
    coordinator = UserFactory(coordinator=True, team=team)
    volunteer = make_volunteer(team=team, vetted=False)
    client.force_login(coordinator)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()

    # when: the vetting is dated in the future, which the service refuses
    response = client.post(
        reverse("volunteers:vetting", args=[volunteer.pk]),
        {"vetting-vetting_kind": "criminal_record", "vetting-vetting_seen_on": future},
    )

    # then: the page comes back with the error on the date, and nothing is recorded
    assert response.status_code == 400
    assert list(response.context["vetting_form"].errors) == ["vetting_seen_on"]
    volunteer.refresh_from_db()
    assert volunteer.vetting_seen_on is None


# --- Views whose refusals no other test reaches -------------------------------------------------


@pytest.mark.django_db
def test_a_self_referral_no_team_can_receive_is_refused_and_keeps_its_token(client):
    # given: no bridge-builders' team receives referrals yet
    data = self_referral_data()

    # when
    response = client.post(reverse("referrals:self_referral"), data)

    # then: the form says so, nothing is stored, and the token may be sent again later
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Der er endnu ikke noget brobyggerteam, der modtager henvisninger."
    ]
    assert not Referral.objects.exists()
    assert not UsedFormToken.objects.exists()


@pytest.mark.django_db
def test_a_volunteer_who_leaves_without_a_reason_is_refused_on_the_reason(client):
    load_postcodes()
    team = coordination_team()
    client.force_login(UserFactory(coordinator=True, team=team))
    volunteer = make_volunteer(team=team)

    response = client.post(
        reverse("volunteers:status", args=[volunteer.pk]),
        {"status-status": VolunteerStatus.LEFT, "status-reason": ""},
    )

    assert response.status_code == 400
    assert list(response.context["status_form"].errors) == ["reason"]
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.ACTIVE


@pytest.mark.django_db
def test_a_citizen_already_waiting_is_refused_on_the_role(client):
    load_postcodes()
    team = bridge_team()
    client.force_login(UserFactory(bridge_builder=True, team=team))
    case = make_referral(team=team).referral.case
    url = reverse("matching:request_add", args=[case.pk])
    data = {"request-role": "visiting_friend", "request-note": ""}

    first = client.post(url, data)
    again = client.post(url, data)

    assert first.status_code == 302
    assert again.status_code == 400
    assert again.context["request_form"].errors == {"role": ["Borgeren venter allerede på dette."]}
    assert VolunteerRequest.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("htmx", "status"), [(False, 400), (True, 200)])
def test_a_need_on_a_closed_case_is_refused_above_the_form(client, htmx, status):
    # given: a case that was closed while its page was open
    load_postcodes()
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team)
    case = make_referral(team=team).referral.case
    case_close(case=case, reason="moved", actor=builder)
    client.force_login(builder)

    # when
    response = client.post(
        reverse("offers:unmet_need_record", args=[case.pk]),
        {"need-category": "culture", "need-wanted": "Et kor"},
        **({"HTTP_HX_REQUEST": "true"} if htmx else {}),
    )

    # then: the form comes back with the refusal above it (htmx swaps only a 2xx answer)
    assert response.status_code == status
    form = response.context["unmet"]["form"]
    assert form.non_field_errors() == [
        "Forløbet er afsluttet: et behov registreres på et åbent forløb."
    ]
    assert not UnmetNeed.objects.exists()
