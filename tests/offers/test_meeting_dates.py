"""The days an offer meets (offers/schedules.py), and attendance only on those days."""

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from matching.services import (
    match_accept,
    match_plan_first_meeting,
    match_propose,
    match_record_first_meeting,
    session_record_attendance,
)
from offers.models import OfferSchedule, OfferSession
from offers.schedules import meeting_dates, possible_meeting_dates
from offers.services import offer_set_schedules
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer

MON, TUE, WED, THU, FRI = 0, 1, 2, 3, 4


def _schedule(frequency, **values) -> OfferSchedule:
    return OfferSchedule(frequency=frequency, starts_at=time(14), **values)


# --- Which days -----------------------------------------------------------------------------------


def test_weekly_meets_on_its_weekday_every_week():
    tuesdays = meeting_dates(
        [_schedule("weekly", weekday=TUE)], date(2026, 12, 1), date(2026, 12, 31)
    )

    assert tuesdays == [date(2026, 12, d) for d in (1, 8, 15, 22, 29)]


def test_every_other_week_is_counted_from_its_first_time():
    # First time Wednesday 9 December: the 23rd, then 6 January; not the 16th, nor the 2nd.
    schedule = _schedule("biweekly", weekday=WED, valid_from=date(2026, 12, 9))

    assert meeting_dates([schedule], date(2026, 12, 1), date(2027, 1, 10)) == [
        date(2026, 12, 9),
        date(2026, 12, 23),
        date(2027, 1, 6),
    ]


def test_every_other_week_asked_from_a_week_it_does_not_meet_finds_the_right_weeks():
    schedule = _schedule("biweekly", weekday=WED, valid_from=date(2026, 1, 7))

    # 7 January + 50 weeks = 23 December 2026; the 16th is an off week.
    assert meeting_dates([schedule], date(2026, 12, 14), date(2026, 12, 31)) == [date(2026, 12, 23)]


def test_monthly_on_the_first_third_and_last_weekday_of_the_month():
    first = _schedule("monthly", weekday=MON, week_of_month=1)
    third = _schedule("monthly", weekday=THU, week_of_month=3)
    last = _schedule("monthly", weekday=FRI, week_of_month=-1)

    dates = meeting_dates([first, third, last], date(2026, 11, 1), date(2027, 1, 31))

    assert dates == [
        date(2026, 11, 2),  # first Monday
        date(2026, 11, 19),  # third Thursday
        date(2026, 11, 27),  # last Friday
        date(2026, 12, 7),
        date(2026, 12, 17),
        date(2026, 12, 25),
        date(2027, 1, 4),
        date(2027, 1, 21),
        date(2027, 1, 29),
    ]


def test_once_meets_on_its_date_only():
    schedule = _schedule("once", date=date(2026, 12, 3))

    assert meeting_dates([schedule], date(2026, 12, 1), date(2026, 12, 31)) == [date(2026, 12, 3)]
    assert meeting_dates([schedule], date(2026, 12, 4), date(2026, 12, 31)) == []


def test_a_season_bounds_a_weekly_meeting_time():
    summer = _schedule(
        "weekly", weekday=THU, valid_from=date(2027, 6, 1), valid_until=date(2027, 6, 20)
    )

    assert meeting_dates([summer], date(2027, 5, 1), date(2027, 7, 31)) == [
        date(2027, 6, 3),
        date(2027, 6, 10),
        date(2027, 6, 17),
    ]


def test_two_meeting_times_on_one_day_make_one_meeting_day_in_order():
    morning = _schedule("weekly", weekday=TUE)
    afternoon = OfferSchedule(frequency="weekly", weekday=TUE, starts_at=time(18))
    friday = _schedule("once", date=date(2026, 12, 4))

    assert meeting_dates([friday, morning, afternoon], date(2026, 12, 1), date(2026, 12, 8)) == [
        date(2026, 12, 1),
        date(2026, 12, 4),
        date(2026, 12, 8),
    ]


def test_one_weekday_a_month_without_the_week_is_possible_on_each_such_day_but_not_sure():
    schedule = _schedule("monthly", weekday=TUE, week_of_month=None)

    assert meeting_dates([schedule], date(2026, 12, 1), date(2026, 12, 31)) == []
    assert possible_meeting_dates([schedule], date(2026, 12, 1), date(2026, 12, 31)) == [
        date(2026, 12, d) for d in (1, 8, 15, 22, 29)
    ]


# --- Attendance only on those days ----------------------------------------------------------------


