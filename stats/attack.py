"""The differencing attack: what a reader of every export could work out, checked against the
truth. `manage.py stats_attack` runs it on a municipality's own data before it publishes; the
suite runs it on a municipality cut fine enough that nearly every narrowed cell is a small count.

The attacker asks for the statistics without filters and once per team, district and age band,
for every run of months in a window (one month to all of them); over the whole window also per
pair of them (a team and an age band, …); and all of it per quarter too. Each count it reads is
a number of records of one kind (referrals, screenings, closed cases, …) narrowed by months,
team, district, age band and what the table's row and column say. Two counts of the same
records, from any two tables or exports, must agree; and every count without a filter on a
dimension is the sum of the counts with each value of it: the unfiltered table minus each
filter's partition, sums of filtered exports against the unfiltered, months against quarters
and longer periods, and tables that share totals. It narrows what each count can be through all
of these at once, again and again until nothing changes (interval propagation), and then looks
for a small count (1 to k-1) left with one possible value.

The attacker is generous: it is told which of these sums really hold in the data (a team filter
misses screenings made after a case closed), and it knows how the published numbers are made
(docs/statistics.md, "Small counts"). It is also checked: every true count must stay within what
it believes, or its reading of the published numbers is wrong.
"""

import calendar
import itertools
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from stats.constants import FILTER_AGE_BANDS
from stats.disclosure import COUNT, TOTAL, Cell, PublishedRow, protect
from stats.filters import StatsFilter
from stats.queries import statistics_session
from stats.tables import TABLES

K = 5
INF = float("inf")


@dataclass
class Window:
    """What the attacker cuts by: the teams, districts and age bands of the filters, and the
    months (first days, in order, consecutive) it reads every run of."""

    teams: list
    months: list
    districts: list
    age_bands: list = field(default_factory=lambda: list(FILTER_AGE_BANDS))


class Misread(Exception):
    """The attacker's reading of the tables contradicts the truth: a table's shape in `SHAPES`
    is wrong, or the published numbers are not made as `what_a_reader_knows` says."""


def what_a_reader_knows(cell, k: int = K) -> tuple[int, float]:
    """The counts a published count can stand for, as docs/statistics.md says: a count below k
    is published as 0; any other as the multiple of k below or above it, or, rarely, one
    multiple further; so 0 stands for 0 to 2k - 1, and p for p - 2k + 1 (at least k) to
    p + 2k - 1."""
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
    "citizens_by_triage_colour": Shape("triage_state", "colour", "how"),
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


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def period_months(filters: StatsFilter) -> list[frozenset]:
    """The months of each period (row) of a table by period, within the filters' months (a
    quarter cut by the start or the end counts only the months inside)."""
    step = 3 if filters.interval == "quarter" else 1
    inside = range(_month_index(filters.start), _month_index(filters.end) + 1)
    result = []
    for first in filters.periods():
        start = _month_index(first)
        months = {(i // 12, i % 12 + 1) for i in range(start, start + step) if i in inside}
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
    if reading.true.setdefault(key, true) != true:
        raise Misread(f"two different counts of the same records: {key}")
    known = reading.possible.setdefault(key, [0, INF])
    known[0], known[1] = max(known[0], low), min(known[1], high)


def read(reading: Reading, filters: StatsFilter, table, published, *, reader) -> None:
    if table.key not in SHAPES:
        raise Misread(f"a table the attacker cannot read (add it to SHAPES): {table.key}")
    shape = SHAPES[table.key]
    periods = period_months(filters)
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
                if true:
                    raise Misread(f"a count where none can be: {table.key} {row.key} {column.key}")
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


def attack_filters(window: Window, *, pairs: bool = True) -> list[StatsFilter]:
    """Without filters and per team, district and age band for every run of months; over the
    whole window, also per pair of them (unless `pairs` is False); and all of these per
    quarter."""
    months = window.months
    first, last = months[0], months[-1]
    choices = [
        [("team", t) for t in window.teams],
        [("district", d) for d in window.districts],
        [("age_band", a) for a in window.age_bands],
    ]
    singles = [[]] + [[c] for group in choices for c in group]
    both = (
        [[a, b] for g1, g2 in itertools.combinations(choices, 2) for a in g1 for b in g2]
        if pairs
        else []
    )
    result = []
    for start, end in itertools.combinations_with_replacement(range(len(months)), 2):
        for narrowing in singles:
            result.append(_filters(months[start], months[end], "month", narrowing))
    for narrowing in both:
        result.append(_filters(first, last, "month", narrowing))
    for narrowing in [*singles, *both]:
        result.append(_filters(first, last, "quarter", narrowing))
    return result


def _month_end(first):
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _filters(start, end, interval, narrowing) -> StatsFilter:
    return StatsFilter(start=start, end=_month_end(end), interval=interval, **dict(narrowing))


@dataclass
class Result:
    reading: Reading
    recovered: list  # the keys of the small counts left with one possible value
    exports: int  # the filters read (each: every table)
    sums: int  # the "whole = sum of parts" equations written down

    @property
    def small(self) -> int:
        """The true counts of 1 to k-1 among those read."""
        return sum(1 for value in self.reading.true.values() if 0 < value < K)


def run_attack(
    window: Window,
    filters_list: list[StatsFilter],
    *,
    k: int = K,
    publish=protect,
    reader=what_a_reader_knows,
    progress=None,
) -> Result:
    """Read every table under every filter in `filters_list`, as `publish` shows it, narrow
    every count through every sum, and return the small counts left with one possible value.
    `progress(done, total)`, if given, is called after each filter's tables."""
    reading = Reading({}, {}, {}, {}, [])
    done, last = 0, None
    for filters, table, published in exports(filters_list, k=k, publish=publish):
        if progress and filters is not last:
            if last is not None:
                progress(done, len(filters_list))
            done, last = done + 1, filters
        read(reading, filters, table, published, reader=reader)
    if progress:
        progress(done, len(filters_list))
    _read_unlisted(reading, reader)
    teams = [str(t.pk) for t in window.teams]
    sums = equations(reading, teams, window.districts, list(window.age_bands))
    attack(reading, sums)
    for key, (low, high) in reading.possible.items():
        if not low <= reading.true[key] <= high:
            raise Misread(f"the true count is outside what the attacker believes: {key}")
    recovered = [
        key
        for key, (low, high) in reading.possible.items()
        if 0 < reading.true[key] < k and low == high
    ]
    return Result(reading, recovered, len(filters_list), len(sums))
