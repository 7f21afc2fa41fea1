"""The coordinator's pickup list for a session: who is expected and what each needs to get there
and be there (seed 003: Lyngby-Taarbæk coordinates lifts to its café; Holstebro's coordinator
found the bowling group's contact living in the same street). A name, phone and needs only where
the citizen agreed to share with this very offer; every citizen on it is a logged read."""

from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.constants import AuditAction
from audit.models import AuditEvent
from matching.services import (
    match_accept,
    match_plan_first_meeting,
    match_profile_save,
    match_propose,
    match_record_first_meeting,
)
from referrals.constants import ConsentPurpose
from referrals.services import consent_give
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer

pytestmark = pytest.mark.django_db


def _in(days: int):
    return timezone.localdate() + timedelta(days=days)


@pytest.fixture
def world():
    load_postcodes()
    team = bridge_team()
    coordination = coordination_team()
    offer = make_offer(
        title="Livshistorisk Café",
        team=coordination,
        capacity=40,
        schedules=[{"frequency": "weekly", "weekday": _in(1).weekday(), "starts_at": time(14)}],
    )
    return {
        "team": team,
        "builder": UserFactory(bridge_builder=True, team=team),
        "coordination": coordination,
        "coordinator": UserFactory(coordinator=True, team=coordination),
        "offer": offer,
    }


def _coming(world, *, shared=True, profile=None, **citizen):
    builder, offer = world["builder"], world["offer"]
    case = make_referral(team=world["team"], **citizen).referral.case
    if shared:
        consent_give(
            citizen=case.citizen,
            purpose=ConsentPurpose.SHARE_OFFER,
            method="verbal",
            recipient=offer.title,
            recipient_id=offer.pk,
            actor=builder,
        )
    if profile:
        match_profile_save(citizen=case.citizen, data=profile, actor=builder)
    match = match_propose(case=case, offer=offer, actor=builder)
    match_accept(match=match, actor=builder)
    match_plan_first_meeting(match=match, at=timezone.now(), actor=builder)
    return match_record_first_meeting(match=match, came=True, actor=builder)


def _url(world, on=None):
    url = reverse("matching:session_pickup", args=[world["offer"].pk])
    return f"{url}?date={on.isoformat()}" if on else url


def test_the_next_session_lists_who_needs_a_lift_and_who_drives(client, world):
    # given Mona needs transport (a neighbour drives) and a wheelchair; Erik needs nothing
    mona = _coming(
        world,
        first_name="Mona",
        phone="+45 31 41 59 26",
        needs_transport=True,
        needs_mobility=True,
        profile={"transport_arranged_by": "Naboen Jens", "needs_companion": True},
    )
    _coming(world, first_name="Erik")
    client.force_login(world["coordinator"])

    # when the coordinator opens the list without choosing a session
    response = client.get(_url(world))

    # then it is tomorrow's session, Mona first with her needs, and Erik with none
    assert response.status_code == 200
    page = response.content.decode()
    assert response.context["on"] == _in(1)
    rows = response.context["rows"]
    assert [r.name for r in rows] == ["Mona", "Erik"]
    assert f'data-testid="pickup-{mona.pk}"' in page
    assert "+45 31 41 59 26" in page
    assert "Naboen Jens" in page
    assert 'data-testid="needs-transport"' in page
    assert 'data-testid="needs-wheelchair"' in page
    assert 'data-testid="needs-companion"' in page
    assert page.count('data-testid="needs-transport"') == 1
    assert "data-print" in page


def test_without_consent_to_share_with_the_offer_the_list_names_nobody(client, world):
    # given Kirsten agreed to share with another offer only
    other = make_offer(team=world["coordination"])
    match = _coming(
        world, shared=False, first_name="Kirsten", phone="+45 99 88 77 66", needs_transport=True
    )
    consent_give(
        citizen=match.citizen,
        purpose=ConsentPurpose.SHARE_OFFER,
        method="verbal",
        recipient=other.title,
        recipient_id=other.pk,
        actor=world["builder"],
    )
    client.force_login(world["coordinator"])

    page = client.get(_url(world)).content.decode()

    # then she is on it by a reference that names nobody, without her phone or needs
    assert match.reference in page
    assert "Kirsten" not in page
    assert "+45 99 88 77 66" not in page
    assert 'data-testid="needs-transport"' not in page


