"""What a match writes on the timeline and into tasks is data: the sentence is made when read, in
the reader's language, and a task is found again by what it is about, never by its words."""

from datetime import timedelta

import pytest
from django.utils import formats, timezone, translation

from followups.constants import TaskKind
from followups.models import Task
from matching.services import (
    match_accept,
    match_end,
    match_plan_first_meeting,
    match_propose,
    match_record_first_meeting,
    session_record_attendance,
)
from offers.constants import MatchEndReason
from offers.models import OfferSession
from referrals.constants import CaseEventKind
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import (
    last_session_day,
    load_postcodes,
    make_offer,
    make_volunteer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture
def builder():
    return UserFactory(bridge_builder=True)


@pytest.fixture
def coordinator():
    return UserFactory(coordinator=True)


def _active_match(*, offer, actor):
    case = make_referral().referral.case
    match = match_propose(case=case, offer=offer, actor=actor)
    match_accept(match=match, actor=actor)
    match_plan_first_meeting(match=match, at=timezone.now(), actor=actor)
    return match_record_first_meeting(match=match, came=True, actor=actor)


def test_a_missed_session_recorded_in_danish_and_again_in_english_makes_one_call(
    builder, coordinator
):
    # given a citizen on an offer who missed its last session
    offer = make_offer(title="Strikkecaféen Nord")
    match = _active_match(offer=offer, actor=builder)
    session_day = last_session_day()

    # when the coordinator records it in Danish, and a colleague corrects nothing in English
    with translation.override("da"):
        session_record_attendance(
            offer=offer, on=session_day, attended={match.pk: False}, actor=coordinator
        )
    with translation.override("en"):
        session_record_attendance(
            offer=offer, on=session_day, attended={match.pk: False}, actor=coordinator
        )

    # then the bridge-builder has one call to make, not two
    tasks = Task.objects.filter(match=match, kind=TaskKind.AFTER_MISSED_SESSION)
    assert tasks.count() == 1
    session = OfferSession.objects.get(offer=offer, date=session_day)
    assert tasks.get().data["session"] == str(session.pk)


def test_another_session_missed_is_another_call(builder, coordinator):
    offer = make_offer()
    match = _active_match(offer=offer, actor=builder)
    for weeks_ago in (1, 0):
        session_record_attendance(
            offer=offer,
            on=last_session_day(weeks_ago=weeks_ago),
            attended={match.pk: False},
            actor=coordinator,
        )

    assert Task.objects.filter(match=match, kind=TaskKind.AFTER_MISSED_SESSION).count() == 2


def test_the_missed_session_call_reads_in_the_readers_language(builder, coordinator):
    offer = make_offer(title="Strikkecaféen Nord")
    match = _active_match(offer=offer, actor=builder)
    session_day = last_session_day()
    with translation.override("da"):
        session_record_attendance(
            offer=offer, on=session_day, attended={match.pk: False}, actor=coordinator
        )
    task = Task.objects.get(match=match, kind=TaskKind.AFTER_MISSED_SESSION)

    with translation.override("en"):
        day = formats.date_format(session_day, "SHORT_DATE_FORMAT")
        assert task.heading == f"Call and hear how it is going (Strikkecaféen Nord, {day})"
    with translation.override("da"):
        day = formats.date_format(session_day, "SHORT_DATE_FORMAT")
        assert task.heading == f"Ring og hør, hvordan det går (Strikkecaféen Nord, {day})"
    # Nothing was written in the words of the person who recorded it.
    assert task.title == ""


def test_the_match_timeline_is_written_in_danish_and_read_in_english(builder):
    offer = make_offer(title="Gåklubben Solsikken")
    # (two days ago: whether the citizen came is recorded from the meeting's day)
    meeting = timezone.now() - timedelta(days=2)
    with translation.override("da"):
        case = make_referral().referral.case
        match = match_propose(case=case, offer=offer, actor=builder)
        match_accept(match=match, actor=builder)
        match_plan_first_meeting(match=match, at=meeting, actor=builder)
        match_record_first_meeting(match=match, came=True, actor=builder)
        match_end(match=match, reason=MatchEndReason.NOT_A_FIT, actor=builder)
    events = case.events.filter(kind=CaseEventKind.MATCH).order_by("created_at")

    with translation.override("en"):
        when = formats.date_format(timezone.localtime(meeting), "SHORT_DATETIME_FORMAT")
        assert [e.text for e in events] == [
            "Proposed: Gåklubben Solsikken",
            "The citizen said yes to Gåklubben Solsikken",
            f"First meeting with Gåklubben Solsikken: {when}",
            "First meeting held: Gåklubben Solsikken",
            "Ended: Gåklubben Solsikken (Not a good fit)",
        ]
    with translation.override("da"):
        assert events.last().text == "Afsluttet: Gåklubben Solsikken (Passede ikke godt)"
    assert set(events.values_list("detail", flat=True)) == {""}


def test_the_tasks_of_a_match_are_written_in_english_and_read_in_danish(builder):
    volunteer = make_volunteer(first_name="Ruth", last_name="Holm")
    with translation.override("en"):
        case = make_referral().referral.case
        match = match_propose(case=case, volunteer=volunteer, actor=builder)
        match_accept(match=match, actor=builder)
        match_plan_first_meeting(match=match, at=timezone.now(), actor=builder)
        match_record_first_meeting(match=match, came=False, actor=builder)
    check = Task.objects.get(match=match, kind=TaskKind.CHECK_FIRST_MEETING)
    missed = Task.objects.get(match=match, kind=TaskKind.AFTER_MISSED_SESSION)

    with translation.override("da"):
        assert check.heading == "Hør, hvordan det første møde med Ruth Holm gik"
        assert missed.heading == "Ring og hør, hvordan det går (udeblev fra første møde: Ruth Holm)"
    with translation.override("en"):
        assert check.heading == "Hear how the first meeting with Ruth Holm went"
    assert (check.title, missed.title) == ("", "")
