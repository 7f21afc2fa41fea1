"""Disclosure control: what may leave Brobyg of a table of counts, means, medians and shares.

A table builder returns every number exactly (a `Table`); `protect()` turns it into a
`PublishedTable` whose cells hold only what may be shown. Nothing else ever reaches a page,
an export or the API, so a chart cannot draw a hidden number by mistake.

The rules, with k = `settings.BROBYG_STATS_MIN_COUNT` (5; 3 is Statistics Denmark's rule):

1. Primary suppression. A count from 1 to k-1 is hidden and shown as "<k". Zero is shown.
2. Secondary suppression. A table's totals are true totals (a share needs its true base, and
   other tables publish the same totals), so a row or column with a single hidden count would
   give it away by subtraction. Every such line gets a second hidden count, shown as "x": the
   smallest non-zero count in the line, a count before a total.
3. Audit. Two hidden counts in every line is not always enough (a hidden 1 beside a hidden 5
   with a known sum of 6 is pinned, as is a count that links two otherwise separate groups of
   hidden cells). `_has_alternative()` searches, for each small count, for another set of values
   of the hidden cells that fits every published total and what a reader knows of hidden cells
   ("<k" is 1 to k-1, "x" is any number). If there is none, the count could be worked out: one
   more count beside it is hidden, or, when all are hidden already, one of them is shown as "x"
   instead of "<k"; then rule 2 again, until no small count is pinned.
4. Means, medians and shares are shown only over k people or more whose count is itself shown;
   a share also needs its numerator shown (its complement is a count column of its own, so it is
   protected like any other count).

Lines are the table's linear relations: a row's counts add up to its total column, a column's
rows add up to the total row. A table without totals (a category that may be counted more than
once, such as a referral's life transitions) has none, and rule 1 alone protects it.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.functional import Promise

# Column kinds
COUNT = "count"  # a number of people or events; part of the row's total
TOTAL = "total"  # the row's total of its COUNT columns
MEASURE = "measure"  # a mean, median or percentile over the people counted in `base`
SHARE = "share"  # `numerator` / `base`, in per cent

# Cell states
SHOWN = "shown"
SMALL = "small"  # a count from 1 to k-1
LINKED = "linked"  # hidden so that a small count cannot be worked out
TOO_FEW = "too_few"  # a measure over fewer than k people, or over a hidden count
NO_DATA = "no_data"  # a measure over nobody

# How many steps the audit may take for one cell before it plays safe and calls it pinned.
_SEARCH_BUDGET = 20_000


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


@dataclass
class Table:
    """Exact figures, as a builder computes them. Never leaves the process unprotected."""

    key: str
    title: str | Promise
    columns: list[Column]
    rows: list[Row]
    description: str | Promise = ""
    row_heading: str | Promise = ""
    chart: str | None = None  # how the dashboard draws it: "stacked", "line", "bars" or None
    chart_columns: Sequence[str] = ()  # the columns the chart draws (all counts by default)
    notes: list = field(default_factory=list)


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

    @property
    def has_hidden(self) -> bool:
        return any(c.state in (SMALL, LINKED) for r in self.rows for c in r.cells)

    def display(self, cell: Cell) -> str:
        return display(cell, self.min_count)


def display(cell: Cell, min_count: int) -> str:
    """The cell as text: "<5", "x", "" (a measure not shown) or the number."""
    if cell.state == SMALL:
        return f"<{min_count}"
    if cell.state == LINKED:
        return "x"
    if cell.state in (TOO_FEW, NO_DATA) or cell.value is None:
        return ""
    return str(cell.value)


class TableError(ValueError):
    """A builder's table does not add up: a bug in the builder, never shown to a user."""


# --- Counts ---------------------------------------------------------------------------------------


@dataclass
class _Grid:
    values: dict  # (row index, column key) -> int
    lines: list  # [[(cell, coefficient), ...], ...], each summing to zero
    cell_lines: dict  # cell -> [(line index, coefficient), ...]
    is_total: dict  # cell -> bool (a total, hidden only when nothing else will do)
    order: dict  # cell -> position, for a stable choice


