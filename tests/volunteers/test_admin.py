"""Volunteers changed in the Django admin go through the volunteer services, like the
coordinators' pages: the place is geocoded, the certificate's renewal date follows the date it
was seen, the status moves only by its allowed steps, and each change is in the audit trail.
What a service refuses is a form error, and nothing of the change is saved."""

from datetime import date, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone

from accounts.models import User
from audit.constants import AuditAction
from audit.models import AuditEvent
from matching.services import match_propose
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_volunteer
from volunteers.constants import VolunteerStatus
from volunteers.models import Volunteer
from volunteers.services import VETTING_FIELDS, VOLUNTEER_FIELDS

pytestmark = pytest.mark.django_db

ODENSE_C = (55.3959, 10.3883)
ODENSE_V = (55.3925, 10.3300)


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture
def root(client):
    user = User.objects.create_superuser("root", "root@example.invalid", "x-long-password")
    client.force_login(user)
    return user


def _post_data(values: dict) -> dict:
    data = {}
    for name, value in values.items():
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is None:
            data[name] = ""
        elif value is True:
            data[name] = "on"
        elif isinstance(value, date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def _volunteer_form(volunteer, **changes) -> dict:
    """The change form as the admin shows it for the volunteer, with `changes` made."""
    values = {f: getattr(volunteer, f) for f in [*VOLUNTEER_FIELDS, *VETTING_FIELDS]}
    values |= {
        # read-only in the admin, but an old page or a hand-made POST may still send them
        "team": volunteer.team_id,
        "status": volunteer.status,
        "left_reason": volunteer.left_reason,
        "left_on": volunteer.left_on,
        "vetting_renewal_due": volunteer.vetting_renewal_due,
    }
    return _post_data(values | changes)


def _url(volunteer) -> str:
    return f"/django-admin/volunteers/volunteer/{volunteer.pk}/change/"


def _form_errors(response) -> dict:
    return response.context["adminform"].form.errors


def _renewal(seen: date) -> date:
    return seen + relativedelta(years=2)  # BROBYG_VETTING_RENEWAL_YEARS


def _audited_fields(*, actor, volunteer) -> list[list[str]]:
    return [
        event.fields
        for event in AuditEvent.objects.filter(
            actor=actor, action=AuditAction.UPDATE, object_id=str(volunteer.pk)
        )
    ]


def test_a_volunteer_added_in_the_admin_is_located_vetted_and_audited(client, root):
    team = coordination_team()
    seen = timezone.localdate() - timedelta(days=10)
    assert client.get("/django-admin/volunteers/volunteer/add/").status_code == 200

    response = client.post(
        "/django-admin/volunteers/volunteer/add/",
        _post_data(
            {
                "team": team.pk,
                "first_name": "Vera",
                "last_name": "Holm",
                "email": "vera@example.invalid",
                "postcode": "5000",
                "roles": ["visiting_friend", "phone_friend"],
                "interests": ["cards"],
                "languages": ["da"],
                "slots": [4, 7],
                "capacity": 2,
                "status": VolunteerStatus.APPLICANT,
                "vetting_kind": "criminal_record",
                "vetting_requested_on": seen - timedelta(days=5),
                "vetting_seen_on": seen,
            }
        ),
    )

    assert response.status_code == 302, _form_errors(response)
    vera = Volunteer.objects.get(first_name="Vera")
    assert (vera.latitude, vera.longitude) == ODENSE_C
    assert vera.vetting_renewal_due == _renewal(seen)
    assert vera.vetting_valid()
    assert (vera.roles, vera.slots, vera.status) == (
        ["visiting_friend", "phone_friend"],
        [4, 7],
        VolunteerStatus.APPLICANT,
    )
    assert AuditEvent.objects.filter(
        actor=root, action=AuditAction.CREATE, object_id=str(vera.pk)
    ).exists()


def test_a_certificate_recorded_in_the_admin_gets_its_renewal_date(client, root):
    # given: an applicant whose certificate has not been seen yet
    volunteer = make_volunteer(status=VolunteerStatus.APPLICANT, vetted=False)
    assert volunteer.vetting_renewal_due is None
    seen = timezone.localdate() - timedelta(days=3)

    # when: the certificate is recorded, and the volunteer has moved to Odense V
    response = client.post(
        _url(volunteer),
        _volunteer_form(
            volunteer,
            vetting_requested_on=seen - timedelta(days=14),
            vetting_seen_on=seen,
            vetting_note="Ingen anmærkninger.",
            postcode="5200",
        ),
    )

    # then
    assert response.status_code == 302, _form_errors(response)
    volunteer.refresh_from_db()
    assert volunteer.vetting_renewal_due == _renewal(seen)
    assert volunteer.vetting_state == "valid"
    assert (volunteer.latitude, volunteer.longitude) == ODENSE_V
    fields = _audited_fields(actor=root, volunteer=volunteer)
    assert ["postcode"] in fields
    assert [
        "vetting_requested_on",
        "vetting_seen_on",
        "vetting_note",
        "vetting_renewal_due",
    ] in fields


def test_a_renewal_date_typed_in_the_admin_is_not_taken(client, root):
    volunteer = make_volunteer(status=VolunteerStatus.APPLICANT, vetted=False)

    response = client.post(
        _url(volunteer),
        _volunteer_form(volunteer, vetting_renewal_due=date(2099, 1, 1), latitude="1.0"),
    )

    assert response.status_code == 302, _form_errors(response)
    volunteer.refresh_from_db()
    assert volunteer.vetting_renewal_due is None
    assert not volunteer.vetting_valid()
    page = client.get(_url(volunteer)).content.decode()
    for name in ("vetting_renewal_due", "latitude", "left_reason", "left_on", "load"):
        assert f'name="{name}"' not in page


def test_a_certificate_the_service_refuses_is_a_form_error_and_nothing_is_saved(client, root):
    volunteer = make_volunteer(status=VolunteerStatus.APPLICANT, vetted=False, last_name="Holm")
    today = timezone.localdate()

    # seen before it was asked for; the name changes in the same save
    response = client.post(
        _url(volunteer),
        _volunteer_form(
            volunteer,
            last_name="Holm-Jensen",
            vetting_requested_on=today - timedelta(days=2),
            vetting_seen_on=today - timedelta(days=5),
        ),
    )

    assert response.status_code == 200
    assert "vetting_seen_on" in _form_errors(response)
    volunteer.refresh_from_db()
    assert (volunteer.last_name, volunteer.vetting_seen_on, volunteer.vetting_renewal_due) == (
        "Holm",
        None,
        None,
    )
    assert not AuditEvent.objects.filter(actor=root, content_type__app_label="volunteers").exists()


def test_the_status_moves_by_its_steps_through_the_service(client, root):
    volunteer = make_volunteer(status=VolunteerStatus.APPLICANT)

    # an applicant is approved before being active
    response = client.post(_url(volunteer), _volunteer_form(volunteer, status="active"))

    assert response.status_code == 200
    assert "status" in _form_errors(response)
    assert Volunteer.objects.get(pk=volunteer.pk).status == VolunteerStatus.APPLICANT

    response = client.post(_url(volunteer), _volunteer_form(volunteer, status="approved"))

    assert response.status_code == 302, _form_errors(response)
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPROVED
    assert ["status"] in _audited_fields(actor=root, volunteer=volunteer)


def test_a_volunteer_who_leaves_in_the_admin_is_given_a_reason(client, root):
    volunteer = make_volunteer(status=VolunteerStatus.ACTIVE)

    # without a reason: the form again, nothing changed
    response = client.post(_url(volunteer), _volunteer_form(volunteer, status="left"))

    assert response.status_code == 200
    assert "reason" in _form_errors(response)
    assert Volunteer.objects.get(pk=volunteer.pk).status == VolunteerStatus.ACTIVE

    # with one
    response = client.post(
        _url(volunteer), _volunteer_form(volunteer, status="left", reason="Flytter til Aarhus")
    )

    assert response.status_code == 302, _form_errors(response)
    volunteer.refresh_from_db()
    assert (volunteer.status, volunteer.left_reason, volunteer.left_on) == (
        VolunteerStatus.LEFT,
        "Flytter til Aarhus",
        timezone.localdate(),
    )
    assert ["status", "left_reason", "left_on"] in _audited_fields(actor=root, volunteer=volunteer)


def test_a_volunteer_with_matches_is_not_deleted_and_one_without_can_go(client, root):
    # given: a volunteer proposed to a citizen
    vera = make_volunteer()
    builder = UserFactory(bridge_builder=True)
    match_propose(case=make_referral().referral.case, volunteer=vera, actor=builder)

    # then: not deleted in the admin, one or many at a time (they leave, by their status)
    assert client.get(f"/django-admin/volunteers/volunteer/{vera.pk}/delete/").status_code == 403
    listing = client.get("/django-admin/volunteers/volunteer/").content.decode()
    assert "delete_selected" not in listing

    # an applicant registered by mistake can be deleted, with an audit row
    mistake = make_volunteer(status=VolunteerStatus.APPLICANT, vetted=False)

    response = client.post(
        f"/django-admin/volunteers/volunteer/{mistake.pk}/delete/", {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Volunteer.objects.filter(pk=mistake.pk).exists()
    assert AuditEvent.objects.filter(
        actor=root, action=AuditAction.DELETE, object_id=str(mistake.pk)
    ).exists()
