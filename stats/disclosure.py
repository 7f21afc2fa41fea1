"""Disclosure control: what may leave Brobyg of a table of counts, means, medians and shares.

A table builder returns every number exactly (a `Table`); `protect()` turns it into a
`PublishedTable` whose cells hold only what may be shown. Nothing else ever reaches a page,
an export or the API, so a chart cannot draw an exact count by mistake.

The method is cell-key perturbation with rounding, as the British (ONS) and Australian (ABS)
statistics offices publish census tables. With k = `settings.BROBYG_STATS_MIN_COUNT` (5):

1. Every record counted (a referral, a screening, a case, a citizen, …) has a record key: a
   fixed pseudo-random number from its id and a secret (`stats.queries.record_key_sql`). A
   count's cell key is the sum of its records' keys (modulo 2^24), computed in the same query
   as the count: the same records have the same cell key, whichever table, export or filter
   counts them, and a count of other records has a key that tells nothing of this one's.
2. A count n is published as a multiple of k, looked up in a fixed table by n and positions
   drawn from its cell key (`published_count`):

       n = 0          → 0
       n = 1 … k-1    → 0                         (never published as such)
       any other n    → k·⌊n/k⌋ or k·⌊n/k⌋ + k    (up with chance (n mod k)/k; unbiased)
                        and then, once in 20 each, one multiple of k further down or up

   The same count of the same records is therefore always the same number, in every table,
   export and filter. Nine counts in ten are within k-1 of the truth, every one within 2k-1;
   totals are rounded on their own, so the parts of a row need not add up to its total.
3. A mean, median or percentile is shown only over a published count of k or more (the true
   count is then k or more); a share is the published numerator over the published count.
4. Where a table's rows are the values found in the data (districts, triage colours), a row
   whose counts are all published as 0 is left out: that a row is there must say no more than
   its numbers.

What a reader can tell from a published count p (`possible_counts`): 0 stands for 0 to 2k-1,
any other p for p-2k+1 (but at least k) to p+2k-1: the step beyond is rare, but no number rules
it out. So a count of 1 to k-1 is never published, and it lies strictly inside what its own
published 0 allows. A published sum minus published parts ("the unfiltered figure minus the
other age bands", "the quarter minus two of its months") carries the rounding of every count in
it and is a range, not a number; taken with the small count's own 0 to 2k-1 it always leaves
two values or more, so no single difference pins a small count. Narrowing many such ranges
against each other could close in on one only where several counts fell at the far ends of
their ranges at once, which the step beyond makes rare; the attack in
tests/stats/test_differencing.py does all of it and finds none. Asking for the same cell again,
in another export or with other filters that count the same records, gives the same number and
nothing to average. docs/decisions/0012-statistics-disclosure.md says why this method and what
the attack found before and after.
"""

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from django.conf import settings
from django.utils.functional import Promise

# Column kinds
COUNT = "count"  # a number of people or events; part of the row's total
TOTAL = "total"  # the row's total of its COUNT columns
MEASURE = "measure"  # a mean, median or percentile over the people counted in `base`
SHARE = "share"  # `numerator` / `base`, in per cent

# Cell states
SHOWN = "shown"
TOO_FEW = "too_few"  # a measure or share over a count published as fewer than k
NO_DATA = "no_data"  # a measure with no value over a count that is shown

# Cell keys are sums of record keys modulo this (24 bits: a sum over millions of records stays
# well inside PostgreSQL's bigint).
CELL_KEY_MODULUS = 1 << 24

# Once in this many, a count is published one multiple of k further down than its rounding, and
# as often one further up: the step a reader cannot rule out for any number, which keeps every
# published number standing for a range of 4k - 1 counts (2k for 0).
STEP_ODDS = 20


@dataclass(frozen=True)
class Column:
    key: str
    label: str | Promise
    kind: str = COUNT
    base: str | None = None  # MEASURE, SHARE: the count column of the people it is over
    numerator: str | None = None  # SHARE: the count column counted
    unit: str | Promise = ""
    decimals: int = 1

    @property
    def is_count(self) -> bool:
        return self.kind in (COUNT, TOTAL)


@dataclass
class Row:
    key: str
    label: str | Promise
    values: dict
    is_total: bool = False
    colour: str = ""  # for charts: the row's own colour (a triage colour's hex)
    # {column key: cell key} for the counts: the sum of the counted records' keys (see above).
    cell_keys: dict = field(default_factory=dict)


