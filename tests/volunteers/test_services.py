"""A volunteer from registration to leaving, through the services: the checks on what is
registered, the place, the certificate and its renewal date, the steps of the status, and the
audit row with each change."""

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.constants import AuditAction
from audit.models import AuditEvent
from matching.services import match_propose
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_volunteer
from volunteers.constants import VolunteerStatus
from volunteers.services import (
    volunteer_create,
    volunteer_record_vetting,
    volunteer_set_status,
    volunteer_update,
)

pytestmark = pytest.mark.django_db

ODENSE_C = (55.3959, 10.3883)
ODENSE_SO = (55.37, 10.455)


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture
def coordinator():
    team = coordination_team()
    user = UserFactory(coordinator=True, team=team)
    user.coordination_team = team
    return user


def _events(volunteer, actor, action=AuditAction.UPDATE) -> list[list[str]]:
    """The fields of each audit row the actor wrote about the volunteer, oldest first."""
    return list(
        AuditEvent.objects.filter(action=action, object_id=str(volunteer.pk), actor=actor)
        .order_by("created_at")
        .values_list("fields", flat=True)
    )


def _applicant(coordinator, **data):
    values = {
        "first_name": "Vera",
        "last_name": "Holm",
        "postcode": "5000",
        "roles": ["visiting_friend"],
    }
    return volunteer_create(
        team=coordinator.coordination_team, data=values | data, actor=coordinator
    )


def _refusal(excinfo) -> dict:
    return excinfo.value.message_dict


# --- Registering ---------------------------------------------------------------------------------


def test_a_volunteer_is_registered_as_an_applicant_where_their_postcode_is(coordinator):
    vera = _applicant(
        coordinator,
        first_name="  Vera ",
        roles=["visiting_friend", "phone_friend", "visiting_friend"],
        slots=["7", 4, 7],
        languages=["da", "en"],
    )

    assert vera.status == VolunteerStatus.APPLICANT
    assert vera.first_name == "Vera"
    assert vera.roles == ["visiting_friend", "phone_friend"]
    assert vera.slots == [4, 7]
    assert (vera.latitude, vera.longitude) == ODENSE_C
    assert (vera.team, vera.load, vera.vetting_renewal_due) == (
        coordinator.coordination_team,
        0,
        None,
    )
    assert _events(vera, coordinator, AuditAction.CREATE) == [[]]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"roles": []}, "roles"),
        ({"roles": ["gardener"]}, "roles"),
        ({"interests": ["skydiving"]}, "interests"),
        ({"languages": ["xx"]}, "languages"),
        ({"slots": [21]}, "slots"),
        ({"last_name": "  "}, "first_name"),
        ({"postcode": "50"}, "postcode"),
    ],
)
def test_what_cannot_be_registered_is_refused_and_nothing_is_saved(coordinator, data, field):
    with pytest.raises(ValidationError) as excinfo:
        _applicant(coordinator, **data)

    assert field in _refusal(excinfo)
    assert not coordinator.coordination_team.volunteers.exists()
    assert not AuditEvent.objects.filter(content_type__app_label="volunteers").exists()


def test_only_volunteer_fields_are_taken(coordinator):
    with pytest.raises(ValueError, match="status"):
        _applicant(coordinator, status=VolunteerStatus.ACTIVE)


# --- Changing ------------------------------------------------------------------------------------


def test_a_change_is_audited_by_the_fields_that_changed_and_a_new_postcode_is_located(
    coordinator,
):
    vera = _applicant(coordinator, phone="", capacity=1)

    vera = volunteer_update(
        volunteer=vera,
        data={"first_name": "Vera", "phone": "+45 22 33 44 55", "postcode": "5220"},
        actor=coordinator,
    )

    assert (vera.phone, vera.postcode) == ("+45 22 33 44 55", "5220")
    assert (vera.latitude, vera.longitude) == ODENSE_SO
    assert _events(vera, coordinator) == [["phone", "postcode"]]


def test_saving_without_a_change_writes_nothing(coordinator):
    vera = _applicant(coordinator)
    updated_at = vera.updated_at

    vera = volunteer_update(
        volunteer=vera, data={"first_name": "Vera", "roles": ["visiting_friend"]}, actor=coordinator
    )

    assert vera.updated_at == updated_at
    assert _events(vera, coordinator) == []


def test_roles_cannot_all_be_taken_away(coordinator):
    vera = _applicant(coordinator)

    with pytest.raises(ValidationError) as excinfo:
        volunteer_update(volunteer=vera, data={"roles": []}, actor=coordinator)

    assert "roles" in _refusal(excinfo)
    vera.refresh_from_db()
    assert vera.roles == ["visiting_friend"]


def test_a_volunteer_cannot_take_fewer_citizens_than_they_have(coordinator):
    # given: a volunteer with room for two, proposed to two citizens
    vera = make_volunteer(team=coordinator.coordination_team, capacity=2)
    builder = UserFactory(bridge_builder=True)
    for _ in range(2):
        match_propose(case=make_referral().referral.case, volunteer=vera, actor=builder)

    with pytest.raises(ValidationError) as excinfo:
        volunteer_update(volunteer=vera, data={"capacity": 1}, actor=coordinator)

    assert "capacity" in _refusal(excinfo)
    vera.refresh_from_db()
    assert (vera.capacity, vera.load) == (2, 2)


# --- The certificate -----------------------------------------------------------------------------


