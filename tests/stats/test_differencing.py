"""The differencing attack, run against every table under every filter, on a municipality cut
fine enough that nearly every narrowed cell is a small count (tests/stats/small_cells.py).

The attacker asks for the statistics without filters and once per team, district and age band,
for every run of months from one month to the whole half-year; for the half-year also per pair
of them (a team and an age band, …); and all of it per quarter too. Each count it reads is a
number of records of one kind (referrals, screenings, closed cases, …) narrowed by months, team,
district, age band and what the table's row and column say. Two counts of the same records, from
any two tables or exports, must agree; and every count without a filter on a dimension is the
sum of the counts with each value of it: the unfiltered table minus each filter's partition, sums
of filtered exports against the unfiltered, months against quarters and longer periods, and
tables that share totals. It narrows what each count can be through all of these at once, again
and again until nothing changes (interval propagation), and then looks for a small count (1–4)
left with one possible value.

The attacker is generous: it is told which of these sums really hold in the data (a team filter
misses screenings made after a case closed), and it knows how the published numbers are made
(docs/statistics.md, "Small counts"). It is also checked: every true count must stay within what
it believes, or its reading of the published numbers is wrong.
"""

import calendar
import itertools
from dataclasses import dataclass
from typing import NamedTuple

import pytest
from django.db import transaction

from stats.constants import FILTER_AGE_BANDS
from stats.disclosure import COUNT, SHOWN, TOTAL, Cell, PublishedRow, protect
from stats.exports import csv_lines
from stats.filters import StatsFilter
from stats.queries import statistics_session
from stats.tables import TABLES
from tests.stats.small_cells import MONTHS, build

pytestmark = pytest.mark.django_db

K = 5
INF = float("inf")


def what_a_reader_knows(cell, k: int = K) -> tuple[int, float]:
    """The counts a published count can stand for, as docs/statistics.md says: a count below k
    is published as 0; any other as the multiple of k below or above it, or, rarely, one
    multiple further; so 0 stands for 0 to 2k - 1, and p for p - 2k + 1 (at least k) to
    p + 2k - 1. Cells of per-export suppression ("<5", "x") are read as they were documented."""
    if cell.state == "small":  # "<k"
        return 1, k - 1
    if cell.state == "linked":  # "x"
        return 0, INF
    p = cell.value
    if k == 1:
        return p, p
    if p == 0:
        return 0, 2 * k - 1
    return max(k, p - 2 * k + 1), p + 2 * k - 1


# What each table counts, and what its rows and columns say about the records counted: a row is
# a period, a filter dimension (age band, district) or an attribute of the records, and so is a
# column (a total column says nothing).
@dataclass(frozen=True)
class Shape:
    kind: str
    rows: str  # "period", "age", "district" or an attribute's name
    columns: str  # "age", "district" or an attribute's name


SHAPES = {
    "referrals_by_source": Shape("referral", "period", "source"),
    "referrals_by_reason": Shape("referral", "period", "transition"),
    "first_contact": Shape("case_reached", "period", "count"),
    "screenings_by_colour": Shape("screening", "colour", "severity"),
    "severe_over_time": Shape("screening", "period", "severity"),
    "severe_by_age_band": Shape("screening", "age", "severity"),
    "severe_by_district": Shape("screening", "district", "severity"),
    "ucla3_change": Shape("followed_up", "age", "outcome"),
    "ucla3_change_by_category": Shape("followed_up_offer", "category", "outcome"),
    "cases_closed_by_reason": Shape("case_closed", "period", "reason"),
    "matches_by_strategy": Shape("match", "strategy", "status"),
    "matches_by_category": Shape("match_offer", "category", "status"),
    "volunteer_waiting_list": Shape("waiting", "role", "count"),
    "gap_analysis": Shape("gap", "district", "age"),
    "unmet_needs": Shape("unmet_need", "district", "category"),
}
DIMENSIONS = ("age", "district")
# Attributes whose values do not split the records into parts that add up: a referral names any
# number of life transitions; a table with one count column has nothing to split.
NOT_A_PARTITION = {"transition", "count"}


class Key(NamedTuple):
    """A set of records: a kind, narrowed by months, team, district, age band and attributes."""

    kind: str
    months: frozenset
    team: str | None
    district: str | None
    age: str | None
    attributes: frozenset  # of (name, value)


