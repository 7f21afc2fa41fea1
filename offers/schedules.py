"""The days an offer meets, worked out from its meeting times (OfferSchedule).

Pure functions of the meeting times and a period: no database, no clock. The calls before each
session, the pickup list and the attendance form all ask here, so that they agree on when an
offer meets:

- every week on its weekday;
- every other week on its weekday, counted from its first time (`valid_from`; a meeting time
  made before that was kept is counted from the week it was made, as the open data shows it);
- monthly on the first to fourth or the last such weekday of the month (`week_of_month`);
- once, on its date;
- a recurring meeting time only within its season, from its first time to its last
  (`valid_from`, `valid_until`).

A meeting time is over when its season has ended or its single date has passed
(`schedule_is_over`, and `schedules_current` for a query): the directory neither shows it nor
finds the offer by its weekday.

A monthly meeting time that does not say which week ("one Tuesday a month") meets on one of
that month's such weekdays, nobody knows which: it is in `possible_meeting_dates`, where
attendance may be recorded, but not in `meeting_dates`, for which people are called.
"""

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone

from offers.constants import Frequency
from offers.models import OfferSchedule


def schedule_is_over(schedule: OfferSchedule, today: date) -> bool:
    """A season that has ended, or a single date that has passed, is no longer a meeting time."""
    if schedule.frequency == Frequency.ONCE:
        return schedule.date < today
    return schedule.valid_until is not None and schedule.valid_until < today


def schedules_current(today: date) -> Q:
    """The meeting times not over on `today`, as a filter of OfferSchedule (schedule_is_over's
    rule)."""
    once = Q(frequency=Frequency.ONCE)
    return (once & Q(date__gte=today)) | (
        ~once & (Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )


def schedules_on_weekday(weekday: int) -> Q:
    """The meeting times on a weekday (0 Monday): a recurring one's own, a single date's day.
    PostgreSQL counts the week from Sunday (1), Python from Monday (0)."""
    return Q(date__isnull=True, weekday=weekday) | Q(date__week_day=(weekday + 1) % 7 + 1)


def meeting_dates(schedules: Iterable[OfferSchedule], start: date, end: date) -> list[date]:
    """Every day from `start` to `end` (both included) on which one of `schedules` surely
    meets, in order, each once."""
    return _dates(schedules, start, end, possible=False)


def possible_meeting_dates(
    schedules: Iterable[OfferSchedule], start: date, end: date
) -> list[date]:
    """As `meeting_dates`, and also each day a monthly meeting time whose week is not given
    may fall on."""
    return _dates(schedules, start, end, possible=True)


def _dates(schedules, start: date, end: date, *, possible: bool) -> list[date]:
    days = set()
    for schedule in schedules:
        days.update(_schedule_dates(schedule, start, end, possible=possible))
    return sorted(days)


def _schedule_dates(schedule: OfferSchedule, start: date, end: date, *, possible: bool):
    if schedule.frequency == Frequency.ONCE:
        if schedule.date is not None and start <= schedule.date <= end:
            yield schedule.date
        return
    if schedule.weekday is None:
        return
    # The season bounds a recurring meeting time.
    if schedule.valid_from is not None:
        start = max(start, schedule.valid_from)
    if schedule.valid_until is not None:
        end = min(end, schedule.valid_until)
    if start > end:
        return
    if schedule.frequency == Frequency.WEEKLY:
        yield from _every(_first_on_or_after(start, schedule.weekday), end, days=7)
    elif schedule.frequency == Frequency.BIWEEKLY:
        anchor = _biweekly_anchor(schedule, start)
        first = _first_on_or_after(start, schedule.weekday)
        if (first - anchor).days % 14:
            first += timedelta(days=7)
        yield from _every(first, end, days=14)
    elif schedule.frequency == Frequency.MONTHLY:
        if schedule.week_of_month is None:
            if possible:
                yield from _every(_first_on_or_after(start, schedule.weekday), end, days=7)
            return
        year, month = start.year, start.month
        while date(year, month, 1) <= end:
            day = _weekday_of_month(year, month, schedule.weekday, schedule.week_of_month)
            if day is not None and start <= day <= end:
                yield day
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _every(first: date, end: date, *, days: int):
    day = first
    while day <= end:
        yield day
        day += timedelta(days=days)


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _biweekly_anchor(schedule: OfferSchedule, start: date) -> date:
    """A day the meeting time surely falls on: its first time, or (made before the first time
    was kept) the first such weekday from the day it was made, as the open data counts it; one
    not saved yet is counted from the start of the period."""
    if schedule.valid_from is not None:
        made = schedule.valid_from
    elif schedule.created_at is not None:
        made = timezone.localdate(schedule.created_at)
    else:
        made = start
    return _first_on_or_after(made, schedule.weekday)


def _weekday_of_month(year: int, month: int, weekday: int, week: int) -> date | None:
    """The first to fourth (1–4) or last (-1) `weekday` of the month."""
    days_in_month = calendar.monthrange(year, month)[1]
    if week == -1:
        last = date(year, month, days_in_month)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    if not 1 <= week <= 4:
        return None
    return _first_on_or_after(date(year, month, 1), weekday) + timedelta(weeks=week - 1)