def test_the_renewal_falls_due_the_configured_years_after_the_certificate_was_seen(
    coordinator, settings
):
    settings.BROBYG_VETTING_RENEWAL_YEARS = 3
    vera = _applicant(coordinator)
    today = timezone.localdate()
    seen = today - timedelta(days=20)

    vera = volunteer_record_vetting(
        volunteer=vera,
        data={
            "vetting_kind": "child_certificate",
            "vetting_requested_on": today - timedelta(days=30),
            "vetting_seen_on": seen,
            "vetting_note": "Ingen anmærkninger.",
            "certificate_deleted_on": today,
        },
        actor=coordinator,
    )

    assert vera.vetting_renewal_due == seen + relativedelta(years=3)
    assert vera.vetting_valid()
    assert _events(vera, coordinator) == [
        [
            "vetting_kind",
            "vetting_requested_on",
            "vetting_seen_on",
            "vetting_note",
            "certificate_deleted_on",
            "vetting_renewal_due",
        ]
    ]


def test_a_certificate_seen_long_ago_has_expired(coordinator):
    vera = _applicant(coordinator)
    seen = timezone.localdate() - relativedelta(years=2, days=1)

    vera = volunteer_record_vetting(
        volunteer=vera, data={"vetting_seen_on": seen}, actor=coordinator
    )

    assert vera.vetting_renewal_due == seen + relativedelta(years=2)
    assert (vera.vetting_valid(), vera.vetting_state) == (False, "expired")


def test_taking_back_the_date_seen_takes_back_the_renewal_date(coordinator):
    vera = _applicant(coordinator)
    seen = timezone.localdate() - timedelta(days=1)
    vera = volunteer_record_vetting(
        volunteer=vera, data={"vetting_seen_on": seen}, actor=coordinator
    )

    vera = volunteer_record_vetting(
        volunteer=vera, data={"vetting_seen_on": None}, actor=coordinator
    )

    assert (vera.vetting_seen_on, vera.vetting_renewal_due) == (None, None)
    assert vera.vetting_state == "missing"


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"vetting_seen_on": 1}, "vetting_seen_on"),  # in the future
        ({"vetting_requested_on": -2, "vetting_seen_on": -5}, "vetting_seen_on"),
        ({"certificate_deleted_on": -1}, "certificate_deleted_on"),  # never seen
        ({"vetting_seen_on": -1, "certificate_deleted_on": -3}, "certificate_deleted_on"),
    ],
)
def test_certificate_dates_out_of_order_are_refused_and_nothing_is_saved(coordinator, dates, field):
    vera = _applicant(coordinator)
    today = timezone.localdate()

    with pytest.raises(ValidationError) as excinfo:
        volunteer_record_vetting(
            volunteer=vera,
            data={name: today + timedelta(days=days) for name, days in dates.items()},
            actor=coordinator,
        )

    assert field in _refusal(excinfo)
    vera.refresh_from_db()
    assert (vera.vetting_seen_on, vera.vetting_renewal_due, vera.certificate_deleted_on) == (
        None,
        None,
        None,
    )
    assert _events(vera, coordinator) == []


# --- The status ----------------------------------------------------------------------------------


def test_a_volunteer_goes_through_the_steps_of_the_status(coordinator):
    vera = _applicant(coordinator)

    for status in ("approved", "active", "paused", "active"):
        vera = volunteer_set_status(volunteer=vera, status=status, actor=coordinator)
        assert vera.status == status

    assert _events(vera, coordinator) == [["status"]] * 4


def test_an_applicant_is_approved_before_being_active(coordinator):
    vera = _applicant(coordinator)

    with pytest.raises(ValidationError) as excinfo:
        volunteer_set_status(volunteer=vera, status="active", actor=coordinator)

    assert "status" in _refusal(excinfo)
    vera.refresh_from_db()
    assert vera.status == VolunteerStatus.APPLICANT
    assert _events(vera, coordinator) == []


def test_setting_the_same_status_changes_nothing(coordinator):
    vera = _applicant(coordinator)

    volunteer_set_status(volunteer=vera, status="applicant", actor=coordinator)

    assert _events(vera, coordinator) == []


def test_a_volunteer_leaves_with_a_reason_and_can_come_back_as_an_applicant(coordinator):
    vera = make_volunteer(team=coordinator.coordination_team)

    with pytest.raises(ValidationError) as excinfo:
        volunteer_set_status(volunteer=vera, status="left", reason="  ", actor=coordinator)
    assert "reason" in _refusal(excinfo)

    vera = volunteer_set_status(
        volunteer=vera, status="left", reason=" Flytter til Aarhus ", actor=coordinator
    )
    assert (vera.status, vera.left_reason, vera.left_on) == (
        VolunteerStatus.LEFT,
        "Flytter til Aarhus",
        timezone.localdate(),
    )

    # a volunteer who left is not made active again at once: they start as an applicant
    with pytest.raises(ValidationError):
        volunteer_set_status(volunteer=vera, status="active", actor=coordinator)
    vera = volunteer_set_status(volunteer=vera, status="applicant", actor=coordinator)

    assert (vera.status, vera.left_reason, vera.left_on) == (VolunteerStatus.APPLICANT, "", None)
    assert _events(vera, coordinator) == [["status", "left_reason", "left_on"]] * 2


def test_a_volunteer_with_citizens_cannot_leave(coordinator):
    vera = make_volunteer(team=coordinator.coordination_team)
    match_propose(
        case=make_referral().referral.case, volunteer=vera, actor=UserFactory(bridge_builder=True)
    )

    with pytest.raises(ValidationError) as excinfo:
        volunteer_set_status(
            volunteer=vera, status="left", reason="Har ikke tid", actor=coordinator
        )

    assert "status" in _refusal(excinfo)
    vera.refresh_from_db()
    assert (vera.status, vera.load, vera.left_reason) == (VolunteerStatus.ACTIVE, 1, "")
