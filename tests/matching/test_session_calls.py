""" "Kommer du i morgen?": before each session of a group offer that asks for it, each citizen
expected there gets one call, made by the daily task (Lyngby-Taarbæk, seed 003)."""

from datetime import datetime, time, timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import formats, timezone, translation

from followups.constants import TaskKind
from followups.models import Task
from matching.services import (
    match_accept,
    match_end,
    match_plan_first_meeting,
    match_propose,
    match_record_first_meeting,
)
from matching.tasks import session_calls_daily
from offers.constants import MatchEndReason, OfferStatus
from offers.services import offer_set_status, offer_update
from referrals.services import case_assign
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer

pytestmark = pytest.mark.django_db


def _in(days: int):
    return timezone.localdate() + timedelta(days=days)


def _weekly_on(day) -> dict:
    return {"frequency": "weekly", "weekday": day.weekday(), "starts_at": time(14)}


@pytest.fixture
def world():
    load_postcodes()
    team = bridge_team(name="Brobyggerne")
    builder = UserFactory(bridge_builder=True, team=team)
    coordination = coordination_team()
    return {
        "team": team,
        "builder": builder,
        "coordination": coordination,
        "coordinator": UserFactory(coordinator=True, team=coordination),
    }


def _offer(world, *, meets_on=(1,), **data):
    data.setdefault("call_before_sessions", True)
    return make_offer(
        team=world["coordination"],
        title=data.pop("title", "Livshistorisk Café"),
        schedules=[_weekly_on(_in(days)) for days in meets_on],
        **data,
    )


def _case(world, **citizen):
    case = make_referral(team=world["team"], **citizen).referral.case
    return case_assign(case=case, assignee=world["builder"], actor=world["builder"])


def _coming(world, offer, **citizen):
    """A citizen who comes to the offer (the match is active)."""
    builder = world["builder"]
    match = match_propose(case=_case(world, **citizen), offer=offer, actor=builder)
    match_accept(match=match, actor=builder)
    match_plan_first_meeting(match=match, at=timezone.now(), actor=builder)
    return match_record_first_meeting(match=match, came=True, actor=builder)


def _calls():
    return Task.objects.filter(kind=TaskKind.CALL_BEFORE_SESSION)


def test_the_day_before_a_session_each_citizen_coming_gets_one_call(world):
    # given Mona, who comes to the café, and Ib, who is only proposed to it
    offer = _offer(world, title="Livshistorisk Café")
    mona = _coming(world, offer, first_name="Mona")
    match_propose(case=_case(world, first_name="Ib"), offer=offer, actor=world["builder"])

    # when the daily task runs, twice
    made = session_calls_daily()
    again = session_calls_daily()

    # then Mona's bridge-builder has one call to make today about tomorrow's session
    assert (made, again) == (1, 0)
    call = _calls().get()
    assert call.citizen_id == mona.citizen_id
    assert call.case_id == mona.case_id
    assert call.match_id == mona.pk
    assert call.assignee == world["builder"]
    assert call.team == world["team"]
    assert call.due == timezone.localdate()
    assert call.data["date"] == _in(1).isoformat()
    assert call.title == ""
    with translation.override("en"):
        day = formats.date_format(_in(1), "SHORT_DATE_FORMAT")
        assert call.heading == f"Call and ask: are you coming? (Livshistorisk Café, {day})"


def test_an_offer_that_does_not_ask_for_calls_gets_none(world):
    offer = _offer(world, call_before_sessions=False)
    _coming(world, offer)

    assert session_calls_daily() == 0
    assert not _calls().exists()


def test_calls_are_made_the_days_before_the_offer_says(world):
    # given an offer that calls three days ahead, meeting in three and in four days' time
    offer = _offer(world, meets_on=(3, 4), call_days_before=3)
    mona = _coming(world, offer)

    # when the task runs today
    session_calls_daily()

    # then today's call is about the session in three days; the one after comes tomorrow
    assert [(c.citizen_id, c.data["date"], c.due) for c in _calls()] == [
        (mona.citizen_id, _in(3).isoformat(), timezone.localdate())
    ]


