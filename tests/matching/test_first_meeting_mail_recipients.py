"""Who is asked "did the citizen come?" after a first meeting: the offer's own contact address,
else its organisation's contact persons marked for it, else the coordinators of its
coordinating team; a volunteer themself. With no address at all, someone gets a task to ask by
phone: never nobody, silently."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from followups.constants import TaskOrigin
from followups.models import Task
from matching.models import Match
from matching.services import match_accept, match_plan_first_meeting, match_propose
from matching.tasks import first_meeting_confirmations_sweep
from offers.services import organisation_contact_add
from tests.accounts.factories import UserFactory
from tests.followups.factories import make_case
from tests.referrals.factories import bridge_team
from tests.volunteers.factories import (
    coordination_team,
    load_postcodes,
    make_offer,
    make_volunteer,
    organisation,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def postcodes():
    load_postcodes()


@pytest.fixture
def builder():
    return UserFactory(username="birthe", bridge_builder=True, team=bridge_team())


@pytest.fixture
def case(builder):
    return make_case(team=builder.teams.get(), assignee=builder)


def _first_meeting_held(case, builder, **provider) -> Match:
    match = match_propose(case=case, actor=builder, **provider)
    match_accept(match=match, actor=builder)
    return match_plan_first_meeting(
        match=match, at=timezone.now() - timedelta(hours=3), actor=builder
    )


def _asked_by_phone():
    return Task.objects.filter(data__origin=TaskOrigin.FIRST_MEETING_ASK_BY_PHONE)


def test_the_offers_own_contact_address_is_asked(case, builder):
    org = organisation()
    organisation_contact_add(
        organisation=org,
        name="Grethe",
        email="grethe@forening.invalid",
        actor=None,
        asks_after_first_meetings=True,
    )
    offer = make_offer(org=org, title="Strikkecaféen", contact_email="cafe@forening.invalid")
    _first_meeting_held(case, builder, offer=offer)

    assert first_meeting_confirmations_sweep() == 1

    assert [message.to for message in mail.outbox] == [["cafe@forening.invalid"]]


def test_without_one_the_organisations_contact_persons_marked_for_it_are_asked(case, builder):
    org = organisation()
    organisation_contact_add(
        organisation=org,
        name="Grethe",
        email="grethe@forening.invalid",
        actor=None,
        asks_after_first_meetings=True,
    )
    organisation_contact_add(
        organisation=org, name="Kasserer Ib", email="ib@forening.invalid", actor=None
    )
    # marked, but with no e-mail address: called, not written to
    organisation_contact_add(
        organisation=org,
        name="Poul",
        phone="+45 20 30 40 50",
        actor=None,
        asks_after_first_meetings=True,
    )
    team = coordination_team()
    UserFactory(coordinator=True, team=team, email="koordinator@frivillig.invalid")
    offer = make_offer(org=org, team=team, title="Strikkecaféen", contact_email="")
    _first_meeting_held(case, builder, offer=offer)

    assert first_meeting_confirmations_sweep() == 1

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["grethe@forening.invalid"]
    assert "Strikkecaféen" in mail.outbox[0].body
    assert not _asked_by_phone().exists()


def test_without_those_the_coordinators_of_the_coordinating_team_are_asked(case, builder):
    team = coordination_team()
    UserFactory(coordinator=True, team=team, email="anne@frivillig.invalid")
    UserFactory(coordinator=True, team=team, email="bo@frivillig.invalid")
    # not a coordinator, no longer here, or a coordinator on another team: not asked
    UserFactory(home_care=True, team=team, email="hjemmepleje@kommune.invalid")
    UserFactory(coordinator=True, team=team, email="gone@frivillig.invalid", is_active=False)
    UserFactory(coordinator=True, team=coordination_team(), email="other@frivillig.invalid")
    offer = make_offer(team=team, title="Gå-klubben", contact_email="")
    _first_meeting_held(case, builder, offer=offer)

    assert first_meeting_confirmations_sweep() == 1
    assert first_meeting_confirmations_sweep() == 0

    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["anne@frivillig.invalid", "bo@frivillig.invalid"]


def test_a_volunteer_is_asked_at_their_own_address(case, builder):
    team = coordination_team()
    UserFactory(coordinator=True, team=team, email="anne@frivillig.invalid")
    volunteer = make_volunteer(team=team, email="frivillig@mail.invalid")
    _first_meeting_held(case, builder, volunteer=volunteer)

    assert first_meeting_confirmations_sweep() == 1

    assert [message.to for message in mail.outbox] == [["frivillig@mail.invalid"]]


def test_with_no_address_the_coordinating_team_gets_a_task_to_ask_by_phone_once(case, builder):
    team = coordination_team()
    UserFactory(coordinator=True, team=team, email="")
    offer = make_offer(team=team, title="Gå-klubben", contact_email="", contact_phone="66 11 22 33")
    match = _first_meeting_held(case, builder, offer=offer)

    first_meeting_confirmations_sweep()
    first_meeting_confirmations_sweep()

    assert mail.outbox == []
    task = _asked_by_phone().get()
    # the team's task, about the offer: it names no citizen
    assert task.team == team and task.assignee is None
    assert task.citizen is None and task.case is None
    assert task.match == match
    assert "Gå-klubben" in task.heading


def test_with_no_address_and_no_coordinating_team_the_bridge_builder_gets_the_task(case, builder):
    offer = make_offer(team=None, title="Gå-klubben", contact_email="")
    match = _first_meeting_held(case, builder, offer=offer)

    first_meeting_confirmations_sweep()
    first_meeting_confirmations_sweep()

    assert mail.outbox == []
    task = _asked_by_phone().get()
    assert task.assignee == builder and task.case == case and task.citizen == case.citizen
    assert task.match == match
    assert "Gå-klubben" in task.heading


def test_a_volunteer_without_an_address_makes_a_task_for_their_coordinating_team(case, builder):
    team = coordination_team()
    UserFactory(coordinator=True, team=team, email="")
    volunteer = make_volunteer(team=team, email="", first_name="Karen")
    _first_meeting_held(case, builder, volunteer=volunteer)

    first_meeting_confirmations_sweep()

    assert mail.outbox == []
    task = _asked_by_phone().get()
    assert task.team == team and task.citizen is None
    assert "Karen" in task.heading