def _grid(table: Table) -> _Grid:
    counts = [c for c in table.columns if c.is_count]
    totals = [c for c in counts if c.kind == TOTAL]
    total_rows = [i for i, r in enumerate(table.rows) if r.is_total]
    if len(totals) > 1 or len(total_rows) > 1:
        raise TableError(f"{table.key}: at most one total column and one total row")
    values, is_total, order = {}, {}, {}
    for i, row in enumerate(table.rows):
        for c in counts:
            value = row.values.get(c.key) or 0
            if not isinstance(value, int) or value < 0:
                raise TableError(f"{table.key}: {row.key}/{c.key} is not a count: {value!r}")
            cell = (i, c.key)
            values[cell] = value
            is_total[cell] = row.is_total or c.kind == TOTAL
            order[cell] = len(order)
    lines = []
    parts = [c.key for c in counts if c.kind == COUNT]
    if totals:
        total = totals[0].key
        for i, row in enumerate(table.rows):
            if sum(values[(i, k)] for k in parts) != values[(i, total)]:
                raise TableError(f"{table.key}: row {row.key} does not add up to its total")
            lines.append([((i, k), 1) for k in parts] + [((i, total), -1)])
    if total_rows:
        t = total_rows[0]
        members = [i for i in range(len(table.rows)) if i != t]
        for c in counts:
            if sum(values[(i, c.key)] for i in members) != values[(t, c.key)]:
                raise TableError(f"{table.key}: column {c.key} does not add up to its total")
            lines.append([((i, c.key), 1) for i in members] + [((t, c.key), -1)])
    cell_lines: dict = {cell: [] for cell in values}
    for index, line in enumerate(lines):
        for cell, coefficient in line:
            cell_lines[cell].append((index, coefficient))
    return _Grid(values, lines, cell_lines, is_total, order)


def _bounds(grid: _Grid, hidden: dict, cell, k: int) -> tuple[int, float]:
    """What a reader knows of a hidden cell, narrowed to what is true of it (any solution
    within these bounds is one the reader cannot rule out): "<k" is 1..k-1; "x" is any number,
    but taken as k or more for a large count and as 0 for a zero, which only makes the audit
    stricter."""
    value = grid.values[cell]
    if hidden[cell] == SMALL:
        return 1, k - 1
    if value == 0:
        return 0, 0
    if value < k:  # a small count shown as "x" because "<k" would have pinned it
        return 0, float("inf")
    return k, float("inf")


def _has_alternative(grid: _Grid, hidden: dict, start, k: int) -> bool:
    """Is there another set of values for the hidden cells, within what a reader knows of them,
    that fits every line and gives `start` a different value?

    Every cell is in at most two lines (its row and its column), with coefficient +1 or -1, so
    any other solution differs from the true one by a sum of "circuits": a cycle of hidden cells
    through lines, or a path between two cells that are in one line only, each cell changed by
    +1 or -1 so that every line it passes still adds up. It is enough to look for one circuit
    through `start` that keeps every cell it changes within bounds.
    """
    budget = [_SEARCH_BUDGET]
    bounds = {cell: _bounds(grid, hidden, cell, k) for cell in hidden}

    def fits(cell, delta) -> bool:
        low, high = bounds[cell]
        return low <= grid.values[cell] + delta <= high

    def walk(line, incoming, pending, pending_incoming, visited, used) -> bool:
        # `incoming` is what the circuit has added to `line` so far; one more hidden cell of
        # the line must take it away again.
        budget[0] -= 1
        if budget[0] < 0:
            return False
        for cell, coefficient in grid.lines[line]:
            if cell not in hidden or cell in used:
                continue
            delta = -incoming * coefficient  # coefficient is ±1
            if not fits(cell, delta):
                continue
            others = [(i, c) for i, c in grid.cell_lines[cell] if i != line]
            used.add(cell)
            try:
                if not others:  # the cell is in this line only: the path may end here
                    if pending is None:
                        return True
                    if walk(pending, pending_incoming, None, None, visited, used):
                        return True
                    continue
                other, other_coefficient = others[0]
                if other == pending:
                    if other_coefficient * delta + pending_incoming == 0:
                        return True
                    continue
                if other in visited:
                    continue
                visited.add(other)
                if walk(other, other_coefficient * delta, pending, pending_incoming, visited, used):
                    return True
                visited.discard(other)
            finally:
                used.discard(cell)
        return False

    lines = grid.cell_lines[start]
    if not lines:
        return True  # in no line at all: nothing relates it to anything published
    for delta in (1, -1):
        if not fits(start, delta):
            continue
        first, first_coefficient = lines[0]
        pending, pending_incoming = None, None
        if len(lines) > 1:  # its other line must add up too: the circuit returns there
            pending, pending_incoming = lines[1][0], lines[1][1] * delta
        visited = {first} | ({pending} if pending is not None else set())
        if walk(first, first_coefficient * delta, pending, pending_incoming, visited, {start}):
            return True
    return False


