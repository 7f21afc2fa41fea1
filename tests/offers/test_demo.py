"""The demo offers show every part of the directory, and seeding them twice changes nothing."""

import pytest

from accounts.demo import seed_accounts
from accounts.models import Organisation
from audit.models import AuditEvent
from offers.constants import ActivityKind, Frequency, OfferStatus, Strategy
from offers.demo import seed_offers
from offers.models import Offer, OfferSchedule, OrganisationContact
from places.models import Postcode

pytestmark = pytest.mark.django_db


def test_the_demo_offers_cover_the_directory_and_are_seeded_once():
    seed_accounts()
    seed_offers()
    counts = (
        Offer.objects.count(),
        OfferSchedule.objects.count(),
        Organisation.objects.count(),
        OrganisationContact.objects.count(),
        Postcode.objects.count(),
        AuditEvent.objects.count(),
    )

    seed_offers()

    assert (
        Offer.objects.count(),
        OfferSchedule.objects.count(),
        Organisation.objects.count(),
        OrganisationContact.objects.count(),
        Postcode.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    offers = list(Offer.objects.select_related("organisation", "team"))
    assert {o.strategy for o in offers} == set(Strategy.values)
    kinds = {k for o in offers for k in o.activity_kinds}
    assert len(kinds) >= 14
    assert {ActivityKind.VISITING_FRIEND, ActivityKind.NETWORK_CAFE, ActivityKind.MENTOR} <= kinds
    assert set(OfferSchedule.objects.values_list("frequency", flat=True)) == set(Frequency.values)
    assert set(OfferSchedule.objects.values_list("week_of_month", flat=True)) >= {1, 2, -1}
    assert any(o.fritidspas for o in offers)
    assert any(o.wheelchair_accessible for o in offers)
    assert any(o.transport_offered for o in offers)
    assert any(o.is_remote for o in offers)
    assert {lang for o in offers for lang in o.languages} >= {"da", "en", "ar", "uk", "pl"}
    assert sum(o.is_stale for o in offers) >= 2
    assert [o.title for o in offers if o.status == OfferStatus.PAUSED] == ["Kortklubben"]
    assert [o.title for o in offers if o.is_full] == ["Sorggruppe for efterladte"]
    assert [o.title for o in offers if not o.is_public] == ["Samtalegruppe med psykolog"]
    assert {o.team.name for o in offers} == {"Frivilligkoordinering"}
    # Every offer that has a place lies where the demo municipality's postcodes are.
    assert all(o.latitude for o in offers if not o.is_remote)
    names = {o.organisation.name for o in offers}
    assert {"Ældre Sagen Brobjerg", "Røde Kors Brobjerg", "Dansk Folkehjælp"} <= names
    assert OrganisationContact.objects.filter(organisation__name="Røde Kors Brobjerg").exists()
