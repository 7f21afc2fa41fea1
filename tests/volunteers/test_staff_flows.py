"""What a coordinator met on the volunteer pages: the status form offers only what the service
takes, the phone is a phone number, and each row of the waiting list leads somewhere."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from audit.constants import AuditAction
from audit.models import AuditEvent
from core.validators import PHONE_INVALID
from matching.services import match_propose
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_volunteer
from volunteers.constants import VolunteerStatus
from volunteers.forms import VolunteerForm, VolunteerStatusForm
from volunteers.services import volunteer_request_create, volunteer_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


# --- The status form offers what the service takes ----------------------------------------------


def _volunteer_in(status: str):
    if status == VolunteerStatus.LEFT:
        volunteer = make_volunteer(status=VolunteerStatus.ACTIVE)
        return volunteer_set_status(
            volunteer=volunteer, status=status, reason="Flyttet", actor=None
        )
    return make_volunteer(status=status)


def _offered(volunteer) -> list[str]:
    form = VolunteerStatusForm(prefix="status", volunteer=volunteer)
    return [value for value, _label in form.fields["status"].choices]


@pytest.mark.parametrize("status", VolunteerStatus.values)
@pytest.mark.parametrize("target", VolunteerStatus.values)
def test_a_status_is_offered_exactly_when_the_service_takes_it(status, target):
    volunteer = _volunteer_in(status)

    offered = target in _offered(volunteer)

    if target == status:
        assert not offered  # no step to where the volunteer is
    elif offered:
        changed = volunteer_set_status(
            volunteer=volunteer, status=target, reason="Flyttet", actor=None
        )
        assert changed.status == target
    else:
        with pytest.raises(ValidationError):
            volunteer_set_status(volunteer=volunteer, status=target, reason="Flyttet", actor=None)


def test_a_volunteer_with_citizens_is_not_offered_to_leave(client):
    team = coordination_team()
    volunteer = make_volunteer(team=team)
    builder = UserFactory(bridge_builder=True)
    match_propose(case=make_referral().referral.case, volunteer=volunteer, actor=builder)
    volunteer.refresh_from_db()
    client.force_login(UserFactory(coordinator=True, team=team))

    response = client.get(reverse("volunteers:detail", args=[volunteer.pk]))

    offered = [v for v, _label in response.context["status_form"].fields["status"].choices]
    assert VolunteerStatus.LEFT not in offered
    assert VolunteerStatus.PAUSED in offered
    with pytest.raises(ValidationError):
        volunteer_set_status(
            volunteer=volunteer, status=VolunteerStatus.LEFT, reason="Flyttet", actor=None
        )


def test_the_volunteer_page_lists_only_the_statuses_offered(client):
    team = coordination_team()
    volunteer = make_volunteer(team=team, status=VolunteerStatus.APPLICANT)
    client.force_login(UserFactory(coordinator=True, team=team))

    page = client.get(reverse("volunteers:detail", args=[volunteer.pk])).content.decode()

    form = page[page.index('id="status"') :]
    form = form[: form.index("</form>")]
    assert re.findall(r'<option value="(\w*)"', form) == [
        VolunteerStatus.APPROVED,
        VolunteerStatus.LEFT,
    ]


# --- The phone is a phone number ----------------------------------------------------------------


def test_the_volunteer_form_refuses_a_phone_that_is_no_number():
    form = VolunteerForm(
        data={
            "first_name": "Vera",
            "last_name": "Larsen",
            "phone": "abc",
            "postcode": "5000",
            "roles": ["visiting_friend"],
            "capacity": 1,
        }
    )

    assert not form.is_valid()
    with translation.override("da"):
        assert form.errors["phone"] == [str(PHONE_INVALID)]


# --- Each row of the waiting list leads somewhere -----------------------------------------------


@pytest.fixture
def waiting():
    """Inger of a bridge-builders' team waits for a visiting friend."""
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team)
    case = make_referral(team=team, first_name="Inger", postcode="5000").referral.case
    request = volunteer_request_create(case=case, role="visiting_friend", actor=builder)
    return {"builder": builder, "case": case, "request": request}


def _row_links(page: str) -> list[str]:
    table = page[page.index('data-testid="waiting-table"') :]
    table = table[table.index("<tbody>") : table.index("</tbody>")]
    return re.findall(r'href="([^"]+)"', table)


def test_the_bridge_builders_row_leads_to_the_case(client, waiting):
    client.force_login(waiting["builder"])

    page = client.get(reverse("volunteers:waiting_list")).content.decode()

    assert _row_links(page) == [reverse("referrals:case_detail", args=[waiting["case"].pk])]


def test_the_coordinators_row_leads_to_the_request_which_names_nobody(client, waiting):
    coordinator = UserFactory(coordinator=True, team=coordination_team())
    client.force_login(coordinator)

    page = client.get(reverse("volunteers:waiting_list")).content.decode()

    url = reverse("volunteers:request_detail", args=[waiting["request"].pk])
    assert _row_links(page) == [url]
    request_page = client.get(url)
    assert request_page.status_code == 200
    body = request_page.content.decode()
    assert "Inger" not in body
    assert reverse("referrals:case_detail", args=[waiting["case"].pk]) not in body
    # it leads on to the volunteers who take the role, most room first
    assert reverse("volunteers:list") + "?role=visiting_friend&amp;sort=free" in body
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, actor=coordinator, subject_id=waiting["case"].citizen_id
    ).exists()


def test_a_request_another_team_has_is_not_found_by_a_bridge_builder(client, waiting):
    client.force_login(UserFactory(bridge_builder=True, team=bridge_team()))

    url = reverse("volunteers:request_detail", args=[waiting["request"].pk])

    assert client.get(url).status_code == 404


# role → the request page's status (the same scope as the waiting list)
REQUEST_PAGE = {
    "coordinator": 200,
    "bridge_builder": 200,
    "other_team_builder": 404,
    "home_care": 403,
    "referrer": 403,
    "admin": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", list(REQUEST_PAGE))
def test_who_may_open_a_request_on_the_waiting_list(client, waiting, role):
    team = waiting["case"].team
    if role == "other_team_builder":
        client.force_login(UserFactory(bridge_builder=True, team=bridge_team()))
    elif role == "coordinator":
        client.force_login(UserFactory(coordinator=True, team=coordination_team()))
    elif role != "anonymous":
        client.force_login(UserFactory(role=role, team=team))

    response = client.get(reverse("volunteers:request_detail", args=[waiting["request"].pk]))

    assert response.status_code == REQUEST_PAGE[role]
