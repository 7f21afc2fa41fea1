"""The differencing attack (stats/attack.py), run against every table under every filter, on a
municipality cut fine enough that nearly every narrowed cell is a small count
(tests/stats/small_cells.py): every team, district and age band, for every run of months of a
half-year, every pair of them over the half-year, and all of it per quarter.
"""

import calendar
import itertools

import pytest
from django.db import transaction

from stats.attack import (
    SHAPES,
    K,
    attack_filters,
    exports,
    period_months,
    run_attack,
)
from stats.disclosure import SHOWN, Cell, protect
from stats.exports import csv_lines
from stats.filters import StatsFilter
from stats.tables import TABLES
from tests.stats.small_cells import MONTHS, build

pytestmark = pytest.mark.django_db


def _month_end(first):
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def test_the_attacker_can_read_every_table():
    filters = StatsFilter(start=MONTHS[0], end=_month_end(MONTHS[-1]), interval="month")
    assert set(SHAPES) == {build(filters).key for build in TABLES}


def test_a_quarter_cut_by_the_window_is_read_as_the_months_inside():
    """A window from February to April reads the first quarter as February and March and the
    second as April: the same records as those months' own counts."""
    filters = StatsFilter(start=MONTHS[1], end=_month_end(MONTHS[3]), interval="quarter")
    assert period_months(filters) == [
        frozenset({(2025, 2), (2025, 3)}),
        frozenset({(2025, 4)}),
    ]


@pytest.fixture(scope="module")
def town(django_db_setup, django_db_blocker):
    """One municipality for the module (it takes a while to make), rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


def test_the_differencing_attack_recovers_no_small_count(town):
    # given every table under every filter, and the attacker's reading of all of it
    result = run_attack(town, attack_filters(town))
    reading, recovered = result.reading, result.recovered

    # then the data set was worth attacking: thousands of small counts, many narrowed
    small = [key for key, value in reading.true.items() if 0 < value < K]
    assert len(small) > 2000
    # and every count of the same records was published as the same number, wherever it was
    assert [key for key, values in reading.published.items() if len(values) > 1] == []
    # and no small count is left with a single possible value
    assert recovered == [], f"{len(recovered)} small counts recovered, e.g. {recovered[:3]}"


def test_the_attack_recovers_small_counts_that_are_only_hidden(town):
    """The attacker has teeth: against exact counts with each small one hidden as "<5", the
    same attack recovers them (most by subtracting the others from a total)."""

    def hide_small_counts(table, *, k):
        published = protect(table, k=1)  # every count as it is
        for row in published.rows:
            row.cells = [
                Cell(None, "small") if column.is_count and 0 < cell.value < k else cell
                for column, cell in zip(published.columns, row.cells, strict=True)
            ]
        return published

    def exact(cell, k=K):
        return (1, k - 1) if cell.state == "small" else (cell.value, cell.value)

    result = run_attack(town, attack_filters(town)[:60], publish=hide_small_counts, reader=exact)
    assert len(result.recovered) > 100


def every_combination(town) -> list[StatsFilter]:
    """Every team, district and age band, alone and together, by month and by quarter, over
    the half-year."""
    teams = [None, *town.teams]
    districts = ["", *town.districts]
    bands = ["", *town.age_bands]
    return [
        StatsFilter(
            start=MONTHS[0],
            end=_month_end(MONTHS[-1]),
            interval=interval,
            team=team,
            district=district,
            age_band=band,
        )
        for team, district, band in itertools.product(teams, districts, bands)
        for interval in ("month", "quarter")
    ]


def test_no_count_from_1_to_4_is_published_under_any_filters(town):
    combinations = every_combination(town)
    assert len(combinations) == 240
    true_small = 0
    for _filters, table, published in exports(combinations):
        true_small += sum(
            0 < (row.values.get(c.key) or 0) < K
            for row in table.rows
            for c in table.columns
            if c.is_count
        )
        columns = [c.key for c in table.columns]
        for shown in published.rows:
            for column, cell in zip(table.columns, shown.cells, strict=True):
                if column.is_count:
                    assert cell.state == SHOWN and not 0 < cell.value < K, (table.key, shown.key)
                elif cell.shown:
                    # a mean, median or share only over a count published as 5 or more
                    base = shown.cells[columns.index(column.base)]
                    assert base.value >= K, (table.key, shown.key, column.key)
        # as exported: no value of 1 to 4 in a count's line of the CSV
        for line in list(csv_lines([published]))[1:]:
            value = line.rstrip("\r\n").rsplit(",", 1)[-1]
            assert value not in {"1", "2", "3", "4"}, line
    assert true_small > 1000  # plenty of small counts there were to publish
