"""A match with a volunteer holds the role the volunteer takes: one of the volunteer roles."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from matching.services import match_propose
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import load_postcodes, make_volunteer
from volunteers.constants import VolunteerRole

pytestmark = pytest.mark.django_db


@pytest.fixture
def match():
    load_postcodes()
    case = make_referral().referral.case
    volunteer = make_volunteer(roles=["visiting_friend", "phone_friend"])
    return match_propose(
        case=case, volunteer=volunteer, role="phone_friend", actor=UserFactory(bridge_builder=True)
    )


def test_a_match_with_a_volunteer_role_is_valid(match):
    match.full_clean()

    assert match.volunteer_role == VolunteerRole.PHONE_FRIEND


def test_a_match_with_an_unknown_role_fails_validation(match):
    match.volunteer_role = "gardener"

    with pytest.raises(ValidationError) as error:
        match.full_clean()

    assert list(error.value.message_dict) == ["volunteer_role"]


def test_the_role_is_shown_by_its_label(match):
    with translation.override("en"):
        assert match.volunteer_role_label == "Phone friend (telefonven)"
    # a match with an offer has no role, and shows none
    match.volunteer_role = ""
    assert match.volunteer_role_label == ""
