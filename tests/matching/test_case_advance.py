"""A match moves the case forward along its path, never back and forth: proposing a second
match on a case already in matching leaves the case (and its timeline) as it was."""

import pytest

from matching.services import match_propose
from referrals.constants import CaseEventKind, CaseStatus
from referrals.models import CaseEvent
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import load_postcodes, make_offer

pytestmark = pytest.mark.django_db


def _status_steps(case) -> list[tuple[str, str]]:
    events = CaseEvent.objects.filter(case=case, kind=CaseEventKind.STATUS).order_by("occurred_at")
    return [(e.status_from, e.status_to) for e in events]


def test_a_second_proposal_leaves_a_case_in_matching_where_it_is():
    load_postcodes()
    user = UserFactory(bridge_builder=True)
    case = make_referral().referral.case
    match_propose(case=case, offer=make_offer(title="Strikkeklubben"), actor=user)
    case.refresh_from_db()
    assert case.status == CaseStatus.MATCHING
    before = _status_steps(case)

    match_propose(case=case, offer=make_offer(title="Sangkoret"), actor=user)

    case.refresh_from_db()
    assert case.status == CaseStatus.MATCHING
    assert _status_steps(case) == before  # not matching → screening → matching
