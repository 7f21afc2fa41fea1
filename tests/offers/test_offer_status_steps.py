"""The offer's page offers exactly the status steps the service takes, and archiving asks
first."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from offers.constants import OfferStatus
from offers.presentation import offer_status_steps
from offers.services import offer_set_status
from tests.accounts.factories import UserFactory
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer

pytestmark = pytest.mark.django_db

STEPS = {
    "pause": OfferStatus.PAUSED,
    "activate": OfferStatus.ACTIVE,
    "archive": OfferStatus.ARCHIVED,
}


@pytest.mark.parametrize("status", OfferStatus.values)
@pytest.mark.parametrize("step", list(STEPS))
def test_a_step_is_offered_exactly_when_the_service_takes_it(status, step):
    load_postcodes()
    offer = make_offer()
    if status != offer.status:
        if status == OfferStatus.ARCHIVED and offer.status != OfferStatus.ACTIVE:
            offer_set_status(offer=offer, status=OfferStatus.ACTIVE, actor=None)
        offer = offer_set_status(offer=offer, status=status, actor=None)
    offered = getattr(offer_status_steps(offer=offer), step)
    target = STEPS[step]
    if target == status:
        assert not offered  # no step to where it is
    elif offered:
        assert offer_set_status(offer=offer, status=target, actor=None).status == target
    else:
        with pytest.raises(ValidationError):
            offer_set_status(offer=offer, status=target, actor=None)


def test_archiving_asks_before_it_archives(client):
    load_postcodes()
    team = coordination_team()
    offer = make_offer(team=team)
    coordinator = UserFactory(coordinator=True, team=team)
    client.force_login(coordinator)

    response = client.get(reverse("offers:offer_edit", args=[offer.pk]))
    assert response.status_code == 200
    page = response.content.decode()

    # the archive button is inside a question that must be opened first
    archive = page[page.index('data-testid="archive"') :]
    assert archive.index('value="archived"') > archive.index("</summary>")