def test_only_citizens_coming_are_listed(client, world):
    builder = world["builder"]
    coming = _coming(world, first_name="Mona")
    proposed = match_propose(
        case=make_referral(team=world["team"], first_name="Ib").referral.case,
        offer=world["offer"],
        actor=builder,
    )
    client.force_login(world["coordinator"])

    rows = client.get(_url(world)).context["rows"]

    assert [r.match.pk for r in rows] == [coming.pk]
    assert proposed.pk not in [r.match.pk for r in rows]


def test_a_first_meeting_is_on_the_list_of_its_own_session_with_who_goes_along(client, world):
    builder, offer = world["builder"], world["offer"]
    case = make_referral(team=world["team"], first_name="Mona").referral.case
    consent_give(
        citizen=case.citizen,
        purpose=ConsentPurpose.SHARE_OFFER,
        method="verbal",
        recipient=offer.title,
        recipient_id=offer.pk,
        actor=builder,
    )
    match = match_propose(case=case, offer=offer, actor=builder)
    match_accept(match=match, actor=builder)
    match_plan_first_meeting(
        match=match,
        at=timezone.make_aware(datetime.combine(_in(1), time(14))),
        accompaniment=True,
        accompanied_by="Besøgsvennen Bente",
        actor=builder,
    )
    client.force_login(world["coordinator"])

    tomorrow = client.get(_url(world, _in(1)))
    week_after = client.get(_url(world, _in(8)))

    assert [r.first_time for r in tomorrow.context["rows"]] == [True]
    assert "Besøgsvennen Bente" in tomorrow.content.decode()
    assert week_after.context["rows"] == []


def test_a_day_the_offer_does_not_meet_lists_nobody_and_says_so(client, world):
    _coming(world, first_name="Mona")
    client.force_login(world["coordinator"])

    response = client.get(_url(world, _in(2)))

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert response.context["not_meeting"] == _in(2)
    assert 'data-testid="not-meeting"' in response.content.decode()


def test_the_list_logs_a_read_of_each_citizen_on_it(client, world):
    match = _coming(world, first_name="Mona")
    client.force_login(world["coordinator"])

    client.get(_url(world))

    assert AuditEvent.objects.filter(
        action=AuditAction.READ, actor=world["coordinator"], subject_id=match.citizen_id
    ).exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coordinator", 200),
        ("other_coordinator", 404),
        ("builder", 403),
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_pickup_list(client, world, who, status):
    users = {
        "coordinator": world["coordinator"],
        "other_coordinator": UserFactory(coordinator=True, team=coordination_team()),
        "builder": world["builder"],
    }
    if who in users:
        client.force_login(users[who])

    assert client.get(_url(world)).status_code == status


@pytest.mark.parametrize("rows", [1, 8])
def test_the_pickup_list_query_count_does_not_grow(client, django_assert_num_queries, world, rows):
    for n in range(rows):
        _coming(world, first_name=f"Borger{n}", needs_transport=True)
    client.force_login(world["coordinator"])
    # 1 session, 2 user, 3-4 own and group permissions, 5 roles, 6 teams (scope), 7 the offer,
    # 8 its meeting times, 9 the citizens coming with their profiles, 10 the consents to share
    # with the offer, 11 the audit insert, 12-14 saving the session
    with django_assert_num_queries(14):
        response = client.get(_url(world))
    assert len(response.context["rows"]) == rows


def test_the_offer_page_links_to_the_pickup_list(client, world):
    client.force_login(world["coordinator"])

    page = client.get(reverse("offers:offer_edit", args=[world["offer"].pk])).content.decode()

    assert reverse("matching:session_pickup", args=[world["offer"].pk]) in page