@dataclass
class Table:
    """Exact figures, as a builder computes them. Never leaves the process unprotected."""

    key: str
    title: str | Promise
    columns: list[Column]
    rows: list[Row]
    description: str | Promise = ""
    # The name of its sheet in the Excel export, where the title is too long for one (Excel
    # allows 31 characters): short, whole words, and unlike every other table's.
    sheet_title: str | Promise = ""
    row_heading: str | Promise = ""
    chart: str | None = None  # how the dashboard draws it: "stacked", "line", "bars" or None
    chart_columns: Sequence[str] = ()  # the columns the chart draws (all counts by default)
    notes: list = field(default_factory=list)
    # The rows are the values found in the data (districts, triage colours), not a fixed list:
    # published, a row whose counts are all 0 is left out, so which rows there are says no more
    # than the numbers do (a district listed under a filter would say "someone is here").
    rows_from_data: bool = False


@dataclass(frozen=True)
class Cell:
    value: int | float | None
    state: str = SHOWN

    @property
    def shown(self) -> bool:
        return self.state == SHOWN


@dataclass
class PublishedRow:
    key: str
    label: str | Promise
    cells: list[Cell]
    is_total: bool = False
    colour: str = ""


@dataclass
class PublishedTable:
    key: str
    title: str | Promise
    columns: list[Column]
    rows: list[PublishedRow]
    description: str | Promise
    row_heading: str | Promise
    chart: str | None
    chart_columns: Sequence[str]
    notes: list
    min_count: int
    sheet_title: str | Promise = ""

    @property
    def has_hidden(self) -> bool:
        """Whether a mean, median or share is not shown for too few citizens."""
        return any(c.state == TOO_FEW for r in self.rows for c in r.cells)

    def display(self, cell: Cell) -> str:
        return display(cell, self.min_count)


def display(cell: Cell, min_count: int) -> str:
    """The cell as text: the number, or "" for a measure that is not shown."""
    if cell.state != SHOWN or cell.value is None:
        return ""
    return str(cell.value)


class TableError(ValueError):
    """A builder's table does not add up: a bug in the builder, never shown to a user."""


# --- Counts ---------------------------------------------------------------------------------------


@cache
def _secret() -> bytes:
    """The statistics' secret, derived from the encryption key, which never changes once data
    exists: a new secret would round every count afresh, and two roundings of one count are
    two looks at it."""
    material = settings.BROBYG_ENCRYPTION_KEY.encode()
    return hmac.new(material, b"brobyg statistics cell keys", hashlib.sha256).digest()


