"""What the volunteer pages show of a citizen: a volunteer's record names a citizen only with
consent to share with that volunteer, the waiting list names a citizen only to those who work
with them, and every such page writes the access log."""

import pytest
from django.urls import reverse

from audit.constants import AuditAction
from audit.models import AuditEvent
from matching.services import match_propose
from referrals.constants import ConsentPurpose
from referrals.services import consent_give
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_volunteer
from volunteers.services import volunteer_request_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture
def two_volunteers():
    """Inger is proposed to Vera and to Karen, two visiting friends of one volunteer centre."""
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team)
    case = make_referral(team=team, first_name="Inger", phone="+45 31 41 59 26").referral.case
    coordination = coordination_team()
    vera = make_volunteer(team=coordination, first_name="Vera")
    karen = make_volunteer(team=coordination, first_name="Karen")
    return {
        "builder": builder,
        "case": case,
        "citizen": case.citizen,
        "vera": vera,
        "karen": karen,
        "matches": {
            "vera": match_propose(case=case, volunteer=vera, actor=builder),
            "karen": match_propose(case=case, volunteer=karen, actor=builder),
        },
        "coordinator": UserFactory(coordinator=True, team=coordination),
    }


def _read_logged(*, actor, citizen) -> bool:
    return AuditEvent.objects.filter(
        action=AuditAction.READ, actor=actor, subject_id=citizen.pk
    ).exists()


def test_consent_to_share_with_one_volunteer_does_not_reveal_the_citizen_to_another(
    client, two_volunteers
):
    # given: Inger agreed to share with Vera only
    consent_give(
        citizen=two_volunteers["citizen"],
        purpose=ConsentPurpose.SHARE_VOLUNTEER,
        method="verbal",
        recipient="Vera",
        recipient_id=two_volunteers["vera"].pk,
        actor=two_volunteers["builder"],
    )
    client.force_login(two_volunteers["coordinator"])

    # when
    vera = client.get(reverse("volunteers:detail", args=[two_volunteers["vera"].pk]))
    karen = client.get(reverse("volunteers:detail", args=[two_volunteers["karen"].pk]))

    # then: Vera's record names her; Karen's shows a reference that names nobody
    assert "Inger" in vera.content.decode()
    assert "Inger" not in karen.content.decode()
    assert two_volunteers["matches"]["karen"].reference in karen.content.decode()


def test_a_volunteer_record_names_no_citizen_without_consent(client, two_volunteers):
    client.force_login(two_volunteers["coordinator"])

    page = client.get(reverse("volunteers:detail", args=[two_volunteers["vera"].pk]))

    assert page.status_code == 200
    assert "Inger" not in page.content.decode()


def test_a_volunteer_record_logs_a_read_of_each_citizen_on_it(client, two_volunteers):
    coordinator = two_volunteers["coordinator"]
    client.force_login(coordinator)

    client.get(reverse("volunteers:detail", args=[two_volunteers["vera"].pk]))

    assert _read_logged(actor=coordinator, citizen=two_volunteers["citizen"])


def test_a_rejected_volunteer_form_names_nobody_and_is_logged(client, two_volunteers):
    coordinator = two_volunteers["coordinator"]
    client.force_login(coordinator)

    response = client.post(
        reverse("volunteers:detail", args=[two_volunteers["vera"].pk]), {"first_name": ""}
    )

    assert response.status_code == 400
    assert "Inger" not in response.content.decode()
    assert _read_logged(actor=coordinator, citizen=two_volunteers["citizen"])


@pytest.fixture
def waiting():
    """Inger of Team Syd waits for a visiting friend."""
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team)
    case = make_referral(team=team, first_name="Inger", postcode="5000").referral.case
    volunteer_request_create(case=case, role="visiting_friend", actor=builder)
    return {"builder": builder, "citizen": case.citizen}


def test_the_waiting_list_does_not_name_citizens_to_a_coordinator(client, waiting):
    # The waiting list is shared across volunteer centres: no consent names anyone there.
    client.force_login(UserFactory(coordinator=True, team=coordination_team()))

    page = client.get(reverse("volunteers:waiting_list")).content.decode()

    assert "Inger" not in page
    assert "Borger, 65–79 år · 5000" in page


def test_the_waiting_list_names_the_citizens_of_the_bridge_builders_own_team(client, waiting):
    client.force_login(waiting["builder"])

    page = client.get(reverse("volunteers:waiting_list")).content.decode()

    assert "Inger" in page


def test_the_waiting_list_logs_a_read_of_each_citizen_on_it(client, waiting):
    coordinator = UserFactory(coordinator=True, team=coordination_team())
    client.force_login(coordinator)

    client.get(reverse("volunteers:waiting_list"))

    assert _read_logged(actor=coordinator, citizen=waiting["citizen"])


@pytest.mark.parametrize("rows", [1, 12])
def test_volunteer_record_query_count_does_not_grow(client, django_assert_num_queries, rows):
    team = coordination_team()
    coordinator = UserFactory(coordinator=True, team=team)
    builder = UserFactory(bridge_builder=True)
    volunteer = make_volunteer(team=team, capacity=20)
    for _ in range(rows):
        match_propose(case=make_referral().referral.case, volunteer=volunteer, actor=builder)
    client.force_login(coordinator)
    url = reverse("volunteers:detail", args=[volunteer.pk])
    # 1 session, 2 user, 3-4 own and group permissions, 5 teams (scope), 6 the volunteer, 7 the
    # matches with their citizens, 8 the consents to share with the volunteer, 9 the audit
    # insert, 10 the matches that bring the volunteer into a private home, 11-13 saving the
    # session
    with django_assert_num_queries(13):
        response = client.get(url)
    assert response.status_code == 200
