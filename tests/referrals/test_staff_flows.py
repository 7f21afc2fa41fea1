"""What staff met going through Brobyg on a tablet: the referral form says every problem at once,
phone numbers are phone numbers, consent is recorded once, the caseload's count says what it
counts, and the case's next step goes forward."""

import re
from datetime import date, timedelta

import pytest
from django import forms
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import ngettext
from rest_framework.test import APIClient

from core.validators import PHONE_INVALID, validate_phone
from referrals import services
from referrals.constants import CaseStatus, ConsentPurpose
from referrals.forms import CitizenEditForm, ReferralForm, SelfReferralForm
from referrals.models import Citizen, ConsentRecord, Referral
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.referrals.public_form import self_referral_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne")


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team, lead=True)


@pytest.fixture
def gp_client(team):
    client = Client()
    client.force_login(UserFactory(referrer=True))
    return client


@pytest.fixture
def builder_client(builder):
    client = Client()
    client.force_login(builder)
    return client


def _da(text) -> str:
    with translation.override("da"):
        return str(text)


def _referral_form(**overrides):
    data = {
        "first_name": "Inger",
        "last_name": "Madsen",
        "birth_date": "1941-03-14",
        "phone": "+45 20 30 40 50",
        "postcode": "5000",
        "preferred_language": "da",
        "source": "gp",
        "reason": "Alene siden mandens død",
        "urgency": "normal",
        "consent_given": "on",
        "consent_method": "verbal",
        "consent_given_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- One submit says every problem, each on its field --------------------------------------------


def test_one_submit_of_the_gp_form_names_every_problem_each_on_its_field(gp_client):
    # given a referral with an impossible CPR number, a phone that is no number, no consent
    # and no reason
    data = _referral_form(cpr="310250-1234", phone="abc", reason="", consent_given=None)

    # when the GP sends it once
    response = gp_client.post("/henvisninger/ny/", data)

    # then all four are named, each on its own field, and nothing is saved
    errors = response.context["form"].errors
    assert {"cpr", "phone", "consent_given", "reason"} <= set(errors), errors
    assert errors["phone"] == [_da(PHONE_INVALID)]
    assert not Citizen.objects.exists()


def test_a_cpr_number_of_another_birth_date_is_named_with_the_other_problems(gp_client):
    data = _referral_form(cpr="140341-1234", birth_date="1941-03-15", reason="")

    errors = gp_client.post("/henvisninger/ny/", data).context["form"].errors

    assert {"birth_date", "reason"} <= set(errors), errors


def test_consent_given_in_the_future_is_named_with_the_other_problems(gp_client):
    tomorrow = timezone.localtime() + timedelta(days=1)
    data = _referral_form(consent_given_at=tomorrow.strftime("%Y-%m-%dT%H:%M"), reason="")

    errors = gp_client.post("/henvisninger/ny/", data).context["form"].errors

    assert {"consent_given_at", "reason"} <= set(errors), errors


def test_no_field_of_the_gp_form_says_only_that_it_is_required(gp_client):
    generic = _da(forms.Field.default_error_messages["required"])

    # (a form sent empty but for the tick boxes a browser leaves out)
    response = gp_client.post("/henvisninger/ny/", {"first_name": ""})

    errors = response.context["form"].errors
    assert {"first_name", "last_name", "birth_date", "reason", "consent_given"} <= set(errors)
    for field, messages in errors.items():
        assert generic not in messages, field
    assert generic not in response.content.decode()


def test_the_public_form_names_what_is_missing(client):
    generic = _da(forms.Field.default_error_messages["required"])
    data = self_referral_data(first_name="", last_name="", birth_date="", reason="")

    response = client.post("/henvis/", data)

    errors = response.context["form"].errors
    assert {"first_name", "last_name", "birth_date", "reason"} <= set(errors)
    assert generic not in response.content.decode()


# --- Phone numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phone",
    [
        "20304050",
        "20 30 40 50",
        "+45 20 30 40 50",
        "+4520304050",
        "+46 70-123 45 67",
        "(66) 12-34-56",
    ],
)
def test_a_phone_number_as_people_write_it_is_fine(phone):
    validate_phone(phone)


@pytest.mark.parametrize(
    "phone",
    ["abc", "2030 405", "203040501", "+45 2030 405", "20-30-40-50 ring efter 16", "20+304050", "+"],
)
def test_what_is_no_phone_number_is_refused(phone):
    with pytest.raises(forms.ValidationError) as refused:
        validate_phone(phone)
    assert refused.value.code == "phone"


