"""What the statistics' tables share: period keys and labels, rows from a CUBE, the
UCLA-3 screenings narrowed by the filters, the score bands."""

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from django.db.models import (
    Case,
    CharField,
    Value,
    When,
)
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from screening.constants import SEVERE_LONELINESS_SCORE
from screening.models import Screening
from screening.services import DEFAULT_INSTRUMENT
from stats.constants import Interval
from stats.disclosure import SHARE, TOTAL, Column, Row
from stats.filters import (
    StatsFilter,
    narrowed,
)
from stats.queries import (
    KEY_SUFFIX,
    Group,
)

TOTAL_KEY = "total"
TOTAL_LABEL = _("Total")
NOT_STATED = "not_stated"
NO_COLOUR = "none"
UNDER, SEVERE = "under_7", "7_plus"


# --- Shared pieces --------------------------------------------------------------------------------


def period_key(day: date, interval: str) -> str:
    if interval == Interval.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day:%Y-%m}"


def period_label(day: date, interval: str) -> str:
    if interval == Interval.QUARTER:
        return _("Q%(quarter)s %(year)s") % {"quarter": (day.month - 1) // 3 + 1, "year": day.year}
    return date_format(day, "F Y")


def period_rows(filters: StatsFilter) -> list[tuple[str, str]]:
    return [
        (period_key(d, filters.interval), period_label(d, filters.interval))
        for d in filters.periods()
    ]


def keyed_row(key: str, label, figures: dict, **kwargs) -> Row:
    """A row from one group's figures, each count's cell key (`<name>_key`, which `grouped()`
    adds beside a count) apart from the values."""
    values = {k: v for k, v in figures.items() if not k.endswith(KEY_SUFFIX)}
    cell_keys = {
        k.removesuffix(KEY_SUFFIX): v or 0 for k, v in figures.items() if k.endswith(KEY_SUFFIX)
    }
    return Row(key, label, values, cell_keys=cell_keys, **kwargs)


def cube_rows(
    groups: list[Group],
    *,
    rows: list[tuple[str, str]],
    row_key: Callable,
    column_keys: list[str],
    column_key: Callable = str,
    measure: str = "n",
    total_column: bool = True,
    total_row: bool = True,
    extra: Callable | None = None,
) -> list[Row]:
    """Rows of counts from a CUBE over (row dimension, column dimension): one per `rows`
    ((key, label), in order, zero where nothing was counted), and the total row. Each count
    carries its cell key (`<measure>_key`)."""
    cells: dict = {}
    cell_keys: dict = {}
    for group in groups:
        r = TOTAL_KEY if group.rolled_up[0] else row_key(group.keys[0])
        c = TOTAL_KEY if group.rolled_up[1] else column_key(group.keys[1])
        cells[(r, c)] = group.values[measure] or 0
        cell_keys[(r, c)] = group.values.get(measure + KEY_SUFFIX) or 0
    keys = [*column_keys, TOTAL_KEY] if total_column else column_keys
    result = []
    for key, label in [*rows, *([(TOTAL_KEY, TOTAL_LABEL)] if total_row else [])]:
        values = {c: cells.get((key, c), 0) for c in keys}
        if extra:
            values.update(extra(key))
        row_keys = {c: cell_keys.get((key, c), 0) for c in keys}
        result.append(Row(key, label, values, key == TOTAL_KEY, cell_keys=row_keys))
    return result


def _ucla3_screenings(filters: StatsFilter, *, with_age_band: bool = True):
    filters_used = filters if with_age_band else _without_age_band(filters)
    return narrowed(
        Screening.objects.filter(is_draft=False, instrument__code=DEFAULT_INSTRUMENT),
        filters_used,
        at="screened_at",
        team="team",
    )


def _without_age_band(filters: StatsFilter) -> StatsFilter:
    return replace(filters, age_band="")


def _score_band():
    return Case(
        When(score__gte=SEVERE_LONELINESS_SCORE, then=Value(SEVERE)),
        default=Value(UNDER),
        output_field=CharField(),
    )


def _severity_columns() -> list[Column]:
    return [
        Column(UNDER, _("Score 3–6")),
        Column(SEVERE, _("Score 7–9")),
        Column(TOTAL_KEY, _("Screenings"), kind=TOTAL),
        Column(
            "share",
            _("Share at 7 or more"),
            kind=SHARE,
            base=TOTAL_KEY,
            numerator=SEVERE,
            unit="%",
        ),
    ]
