"""When consent is active is one rule (referrals/models.py: `consent_active_q`): the record, the
services, the provider's view of a match and the referrer's feedback judge it alike, before and
after the citizen withdraws it."""

import pytest

from matching.selectors import match_provider_may_see_citizen
from matching.services import match_propose
from referrals.constants import ConsentMethod, ConsentPurpose
from referrals.models import ConsentRecord, Referral, consent_active_q
from referrals.services import consent_give, consent_is_active, consent_withdraw
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import load_postcodes, make_volunteer

pytestmark = pytest.mark.django_db


def _everywhere(consent: ConsentRecord, match) -> dict[str, bool]:
    consent.refresh_from_db()
    return {
        "record": consent.is_active,
        "queryset": ConsentRecord.objects.active().filter(pk=consent.pk).exists(),
        "q": ConsentRecord.objects.filter(consent_active_q(), pk=consent.pk).exists(),
        "service": consent_is_active(citizen_id=consent.citizen_id, purpose=consent.purpose),
        "provider_sees_citizen": match_provider_may_see_citizen(match),
    }


def test_consent_to_share_is_judged_alike_before_and_after_it_is_withdrawn():
    # given: a citizen matched with a volunteer, who agreed to share with that volunteer
    load_postcodes()
    bridge_builder = UserFactory(bridge_builder=True)
    case = make_referral().referral.case
    volunteer = make_volunteer(roles=["phone_friend"], vetted=False)
    match = match_propose(case=case, volunteer=volunteer, role="phone_friend", actor=bridge_builder)
    consent = consent_give(
        citizen=case.citizen,
        purpose=ConsentPurpose.SHARE_VOLUNTEER,
        method=ConsentMethod.VERBAL,
        recipient=volunteer.full_name,
        recipient_id=volunteer.pk,
        actor=bridge_builder,
    )

    assert set(_everywhere(consent, match).values()) == {True}

    # when
    consent_withdraw(consent=consent, actor=bridge_builder)

    # then: every place sees it gone
    assert set(_everywhere(consent, match).values()) == {False}


def test_feedback_consent_is_judged_by_the_same_rule():
    referral = make_referral(feedback_consent=True).referral
    consent = referral.feedback_consent

    def judged():
        return {
            "referral": Referral.objects.get(pk=referral.pk).referrer_may_know_outcome,
            "q": Referral.objects.filter(
                consent_active_q(prefix="feedback_consent__"), pk=referral.pk
            ).exists(),
        }

    assert judged() == {"referral": True, "q": True}
    consent_withdraw(consent=consent, actor=UserFactory(bridge_builder=True))
    assert judged() == {"referral": False, "q": False}