def narrow(key: Key, what: str, value) -> Key | None:
    """The records of `key` whose `what` (a filter dimension or an attribute) is `value`; None
    where there can be none (the row for 30-49 when the filter says 80+)."""
    if what in DIMENSIONS:
        if getattr(key, what) not in (None, value):
            return None
        return key._replace(**{what: value})
    return key._replace(attributes=key.attributes | {(what, value)})


def _period_months(filters: StatsFilter) -> list[frozenset]:
    """The months of each period (row) of a table by period."""
    step = 3 if filters.interval == "quarter" else 1
    result = []
    for first in filters.periods():
        months = set()
        for i in range(step):
            index = first.year * 12 + first.month - 1 + i
            months.add((index // 12, index % 12 + 1))
        result.append(frozenset(months))
    return result


@dataclass
class Reading:
    """Everything the attacker has read, and the true counts beside it."""

    possible: dict  # Key -> [low, high]
    true: dict  # Key -> the true count
    published: dict  # Key -> {the published values seen}
    listed: dict  # (kind, row dimension) -> values seen as rows
    # (table key, the table's records, its values listed as rows, its count columns' keys)
    unlisted: list


def _learn(reading: Reading, key: Key, true: int, low, high) -> None:
    assert reading.true.setdefault(key, true) == true, ("not the same records", key)
    known = reading.possible.setdefault(key, [0, INF])
    known[0], known[1] = max(known[0], low), min(known[1], high)


def read(reading: Reading, filters: StatsFilter, table, published, *, reader) -> None:
    shape = SHAPES[table.key]
    periods = _period_months(filters)
    base = Key(
        shape.kind,
        frozenset().union(*periods),
        str(filters.team.pk) if filters.team else None,
        filters.district or None,
        filters.age_band or None,
        frozenset(),
    )
    counts = [(j, c) for j, c in enumerate(table.columns) if c.kind in (COUNT, TOTAL)]
    listed = set()
    by_key = {row.key: row for row in published.rows}
    left_out = PublishedRow("", "", [Cell(0)] * len(table.columns))  # its counts were all 0
    for i, row in enumerate(table.rows):
        shown = by_key.get(row.key, left_out)
        if row.is_total:
            records = base
        elif shape.rows == "period":
            records = base._replace(months=periods[i])
        else:
            records = narrow(base, shape.rows, row.key)
            if row.key in by_key:
                listed.add(row.key)
        for j, column in counts:
            key = records
            if key is not None and column.kind == COUNT:
                key = narrow(key, shape.columns, column.key)
            true = row.values.get(column.key) or 0
            if key is None:
                assert true == 0, (table.key, row.key, column.key)
                continue
            _learn(reading, key, true, *reader(shown.cells[j]))
            reading.published.setdefault(key, set()).add(shown.cells[j].value)
    if shape.rows != "period":
        reading.listed.setdefault((shape.kind, shape.rows), set()).update(listed)
        columns = [c.key for _j, c in counts if c.kind == COUNT]
        reading.unlisted.append((table, base, listed, columns))


def _read_unlisted(reading: Reading, reader) -> None:
    """A table whose rows are the colours, districts, … found lists no row for one it did not
    find: its counts are all published as 0 (`rows_from_data`), or, for a table without that
    rule, they are all 0 in truth."""
    for table, base, listed, columns in reading.unlisted:
        shape = SHAPES[table.key]
        low, high = reader(Cell(0)) if table.rows_from_data else (0, 0)
        for value in reading.listed[(shape.kind, shape.rows)] - listed:
            records = narrow(base, shape.rows, value)
            if records is None:
                continue
            for key in [records, *(narrow(records, shape.columns, c) for c in columns)]:
                if key is not None:
                    true = reading.true.get(key, 0)
                    _learn(reading, key, true, low, high)


def equations(reading: Reading, teams, districts, ages) -> list:
    """Every "whole = sum of parts" the attacker can write down from what it has read, kept
    only where it holds in truth."""
    keys = set(reading.possible)
    names: dict = {}
    for key in keys:
        for name, value in key.attributes:
            names.setdefault((key.kind, name), set()).add(value)
    result = []
    for key in keys:
        candidates = []
        for dimension, values in (("team", teams), ("district", districts), ("age", ages)):
            if getattr(key, dimension) is None:
                candidates.append([key._replace(**{dimension: v}) for v in values])
        present = {name for name, _value in key.attributes}
        for (kind, name), values in names.items():
            if kind == key.kind and name not in present and name not in NOT_A_PARTITION:
                candidates.append(
                    [key._replace(attributes=key.attributes | {(name, v)}) for v in values]
                )
        if len(key.months) > 1:
            ordered = sorted(key.months)
            for cut in range(1, len(ordered)):
                candidates.append(
                    [
                        key._replace(months=frozenset(ordered[:cut])),
                        key._replace(months=frozenset(ordered[cut:])),
                    ]
                )
        for parts in candidates:
            if all(p in keys for p in parts) and reading.true[key] == sum(
                reading.true[p] for p in parts
            ):
                result.append((key, parts))
    return result


def attack(reading: Reading, sums: list, *, rounds: int = 200) -> None:
    """Narrow every count through every sum until nothing changes."""
    keys = list(reading.possible)
    index = {key: i for i, key in enumerate(keys)}
    lo = [reading.possible[key][0] for key in keys]
    hi = [reading.possible[key][1] for key in keys]
    indexed = [(index[whole], [index[p] for p in parts]) for whole, parts in sums]
    for _round in range(rounds):
        changed = False
        for whole, parts in indexed:
            low = sum(lo[p] for p in parts)
            high = sum(hi[p] for p in parts)
            if low > lo[whole]:
                lo[whole], changed = low, True
            if high < hi[whole]:
                hi[whole], changed = high, True
            for part in parts:
                # What the whole, less what the other parts can be, leaves for this part.
                new_low = lo[whole] - (high - hi[part])
                new_high = hi[whole] - (low - lo[part])
                if new_low > lo[part]:
                    low += new_low - lo[part]
                    lo[part], changed = new_low, True
                if new_high < hi[part]:
                    high -= hi[part] - new_high
                    hi[part], changed = new_high, True
        if not changed:
            break
    for key, low, high in zip(keys, lo, hi, strict=True):
        reading.possible[key] = [low, high]


def exports(filters_list, *, k: int = K, publish=protect):
    """(filters, exact table, published table) for every table under every filter: what
    `stats.selectors.published_tables` gives every export and the dashboard."""
    with statistics_session():
        for filters in filters_list:
            for builder in TABLES:
                table = builder(filters)
                yield filters, table, publish(table, k=k)


def attack_filters(town) -> list[StatsFilter]:
    """Without filters and per team, district and age band for every run of months; over the
    half-year, also per pair of them; and all of these per quarter."""
    first, last = MONTHS[0], MONTHS[-1]
    ends = [(m.year, m.month) for m in MONTHS]
    choices = [
        [("team", t) for t in town.teams],
        [("district", d) for d in town.districts],
        [("age_band", a) for a in town.age_bands],
    ]
    singles = [[]] + [[c] for group in choices for c in group]
    pairs = [[a, b] for g1, g2 in itertools.combinations(choices, 2) for a in g1 for b in g2]
    result = []
    for start, end in itertools.combinations_with_replacement(range(len(ends)), 2):
        for narrowing in singles:
            result.append(_filters(MONTHS[start], MONTHS[end], "month", narrowing))
    for narrowing in pairs:
        result.append(_filters(first, last, "month", narrowing))
    for narrowing in [*singles, *pairs]:
        result.append(_filters(first, last, "quarter", narrowing))
    return result


def _month_end(first):
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _filters(start, end, interval, narrowing) -> StatsFilter:
    return StatsFilter(start=start, end=_month_end(end), interval=interval, **dict(narrowing))


def run_attack(
    town, filters_list, *, k: int = K, publish=protect, reader=what_a_reader_knows
) -> tuple[Reading, list]:
    reading = Reading({}, {}, {}, {}, [])
    for filters, table, published in exports(filters_list, k=k, publish=publish):
        read(reading, filters, table, published, reader=reader)
    _read_unlisted(reading, reader)
    teams = [str(t.pk) for t in town.teams]
    sums = equations(reading, teams, town.districts, list(FILTER_AGE_BANDS))
    attack(reading, sums)
    for key, (low, high) in reading.possible.items():
        assert low <= reading.true[key] <= high, ("the attacker misread", key, low, high)
    recovered = [
        key
        for key, (low, high) in reading.possible.items()
        if 0 < reading.true[key] < k and low == high
    ]
    return reading, recovered


@pytest.fixture(scope="module")
def town(django_db_setup, django_db_blocker):
    """One municipality for the module (it takes a while to make), rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


def test_the_differencing_attack_recovers_no_small_count(town):
    # given every table under every filter, and the attacker's reading of all of it
    reading, recovered = run_attack(town, attack_filters(town))

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

    _reading, recovered = run_attack(
        town, attack_filters(town)[:60], publish=hide_small_counts, reader=exact
    )
    assert len(recovered) > 100


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