def _last(weekday: int) -> date:
    """The last such weekday before today."""
    today = timezone.localdate()
    return today - timedelta(days=(today.weekday() - weekday) % 7 or 7)


@pytest.fixture
def coming():
    """A citizen coming to a group offer that meets on Tuesdays."""
    load_postcodes()
    builder = UserFactory(bridge_builder=True)
    team = coordination_team()
    offer = make_offer(
        team=team, schedules=[{"frequency": "weekly", "weekday": TUE, "starts_at": time(14)}]
    )
    match = match_propose(case=make_referral().referral.case, offer=offer, actor=builder)
    match_accept(match=match, actor=builder)
    match_plan_first_meeting(match=match, at=timezone.now(), actor=builder)
    match = match_record_first_meeting(match=match, came=True, actor=builder)
    return {
        "offer": offer,
        "match": match,
        "coordinator": UserFactory(coordinator=True, team=team),
    }


@pytest.mark.django_db
def test_attendance_on_a_day_the_offer_does_not_meet_is_refused(coming):
    thursday = date(2026, 12, 3)

    with translation.override("en"), pytest.raises(ValidationError) as error:
        session_record_attendance(
            offer=coming["offer"],
            on=thursday,
            attended={coming["match"].pk: True},
            actor=coming["coordinator"],
        )

    assert error.value.message_dict["date"] == ["The offer does not meet on 3.12.2026."]
    assert not OfferSession.objects.exists()


@pytest.mark.django_db
def test_attendance_on_a_day_the_offer_meets_is_recorded(coming):
    tuesday = _last(TUE)

    session = session_record_attendance(
        offer=coming["offer"],
        on=tuesday,
        attended={coming["match"].pk: True},
        actor=coming["coordinator"],
    )

    assert session.date == tuesday
    assert session.attendances.get().attended is True


@pytest.mark.django_db
def test_a_session_recorded_before_the_meeting_time_moved_can_still_be_corrected(coming):
    # given a Tuesday recorded, and the offer since moved to Thursdays
    tuesday = _last(TUE)
    offer, match, coordinator = coming["offer"], coming["match"], coming["coordinator"]
    session_record_attendance(offer=offer, on=tuesday, attended={match.pk: True}, actor=coordinator)
    offer_set_schedules(
        offer=offer,
        schedules=[{"frequency": "weekly", "weekday": THU, "starts_at": time(14)}],
        actor=coordinator,
    )

    # when the Tuesday is corrected
    session_record_attendance(
        offer=offer, on=tuesday, attended={match.pk: False}, actor=coordinator
    )

    # then it is
    assert OfferSession.objects.get(offer=offer, date=tuesday).attendances.get().attended is False


@pytest.mark.django_db
def test_the_attendance_form_offers_the_days_the_offer_met(client, coming):
    client.force_login(coming["coordinator"])
    url = reverse("matching:offer_attendance", args=[coming["offer"].pk])

    page = client.get(url).content.decode()

    # The latest Tuesday up to today is chosen; the one before is there; no Thursday is.
    today = timezone.localdate()
    latest = today - timedelta(days=(today.weekday() - TUE) % 7)
    before = latest - timedelta(days=7)
    assert f'<option value="{latest.isoformat()}" selected>' in page
    assert f'<option value="{before.isoformat()}">' in page
    assert f'<option value="{(before + timedelta(days=2)).isoformat()}"' not in page


@pytest.mark.django_db
def test_the_attendance_form_refuses_a_day_the_offer_did_not_meet(client, coming):
    client.force_login(coming["coordinator"])
    url = reverse("matching:offer_attendance", args=[coming["offer"].pk])
    wednesday = _last(TUE) + timedelta(days=1)
    if wednesday >= timezone.localdate():
        wednesday -= timedelta(days=7)

    response = client.post(url, {"date": wednesday.isoformat(), f"came_{coming['match'].pk}": "on"})

    assert response.status_code == 400
    assert not OfferSession.objects.exists()


@pytest.mark.django_db
def test_attendance_for_an_offer_without_meeting_times_asks_for_them(coming):
    offer_set_schedules(offer=coming["offer"], schedules=[], actor=coming["coordinator"])

    with translation.override("en"), pytest.raises(ValidationError) as error:
        session_record_attendance(
            offer=coming["offer"],
            on=_last(TUE),
            attended={coming["match"].pk: True},
            actor=coming["coordinator"],
        )

    assert error.value.message_dict["date"] == [
        "The offer has no meeting times: give them on the offer first."
    ]
