"""Whether a citizen would take part by phone or online is one of their wishes for matching: the
bridge-builder records it on the matching page, and the gap analysis counts offers by phone or
online only for the citizens who would."""

import pytest
from django.test import Client

from matching.models import MatchProfile
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import load_postcodes

pytestmark = pytest.mark.django_db


def test_the_wishes_say_whether_the_citizen_takes_part_by_phone_or_online():
    load_postcodes()
    team = bridge_team()
    client = Client()
    client.force_login(UserFactory(bridge_builder=True, team=team))
    case = make_referral(team=team).referral.case

    page = client.get(f"/forloeb/{case.pk}/match/")
    saved = client.post(
        f"/forloeb/{case.pk}/match/oensker/",
        {"profile-max_distance_km": "8", "profile-accepts_remote": "on"},
    )
    ticked = MatchProfile.objects.get(citizen=case.citizen)
    again = client.post(f"/forloeb/{case.pk}/match/oensker/", {"profile-max_distance_km": "8"})
    unticked = MatchProfile.objects.get(citizen=case.citizen)

    assert 'name="profile-accepts_remote"' in page.content.decode()
    assert saved.status_code == 302 and again.status_code == 302
    assert ticked.accepts_remote is True and ticked.max_distance_km == 8
    assert unticked.accepts_remote is False


def test_no_wishes_recorded_is_no_phone_or_online():
    case = make_referral().referral.case
    assert MatchProfile(citizen=case.citizen).accepts_remote is False
