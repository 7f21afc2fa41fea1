"""Availability as slots: a weekday and a part of the day (morning, afternoon, evening).

Here, in core, because offers, volunteers and the citizens' wishes for matching all say when
they meet or are free in these slots, and the week belongs to none of them.

A slot is weekday * 3 + part, so Tuesday afternoon is 1 * 3 + 1 = 4. Citizens and volunteers say
when they are free in slots; an offer's meetings fall into slots, so fit is a set intersection.
"""

from datetime import time

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy


class Weekday(models.IntegerChoices):
    MONDAY = 0, pgettext_lazy("weekday", "Monday")
    TUESDAY = 1, pgettext_lazy("weekday", "Tuesday")
    WEDNESDAY = 2, pgettext_lazy("weekday", "Wednesday")
    THURSDAY = 3, pgettext_lazy("weekday", "Thursday")
    FRIDAY = 4, pgettext_lazy("weekday", "Friday")
    SATURDAY = 5, pgettext_lazy("weekday", "Saturday")
    SUNDAY = 6, pgettext_lazy("weekday", "Sunday")


class PartOfDay(models.IntegerChoices):
    MORNING = 0, gettext_lazy("morning")
    AFTERNOON = 1, gettext_lazy("afternoon")
    EVENING = 2, gettext_lazy("evening")


ALL_SLOTS = list(range(21))


def part_of_day(at: time) -> int:
    if at.hour < 12:
        return PartOfDay.MORNING
    if at.hour < 17:
        return PartOfDay.AFTERNOON
    return PartOfDay.EVENING


def slot_for(weekday: int, at: time) -> int:
    return weekday * 3 + part_of_day(at)


def slot_label(slot: int) -> str:
    """'Tuesday afternoon' in the active language."""
    weekday, part = divmod(slot, 3)
    return _("{weekday} {part}").format(weekday=Weekday(weekday).label, part=PartOfDay(part).label)


def slot_choices() -> list[tuple[int, str]]:
    return [(slot, slot_label(slot)) for slot in ALL_SLOTS]


def clean_slots(values) -> list[int]:
    slots = sorted({int(v) for v in values})
    if any(s not in ALL_SLOTS for s in slots):
        raise ValueError("slot out of range")
    return slots