def record_key_seed(label: str) -> int:
    """The seed of the record keys of one kind of record (a model's label), as a bigint."""
    digest = hmac.new(_secret(), f"record key {label}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


def position_key(*parts) -> int:
    """A cell key for a count whose builder gave none: from the cell's place in its table
    (table, row and column), so a place gets the same rounding for the same count whatever the
    filters. Weaker than a record key (the same records counted in two places are rounded
    independently); every builder should give record keys."""
    text = "\x1f".join(str(p) for p in parts).encode()
    digest = hmac.new(_secret(), b"position " + text, hashlib.sha256).digest()
    return int.from_bytes(digest[:4], "big") % CELL_KEY_MODULUS


def _positions(n: int, cell_key: int) -> tuple[int, int]:
    """Where the count n with this cell key looks up its rounding: two numbers from 0 to 2^64
    (positions in [0, 1) times 2^64), one for the way it rounds and one for the step beyond. A
    keyed hash of both, so counts whose keys are related (a total and its parts) are rounded
    independently of each other."""
    digest = hmac.new(_secret(), f"{n}:{cell_key}".encode(), hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big"), int.from_bytes(digest[8:16], "big")


_WHOLE = 1 << 64


def published_count(n: int, cell_key: int, k: int) -> int:
    """The number published for a count of n whose cell key is `cell_key` (see the module's
    docstring). k = 1 publishes every count as it is."""
    if k <= 1 or n == 0:
        return n
    if n < k:
        return 0
    way, step = _positions(n, cell_key % CELL_KEY_MODULUS)
    below = n - n % k
    # The multiple below or above, up with chance (n mod k) / k: way / 2^64 < (n mod k) / k.
    published = below + k if way * k < (n % k) * _WHOLE else below
    # Then, once in STEP_ODDS each, one multiple further down or up (never below 0: the
    # multiple is k or more here).
    if step < _WHOLE // STEP_ODDS:
        return published - k
    if step >= _WHOLE - _WHOLE // STEP_ODDS:
        return published + k
    return published


def possible_counts(published: int, k: int) -> tuple[int, int]:
    """Every true count a published count can stand for (lowest, highest): what a reader who
    knows the method can tell, and no more."""
    if k <= 1:
        return published, published
    if published == 0:
        return 0, 2 * k - 1
    return max(k, published - 2 * k + 1), published + 2 * k - 1


def _check(table: Table) -> None:
    """Counts are whole numbers; a total column is its row's sum and a total row the sum of the
    other rows. A table that does not add up is a bug in its builder."""
    counts = [c for c in table.columns if c.is_count]
    totals = [c for c in counts if c.kind == TOTAL]
    total_rows = [r for r in table.rows if r.is_total]
    if len(totals) > 1 or len(total_rows) > 1:
        raise TableError(f"{table.key}: at most one total column and one total row")
    for row in table.rows:
        for c in counts:
            value = row.values.get(c.key) or 0
            if not isinstance(value, int) or value < 0:
                raise TableError(f"{table.key}: {row.key}/{c.key} is not a count: {value!r}")
    parts = [c.key for c in counts if c.kind == COUNT]
    if totals:
        for row in table.rows:
            if sum(row.values.get(k) or 0 for k in parts) != (row.values.get(totals[0].key) or 0):
                raise TableError(f"{table.key}: row {row.key} does not add up to its total")
    if total_rows:
        members = [r for r in table.rows if not r.is_total]
        for c in counts:
            if sum(r.values.get(c.key) or 0 for r in members) != (
                total_rows[0].values.get(c.key) or 0
            ):
                raise TableError(f"{table.key}: column {c.key} does not add up to its total")
    by_key = {c.key: c for c in table.columns}
    for column in table.columns:
        if column.kind in (MEASURE, SHARE) and (
            column.base not in by_key or not by_key[column.base].is_count
        ):
            raise TableError(f"{table.key}: {column.key} needs a count column as its base")
        if column.kind == SHARE and (
            column.numerator not in by_key or not by_key[column.numerator].is_count
        ):
            raise TableError(f"{table.key}: {column.key} needs a count column as its numerator")


# --- Publishing -----------------------------------------------------------------------------------


def _rounded(value, decimals: int):
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return int(number) if decimals == 0 else float(number)


def protect(table: Table, *, k: int) -> PublishedTable:
    """The table as it may be shown: every count rounded by its cell key, and measures and
    shares only over counts published as k or more."""
    if k < 1:
        raise ValueError("the smallest count shown must be at least 1")
    _check(table)
    rows = []
    for row in table.rows:
        counts = {}
        for column in table.columns:
            if column.is_count:
                n = row.values.get(column.key) or 0
                key = row.cell_keys.get(column.key)
                if key is None:
                    key = position_key(table.key, row.key, column.key)
                counts[column.key] = published_count(n, int(key), k)
        if table.rows_from_data and not row.is_total and not any(counts.values()):
            continue
        cells = []
        for column in table.columns:
            if column.is_count:
                cells.append(Cell(counts[column.key]))
                continue
            base = counts[column.base]
            if base < k:
                cells.append(Cell(None, TOO_FEW))
            elif column.kind == SHARE:
                cells.append(Cell(_rounded(100 * counts[column.numerator] / base, column.decimals)))
            elif row.values.get(column.key) is None:
                cells.append(Cell(None, NO_DATA))
            else:
                cells.append(Cell(_rounded(row.values[column.key], column.decimals)))
        rows.append(PublishedRow(row.key, row.label, cells, row.is_total, row.colour))
    return PublishedTable(
        key=table.key,
        title=table.title,
        columns=table.columns,
        rows=rows,
        description=table.description,
        row_heading=table.row_heading,
        chart=table.chart,
        chart_columns=table.chart_columns,
        notes=table.notes,
        min_count=k,
        sheet_title=table.sheet_title,
    )