def _pick(grid: _Grid, hidden: dict, candidates, *, more_than: int = 0):
    """The count to hide next among `candidates`: a count before a total, non-zero before
    zero, the smallest first (it costs the reader least), above `more_than` if any is."""
    visible = [c for c in candidates if c not in hidden]
    if not visible:
        return None
    above = [c for c in visible if grid.values[c] > more_than]
    pool = above or visible
    return min(
        pool,
        key=lambda c: (grid.is_total[c], grid.values[c] == 0, grid.values[c], grid.order[c]),
    )


def suppress(table: Table, k: int) -> dict:
    """{cell: SMALL | LINKED} for the table's counts; cell = (row index, column key)."""
    grid = _grid(table)
    hidden = {cell: SMALL for cell, value in grid.values.items() if 0 < value < k}
    if not hidden:
        return hidden
    # Hiding more cells, or saying less of one, never pins a count that had another solution
    # (the same solution still fits), so a count found free stays free.
    free: set = set()
    while True:
        # Rule 2: no line with exactly one hidden cell.
        changed = True
        while changed:
            changed = False
            for line in grid.lines:
                cells = [cell for cell, _coefficient in line]
                if sum(1 for cell in cells if cell in hidden) == 1:
                    chosen = _pick(grid, hidden, cells)
                    if chosen is not None:
                        hidden[chosen] = LINKED
                        changed = True
        # Rule 3: no small count pinned.
        pinned = None
        for cell in sorted(hidden, key=grid.order.get):
            if not 0 < grid.values[cell] < k or cell in free:
                continue
            if not _has_alternative(grid, hidden, cell, k):
                pinned = cell
                break
            free.add(cell)
        if pinned is None:
            return hidden
        neighbours = [c for index, _ in grid.cell_lines[pinned] for c, _ in grid.lines[index]]
        chosen = _pick(grid, hidden, neighbours, more_than=k)
        if chosen is not None:
            hidden[chosen] = LINKED
            continue
        # Every count beside it is hidden already, and "<k" on them still pins it (1 + 1 = "<3"
        # can only be 1 + 1 = 2): show one of them as "x" instead, which says nothing of its
        # size. A total first, then the largest.
        smalls = [c for c in neighbours if hidden.get(c) == SMALL] or (
            [pinned] if hidden[pinned] == SMALL else []
        )
        if not smalls:
            return hidden  # nothing left to hide or to say less of
        chosen = max(smalls, key=lambda c: (grid.is_total[c], grid.values[c], -grid.order[c]))
        hidden[chosen] = LINKED


# --- Publishing -----------------------------------------------------------------------------------


def _rounded(value, decimals: int):
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-decimals)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    return int(number) if decimals == 0 else float(number)


def protect(table: Table, *, k: int) -> PublishedTable:
    """The table as it may be shown: hidden counts, and measures only over enough people."""
    if k < 1:
        raise ValueError("the smallest count shown must be at least 1")
    hidden = suppress(table, k)
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
    rows = []
    for i, row in enumerate(table.rows):

        def count_shown(key, i=i, row=row):
            return (i, key) not in hidden and (row.values.get(key) or 0) >= k

        cells = []
        for column in table.columns:
            value = row.values.get(column.key)
            if column.is_count:
                state = hidden.get((i, column.key), SHOWN)
                cells.append(Cell(value or 0, SHOWN) if state == SHOWN else Cell(None, state))
                continue
            base = row.values.get(column.base) or 0
            if base == 0:
                cells.append(Cell(None, NO_DATA))
            elif not count_shown(column.base) or (
                column.kind == SHARE and (i, column.numerator) in hidden
            ):
                cells.append(Cell(None, TOO_FEW))
            elif column.kind == SHARE:
                numerator = row.values.get(column.numerator) or 0
                cells.append(Cell(_rounded(100 * numerator / base, column.decimals)))
            elif value is None:
                cells.append(Cell(None, NO_DATA))
            else:
                cells.append(Cell(_rounded(value, column.decimals)))
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
    )