def test_every_other_week_is_called_only_in_the_weeks_it_meets(world):
    tomorrow = _in(1)
    biweekly = {"frequency": "biweekly", "weekday": tomorrow.weekday(), "starts_at": time(10)}
    off_week = make_offer(
        team=world["coordination"],
        call_before_sessions=True,
        schedules=[{**biweekly, "valid_from": tomorrow - timedelta(days=7)}],
    )
    on_week = make_offer(
        team=world["coordination"],
        call_before_sessions=True,
        schedules=[{**biweekly, "valid_from": tomorrow - timedelta(days=14)}],
    )
    _coming(world, off_week)
    called = _coming(world, on_week)

    session_calls_daily()

    assert [c.match_id for c in _calls()] == [called.pk]


def test_a_paused_offer_and_one_that_is_not_a_group_make_no_calls(world):
    paused = _offer(world)
    _coming(world, paused)
    offer_set_status(offer=paused, status=OfferStatus.PAUSED, actor=world["coordinator"])
    _coming(world, _offer(world, is_group=False))

    assert session_calls_daily() == 0


def test_a_citizen_whose_first_meeting_is_the_session_is_called_too(world):
    # given Mona's first time is tomorrow's session, and Ib's first time a later one
    offer = _offer(world)
    builder = world["builder"]
    tomorrow_at_two = timezone.make_aware(datetime.combine(_in(1), time(14)))
    first = {}
    for name, at in [("Mona", tomorrow_at_two), ("Ib", tomorrow_at_two + timedelta(days=7))]:
        match = match_propose(case=_case(world, first_name=name), offer=offer, actor=builder)
        match_accept(match=match, actor=builder)
        first[name] = match_plan_first_meeting(match=match, at=at, actor=builder)

    session_calls_daily()

    assert [c.match_id for c in _calls()] == [first["Mona"].pk]


def test_a_match_that_ended_is_not_called(world):
    offer = _offer(world)
    match = _coming(world, offer)
    match_end(match=match, reason=MatchEndReason.NOT_A_FIT, actor=world["builder"])

    assert session_calls_daily() == 0


def test_a_case_without_a_bridge_builder_gets_the_call_on_its_team(world):
    offer = _offer(world)
    builder = world["builder"]
    case = make_referral(team=world["team"]).referral.case
    match = match_propose(case=case, offer=offer, actor=builder)
    match_accept(match=match, actor=builder)
    match_plan_first_meeting(match=match, at=timezone.now(), actor=builder)
    match_record_first_meeting(match=match, came=True, actor=builder)

    session_calls_daily()

    call = _calls().get()
    assert (call.assignee, call.team) == (None, world["team"])


def test_the_call_is_on_the_bridge_builders_tasks(client, world):
    offer = _offer(world, title="Livshistorisk Café")
    _coming(world, offer, first_name="Mona")
    session_calls_daily()
    client.force_login(world["builder"])

    page = client.get(reverse("followups:my_tasks")).content.decode()

    assert f'id="task-{_calls().get().pk}"' in page
    assert "Livshistorisk Café" in page


def test_beat_runs_the_calls_once_a_day_before_the_working_day():
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == "matching.tasks.session_calls_daily"
    ]

    assert len(entries) == 1
    schedule = entries[0]["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.hour == {6} and len(schedule.minute) == 1


def test_the_coordinator_turns_the_calls_on_in_the_offer_form(client, world):
    offer = _offer(world, call_before_sessions=False, title="Livshistorisk Café")
    client.force_login(world["coordinator"])
    url = reverse("offers:offer_edit", args=[offer.pk])
    page = client.get(url).content.decode()
    assert 'name="call_before_sessions"' in page
    assert 'name="call_days_before"' in page

    response = client.post(
        url,
        {
            "title": offer.title,
            "description": offer.description,
            "strategy": offer.strategy,
            "is_group": "on",
            "postcode": offer.postcode,
            "city": offer.city,
            "address": offer.address,
            "price_kind": offer.price_kind,
            "is_public": "on",
            "call_before_sessions": "on",
            "call_days_before": "2",
            "schedule-TOTAL_FORMS": "1",
            "schedule-INITIAL_FORMS": "0",
            "schedule-0-frequency": "weekly",
            "schedule-0-weekday": str(_in(1).weekday()),
            "schedule-0-starts_at": "14:00",
        },
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    offer.refresh_from_db()
    assert (offer.call_before_sessions, offer.call_days_before) == (True, 2)


def test_days_before_must_be_between_one_and_seven(world):
    offer = _offer(world)
    with pytest.raises(ValidationError) as error:
        offer_update(offer=offer, data={"call_days_before": 0}, actor=world["coordinator"])
    assert "call_days_before" in error.value.message_dict