@pytest.mark.parametrize(
    "form_class, field, extra",
    [
        (ReferralForm, "phone", {}),
        (SelfReferralForm, "phone", {}),
        (SelfReferralForm, "referrer_phone", {"who": "relative", "referrer_name": "Ib"}),
    ],
)
def test_the_referral_forms_refuse_a_phone_that_is_no_number(form_class, field, extra):
    form = form_class(data={**self_referral_data(**extra), **_referral_form(), field: "abc"})

    form.is_valid()

    assert form.errors.get(field) == [_da(PHONE_INVALID)]


def test_the_citizen_edit_form_refuses_a_phone_that_is_no_number(team):
    citizen = make_referral(team=team).referral.citizen
    data = {**_referral_form(), "phone": "abc"}

    form = CitizenEditForm(data=data, citizen=citizen)

    assert not form.is_valid()
    assert list(form.errors) == ["phone"]


def test_the_api_refuses_a_phone_that_is_no_number_inside_citizen(team):
    api = APIClient()
    api.force_authenticate(UserFactory(referrer=True))
    payload = {
        "citizen": {
            "first_name": "Inger",
            "last_name": "Madsen",
            "birth_date": "1941-03-14",
            "phone": "abc",
        },
        "source": "gp",
        "reason": "Alene.",
        "consent": {"given": True, "method": "verbal"},
    }

    response = api.post("/api/v1/referrals/", payload, format="json")

    assert response.status_code == 400, response.json()
    assert response.json() == {"citizen": {"phone": [_da(PHONE_INVALID)]}}
    assert not Referral.objects.exists()


# --- Consent is recorded once -------------------------------------------------------------------


def _active(citizen, purpose):
    return ConsentRecord.objects.active().filter(citizen=citizen, purpose=purpose).count()


def _consent_form_defaults(client, case) -> dict:
    """The consent form as a browser sends it untouched: each list at its initial value or its
    first choice."""
    form = client.get(f"/forloeb/{case.pk}/").context["consent_form"]
    return {
        f"consent-{name}": form[name].value() or field.choices[0][0]
        for name, field in form.fields.items()
    }


def test_saving_the_consent_form_with_its_defaults_adds_no_second_consent(team, builder_client):
    # given a referred citizen, whose consent to the referral is recorded with the referral
    case = make_referral(team=team).referral.case
    url = f"/forloeb/{case.pk}/samtykke/"

    # when the bridge-builder taps "Gem samtykke" as the form stands, and again as it then stands
    first = builder_client.post(url, _consent_form_defaults(builder_client, case))
    second = builder_client.post(url, _consent_form_defaults(builder_client, case))

    # then the first records the consent not yet given, and neither records any consent twice
    assert first.status_code == 302
    assert _active(case.citizen, ConsentPurpose.REFERRAL) == 1
    assert _active(case.citizen, ConsentPurpose.COMPANION) == 1
    # (with every consent given, the page says so and has no form to save)
    assert second.status_code == 400
    assert ConsentRecord.objects.active().filter(citizen=case.citizen).count() == 2


def test_the_consent_form_opens_on_a_consent_not_yet_given(team, builder_client):
    case = make_referral(team=team).referral.case

    form = builder_client.get(f"/forloeb/{case.pk}/").context["consent_form"]

    # the referral's consent is given with the referral: the form offers the next one
    assert form["purpose"].value() == ConsentPurpose.COMPANION
    assert not form.all_given


def test_the_consent_form_opens_on_sharing_with_a_match_not_yet_consented_to(
    team, builder, builder_client
):
    from matching.services import match_propose
    from tests.volunteers.factories import load_postcodes, make_volunteer

    load_postcodes()
    case = make_referral(team=team).referral.case
    volunteer = make_volunteer(roles=["phone_friend"], vetted=False)
    match_propose(case=case, volunteer=volunteer, role="phone_friend", actor=builder)

    form = builder_client.get(f"/forloeb/{case.pk}/").context["consent_form"]

    assert form["purpose"].value() == ConsentPurpose.SHARE_VOLUNTEER
    assert form["recipient"].value() == f"volunteer:{volunteer.pk}"

    # once the citizen agreed to share with that volunteer, the form goes on to the next one
    services.consent_give(
        citizen=case.citizen,
        purpose=ConsentPurpose.SHARE_VOLUNTEER,
        method="verbal",
        recipient=volunteer.full_name,
        recipient_id=volunteer.pk,
        actor=builder,
    )
    form = builder_client.get(f"/forloeb/{case.pk}/").context["consent_form"]
    assert form["purpose"].value() == ConsentPurpose.COMPANION


