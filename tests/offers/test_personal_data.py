"""Erasure and access requests reach matching: places are freed, matches stay as anonymous
rows, wishes and free text go."""

import pytest
from django.utils import timezone

from matching.models import Match, MatchProfile
from matching.services import match_accept, match_plan_first_meeting, match_propose
from offers.constants import MatchStatus
from offers.models import Offer
from privacy.selectors import citizen_export_json
from privacy.services import citizen_erase
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import load_postcodes, make_offer, profile
from volunteers.models import VolunteerRequest
from volunteers.services import volunteer_request_create

pytestmark = pytest.mark.django_db


def test_erasure_frees_the_place_and_keeps_the_match_as_an_anonymous_row():
    load_postcodes()
    builder = UserFactory(bridge_builder=True)
    case = make_referral().referral.case
    citizen = case.citizen
    profile(citizen, wishes="Vil gerne gå ture med sin nabo Hans", interests=["walking"])
    offer = make_offer(capacity=2)
    match = match_propose(case=case, offer=offer, actor=builder)
    match_accept(match=match, actor=builder)
    match_plan_first_meeting(
        match=match,
        at=timezone.now(),
        accompaniment=True,
        accompanied_by="Datteren Lone",
        actor=builder,
    )
    volunteer_request_create(case=case, role="visiting_friend", note="Helst en mand", actor=builder)

    exported = citizen_export_json(citizen=citizen)
    citizen_erase(citizen=citizen, reason="Borgerens ønske", actor=UserFactory(admin=True))

    assert "Datteren Lone" in str(exported) and "Hans" in str(exported)
    match = Match.objects.get()
    assert match.status == MatchStatus.ENDED and match.accompanied_by == "" and match.reasons == []
    assert Offer.objects.get(pk=offer.pk).places_taken == 0
    assert not MatchProfile.objects.exists()
    request = VolunteerRequest.objects.get()
    assert request.note == "" and request.closed_at is not None
