"""When a volunteer's certificate counts as valid is one rule (volunteers/vetting.py): the
volunteer's page, the database filter, the matching's ranking and proposing a match all judge a
certificate the same way, on the last day it is in order and on the day after."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.ranking import suggestions_for
from matching.services import match_propose
from offers.constants import SuggestionKind
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import load_postcodes, make_volunteer
from volunteers.models import Volunteer
from volunteers.services import volunteer_request_create
from volunteers.vetting import vetting_valid_on, vetting_valid_q

pytestmark = pytest.mark.django_db


def _renewal_due(volunteer, due):
    Volunteer.objects.filter(pk=volunteer.pk).update(vetting_renewal_due=due)
    volunteer.refresh_from_db()
    return volunteer


def _everywhere(volunteer, case, actor) -> dict[str, bool]:
    """How each place that asks judges the volunteer's certificate today."""
    today = timezone.localdate()
    suggested = {
        s.id: s.role for s in suggestions_for(citizen=case.citizen)[SuggestionKind.VOLUNTEER]
    }
    try:
        match_propose(case=case, volunteer=volunteer, role="visiting_friend", actor=actor)
        proposed = True
    except ValidationError:
        proposed = False
    return {
        "model": volunteer.vetting_valid(),
        "rule": vetting_valid_on(
            seen=volunteer.vetting_seen_on, renewal_due=volunteer.vetting_renewal_due, on=today
        ),
        "sql": Volunteer.objects.filter(vetting_valid_q(today), pk=volunteer.pk).exists(),
        "queryset": Volunteer.objects.vetting_valid(on=today).filter(pk=volunteer.pk).exists(),
        "ranking": suggested.get(volunteer.id) == "visiting_friend",
        "proposal": proposed,
    }


@pytest.mark.parametrize(
    ("days_left", "valid"),
    [(0, True), (-1, False), (30, True)],
    ids=["expires-today", "expired-yesterday", "a-month-left"],
)
def test_every_place_judges_a_certificate_alike(days_left, valid):
    # given: a citizen waiting for a visiting friend, and one vetted visiting friend nearby
    load_postcodes()
    case = make_referral().referral.case
    bridge_builder = UserFactory(bridge_builder=True)
    volunteer_request_create(case=case, role="visiting_friend", actor=bridge_builder)
    volunteer = make_volunteer(roles=["visiting_friend"])
    volunteer = _renewal_due(volunteer, timezone.localdate() + timedelta(days=days_left))

    # when / then: the model, the filter, the ranking and the proposal agree
    assert _everywhere(volunteer, case, bridge_builder) == dict.fromkeys(
        ["model", "rule", "sql", "queryset", "ranking", "proposal"], valid
    )


def test_a_certificate_never_seen_is_not_valid_whatever_its_renewal_date():
    volunteer = make_volunteer(vetted=False, roles=["visiting_friend"])
    volunteer = _renewal_due(volunteer, timezone.localdate() + timedelta(days=365))
    today = timezone.localdate()

    assert volunteer.vetting_valid() is False
    assert not Volunteer.objects.filter(vetting_valid_q(today), pk=volunteer.pk).exists()
    assert volunteer.vetting_state == "missing"