def test_with_every_consent_given_the_page_says_so_instead_of_offering_the_form(
    team, builder, builder_client
):
    case = make_referral(team=team).referral.case
    services.consent_give(
        citizen=case.citizen, purpose=ConsentPurpose.COMPANION, method="verbal", actor=builder
    )

    response = builder_client.get(f"/forloeb/{case.pk}/")

    html = response.content.decode()
    assert response.context["consent_form"].all_given
    assert 'data-testid="consents-all-given"' in html
    assert 'data-testid="consent-form"' not in html


def test_the_same_consent_twice_is_one_record_and_after_withdrawal_it_can_be_given_again(
    team, builder, builder_client
):
    case = make_referral(team=team).referral.case
    url = f"/forloeb/{case.pk}/samtykke/"
    companion = {"consent-purpose": "companion", "consent-method": "verbal"}

    assert builder_client.post(url, companion).status_code == 302
    assert builder_client.post(url, companion).status_code == 400
    assert _active(case.citizen, ConsentPurpose.COMPANION) == 1

    services.consent_withdraw(
        consent=ConsentRecord.objects.get(purpose=ConsentPurpose.COMPANION), actor=builder
    )
    assert builder_client.post(url, companion).status_code == 302
    assert _active(case.citizen, ConsentPurpose.COMPANION) == 1


def test_a_second_referral_still_records_its_own_consent(team):
    # A referral's consent is that referral's: the rule for the case page does not refuse it.
    born = date(1941, 3, 14)
    first = make_referral(team=team, cpr="140341-1234", birth_date=born).referral
    second = make_referral(team=team, cpr="140341-1234", birth_date=born).referral
    assert first.citizen_id == second.citizen_id
    assert first.consent_id != second.consent_id


# --- The caseload's count says what it counts ---------------------------------------------------


def _count_text(response) -> str:
    found = re.search(r'data-testid="result-count">([^<]*)<', response.content.decode())
    return found.group(1).strip()


def test_the_caseloads_count_follows_the_status_filter(team, builder, builder_client):
    for name in ("Anna", "Bo", "Carl"):
        case = make_referral(team=team, first_name=name).referral.case
        services.case_assign(case=case, assignee=builder, actor=builder)
        services.case_close(case=case, reason="declined", actor=builder)
    with translation.override("da"):
        open_words = ngettext("%(counter)s open case", "%(counter)s open cases", 3) % {"counter": 3}
        closed_words = ngettext("%(counter)s closed case", "%(counter)s closed cases", 3) % {
            "counter": 3
        }
        none_open = ngettext("%(counter)s open case", "%(counter)s open cases", 0) % {"counter": 0}
        cases = ngettext("%(counter)s case", "%(counter)s cases", 0) % {"counter": 0}

    closed = _count_text(builder_client.get("/forloeb/?status=closed"))
    assert closed == closed_words
    assert closed != open_words
    assert _count_text(builder_client.get("/forloeb/")) == none_open
    assert _count_text(builder_client.get("/forloeb/?status=screening")) == cases


# --- The next step goes forward -----------------------------------------------------------------


def _case_at(status, *, team, builder):
    case = make_referral(team=team).referral.case
    services.case_assign(case=case, assignee=builder, actor=builder)
    for step in (CaseStatus.CONTACTED, CaseStatus.SCREENING, CaseStatus.MATCHING):
        if case.status == status:
            break
        case = services.case_change_status(case=case, status=step, actor=builder)
    assert case.status == status
    return case


@pytest.mark.parametrize(
    "status, forward",
    [
        (CaseStatus.RECEIVED, [CaseStatus.CONTACTED]),
        (CaseStatus.SCREENING, [CaseStatus.MATCHING]),
        (CaseStatus.MATCHING, [CaseStatus.FOLLOWING_UP]),
    ],
)
def test_the_next_step_offers_only_forward_steps_and_says_what_each_does(
    team, builder, builder_client, status, forward
):
    case = _case_at(status, team=team, builder=builder)

    response = builder_client.get(f"/forloeb/{case.pk}/")

    offered = [value for value, _label in response.context["status_form"].fields["status"].choices]
    assert offered == forward
    page = response.content.decode()
    steps = response.context["next_steps"]
    assert [step.status for step in steps] == forward
    for step in steps:
        assert step.does and step.does in page


def test_a_step_back_is_not_taken_from_the_next_step_form(team, builder, builder_client):
    case = _case_at(CaseStatus.MATCHING, team=team, builder=builder)

    response = builder_client.post(
        f"/forloeb/{case.pk}/status/", {"status-status": CaseStatus.SCREENING}
    )

    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == CaseStatus.MATCHING
