"""What a coordinator's pages show of a citizen: only what the citizen's consent to share with
that very offer or volunteer allows, and every page that shows a citizen writes the access log."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.constants import AuditAction
from audit.models import AuditEvent
from matching.services import match_accept, match_plan_first_meeting, match_propose
from referrals.constants import ConsentPurpose
from referrals.services import consent_give, consent_withdraw
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture
def two_offers():
    """Inger (hard of hearing) is proposed to two offers run by two volunteer centres."""
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team)
    case = make_referral(
        team=team, first_name="Inger", phone="+45 31 41 59 26", needs_hearing=True
    ).referral.case
    choir_team, cafe_team = coordination_team(), coordination_team()
    choir = make_offer(title="Brobjerg Seniorkor", team=choir_team, hearing_loop=True)
    cafe = make_offer(title="Netværkscaféen", team=cafe_team, hearing_loop=True)
    matches = {
        "choir": match_propose(case=case, offer=choir, actor=builder),
        "cafe": match_propose(case=case, offer=cafe, actor=builder),
    }
    return {
        "builder": builder,
        "citizen": case.citizen,
        "choir": choir,
        "cafe": cafe,
        "matches": matches,
        "choir_coordinator": UserFactory(coordinator=True, team=choir_team),
        "cafe_coordinator": UserFactory(coordinator=True, team=cafe_team),
    }


def _share_with_choir(setting):
    return consent_give(
        citizen=setting["citizen"],
        purpose=ConsentPurpose.SHARE_OFFER,
        method="verbal",
        recipient=setting["choir"].title,
        recipient_id=setting["choir"].pk,
        actor=setting["builder"],
    )


def _coming(match, builder):
    """The citizen said yes and the first meeting is planned: they are on the attendance list."""
    match_accept(match=match, actor=builder)
    return match_plan_first_meeting(
        match=match, at=timezone.now() + timedelta(days=1), actor=builder
    )


def _read_logged(*, actor, citizen) -> bool:
    return AuditEvent.objects.filter(
        action=AuditAction.READ, actor=actor, subject_id=citizen.pk
    ).exists()


def test_consent_to_share_with_one_offer_does_not_reveal_the_citizen_to_another_offer(
    client, two_offers
):
    # given: Inger agreed to share with the choir, not with the café
    _share_with_choir(two_offers)

    # when: each offer's coordinator opens their requests
    client.force_login(two_offers["cafe_coordinator"])
    cafe_page = client.get(reverse("matching:requests")).content.decode()
    client.force_login(two_offers["choir_coordinator"])
    choir_page = client.get(reverse("matching:requests")).content.decode()

    # then: the choir sees her first name, phone and hearing need; the café none of them
    assert "Netværkscaféen" in cafe_page
    assert "Inger" not in cafe_page
    assert "+45 31 41 59 26" not in cafe_page
    assert 'data-testid="shared-citizen"' not in cafe_page
    assert "Inger" in choir_page and "+45 31 41 59 26" in choir_page
    assert 'data-testid="shared-citizen"' in choir_page


def test_withdrawn_consent_hides_the_citizen_from_the_offer_again(client, two_offers):
    consent = _share_with_choir(two_offers)
    consent_withdraw(consent=consent, actor=two_offers["builder"])
    client.force_login(two_offers["choir_coordinator"])

    page = client.get(reverse("matching:requests")).content.decode()

    assert "Inger" not in page and "+45 31 41 59 26" not in page


def test_the_requests_page_logs_a_read_of_every_citizen_it_shows(client, two_offers):
    # The café's coordinator sees a request about Inger, though not her name: still her data.
    coordinator = two_offers["cafe_coordinator"]
    client.force_login(coordinator)

    assert client.get(reverse("matching:requests")).status_code == 200

    assert _read_logged(actor=coordinator, citizen=two_offers["citizen"])


def test_the_attendance_page_does_not_name_a_citizen_without_consent_to_that_offer(
    client, two_offers
):
    # given: Inger comes to both offers and agreed to share with the choir only
    _share_with_choir(two_offers)
    _coming(two_offers["matches"]["cafe"], two_offers["builder"])
    _coming(two_offers["matches"]["choir"], two_offers["builder"])

    # when
    client.force_login(two_offers["cafe_coordinator"])
    cafe_page = client.get(
        reverse("matching:offer_attendance", args=[two_offers["cafe"].pk])
    ).content.decode()
    client.force_login(two_offers["choir_coordinator"])
    choir_page = client.get(
        reverse("matching:offer_attendance", args=[two_offers["choir"].pk])
    ).content.decode()

    # then: the café ticks her by a reference that names nobody; the choir by her first name
    assert "Inger" not in cafe_page
    assert two_offers["matches"]["cafe"].reference in cafe_page
    assert "Inger" in choir_page


def test_the_attendance_page_logs_a_read_of_each_citizen_on_it(client, two_offers):
    _coming(two_offers["matches"]["cafe"], two_offers["builder"])
    coordinator = two_offers["cafe_coordinator"]
    client.force_login(coordinator)

    response = client.get(reverse("matching:offer_attendance", args=[two_offers["cafe"].pk]))

    assert response.status_code == 200
    assert _read_logged(actor=coordinator, citizen=two_offers["citizen"])


def test_a_rejected_attendance_form_still_names_nobody_and_is_logged(client, two_offers):
    _coming(two_offers["matches"]["cafe"], two_offers["builder"])
    coordinator = two_offers["cafe_coordinator"]
    client.force_login(coordinator)
    tomorrow = timezone.localdate() + timedelta(days=1)

    response = client.post(
        reverse("matching:offer_attendance", args=[two_offers["cafe"].pk]),
        {"date": tomorrow.isoformat()},
    )

    assert response.status_code == 400
    assert "Inger" not in response.content.decode()
    assert _read_logged(actor=coordinator, citizen=two_offers["citizen"])


@pytest.mark.parametrize("rows", [1, 12])
def test_attendance_page_query_count_does_not_grow(client, django_assert_num_queries, rows):
    team = coordination_team()
    coordinator = UserFactory(coordinator=True, team=team)
    builder = UserFactory(bridge_builder=True)
    offer = make_offer(team=team, capacity=50)
    for _ in range(rows):
        _coming(
            match_propose(case=make_referral().referral.case, offer=offer, actor=builder), builder
        )
    client.force_login(coordinator)
    url = reverse("matching:offer_attendance", args=[offer.pk])
    # 1 session, 2 user, 3-4 own and group permissions, 5 roles, 6 teams (scope), 7 the
    # offer, 8 the matches with their citizens, 9 the consents to share with the offer, 10 the
    # offer's meeting times (the days to choose), 11 the audit insert, 12 the recent sessions
    # (none yet), 13-15 saving the session
    with django_assert_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count('name="came_') == rows
