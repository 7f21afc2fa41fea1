"""Disclosure control on its own: small counts hidden, and never worked out from the rest."""

import random

import pytest

from stats.disclosure import (
    COUNT,
    LINKED,
    MEASURE,
    NO_DATA,
    SHARE,
    SHOWN,
    SMALL,
    TOO_FEW,
    TOTAL,
    Column,
    Row,
    Table,
    TableError,
    protect,
    suppress,
)


def counts_table(rows: list[list[int]], *, total_row=True, total_column=True) -> Table:
    """A table of counts with true totals, rows r0, r1, … and columns c0, c1, …"""
    columns = [Column(f"c{j}", f"c{j}") for j in range(len(rows[0]))]
    if total_column:
        columns.append(Column("total", "I alt", kind=TOTAL))
    table_rows = []
    for i, values in enumerate(rows):
        cells = {f"c{j}": v for j, v in enumerate(values)}
        if total_column:
            cells["total"] = sum(values)
        table_rows.append(Row(f"r{i}", f"r{i}", cells))
    if total_row:
        sums = {f"c{j}": sum(r[j] for r in rows) for j in range(len(rows[0]))}
        if total_column:
            sums["total"] = sum(sum(r) for r in rows)
        table_rows.append(Row("total", "I alt", sums, is_total=True))
    return Table("test", "Test", columns, table_rows)


def shown(published) -> list[list[str]]:
    return [[published.display(c) for c in row.cells] for row in published.rows]


# --- An attacker who knows every published number and the rules --------------------------------


def solutions_per_hidden_cell(table: Table, hidden: dict, k: int) -> dict:
    """Every value each hidden cell can take in some solution that fits all published numbers,
    with "<k" read as 1..k-1 and "x" as any number. The reader is given the benefit of every
    doubt: an "x" that is in truth 0 or large is taken as 0 or k and more (what "x" is nearly
    always), and only one that is in truth small as any number. Brute force with propagation,
    for small tables: an independent check of the audit in `suppress`."""
    count_keys = [c.key for c in table.columns if c.kind in (COUNT, TOTAL)]
    parts = [c.key for c in table.columns if c.kind == COUNT]
    total_key = next((c.key for c in table.columns if c.kind == TOTAL), None)
    total_row = next((i for i, r in enumerate(table.rows) if r.is_total), None)
    value = {(i, key): r.values[key] for i, r in enumerate(table.rows) for key in count_keys}
    # A reader knows no upper bound of an "x" but what the lines give; a little above the
    # largest count is room enough to find a second solution where there is one.
    ceiling = max(value.values()) + 2 * k
    lines = []
    if total_key:
        for i in range(len(table.rows)):
            lines.append([((i, key), 1) for key in parts] + [((i, total_key), -1)])
    if total_row is not None:
        members = [i for i in range(len(table.rows)) if i != total_row]
        for key in count_keys:
            lines.append([((i, key), 1) for i in members] + [((total_row, key), -1)])

    def domain(cell):
        if hidden[cell] == SMALL:
            return range(1, k)
        if 0 < value[cell] < k:
            return range(ceiling + 1)
        return [0, *range(k, ceiling + 1)]

    seen = {cell: set() for cell in hidden}
    unknown = sorted(hidden)

    def consistent(assigned) -> tuple[bool, dict]:
        # Propagate lines with one unknown left; fail on a line that cannot add up.
        assigned = dict(assigned)
        progress = True
        while progress:
            progress = False
            for line in lines:
                open_cells = [c for c, _ in line if c in hidden and c not in assigned]
                known = sum(
                    coefficient * (assigned[c] if c in hidden else value[c])
                    for c, coefficient in line
                    if c not in open_cells
                )
                if not open_cells:
                    if known != 0:
                        return False, assigned
                elif len(open_cells) == 1:
                    cell = open_cells[0]
                    coefficient = next(co for c, co in line if c == cell)
                    needed = -known * coefficient
                    if needed not in domain(cell):
                        return False, assigned
                    assigned[cell] = needed
                    progress = True
        return True, assigned

    def search(assigned):
        ok, assigned = consistent(assigned)
        if not ok:
            return
        rest = [c for c in unknown if c not in assigned]
        if not rest:
            for cell, v in assigned.items():
                seen[cell].add(v)
            return
        cell = rest[0]
        for v in domain(cell):
            search({**assigned, cell: v})

    search({})
    return seen


def assert_no_small_count_can_be_worked_out(table: Table, k: int):
    hidden = suppress(table, k)
    seen = solutions_per_hidden_cell(table, hidden, k)
    for cell in hidden:
        i, key = cell
        assert table.rows[i].values[key] in seen[cell], "the true table must be a solution"
        if 0 < table.rows[i].values[key] < k:
            assert len(seen[cell]) >= 2, f"{cell} = {table.rows[i].values[key]} is pinned"
    return hidden


# --- Rules ---------------------------------------------------------------------------------------


def test_counts_from_one_to_four_are_hidden_and_zero_is_shown():
    published = protect(counts_table([[0, 1, 4, 5, 20]], total_row=False, total_column=False), k=5)
    assert shown(published) == [["0", "<5", "<5", "5", "20"]]
    assert [c.state for c in published.rows[0].cells] == [SHOWN, SMALL, SMALL, SHOWN, SHOWN]
    assert [c.value for c in published.rows[0].cells] == [0, None, None, 5, 20]


def test_the_threshold_is_a_setting_3_gives_statistics_denmarks_rule():
    table = counts_table([[2, 3, 4]], total_row=False, total_column=False)
    assert shown(protect(table, k=3)) == [["<3", "3", "4"]]
    assert shown(protect(table, k=5)) == [["<5", "<5", "<5"]]


def test_a_cell_of_3_whose_total_would_give_it_away():
    # given referrals from three sources, 3 + 10 + 12 = 25
    table = counts_table([[3], [10], [12]], total_column=False)

    published = protect(table, k=5)

    # then the 3 is hidden, the total stays true, and so a second count is hidden with it:
    # 25 - 12 tells only that the two hidden counts make 13 together
    assert shown(published) == [["<5"], ["x"], ["12"], ["25"]]
    hidden = assert_no_small_count_can_be_worked_out(table, 5)
    assert hidden == {(0, "c0"): SMALL, (1, "c0"): LINKED}


def test_a_cell_of_3_in_a_two_way_table_hides_a_rectangle():
    table = counts_table([[3, 10, 12], [8, 9, 30], [6, 20, 7]])
    published = protect(table, k=5)
    rows = shown(published)
    assert rows[0][0] == "<5"
    # every row and column with a hidden count has at least two
    for line in [*rows[:-1], *zip(*rows[:-1], strict=True)]:
        assert sum(1 for v in line if v in ("<5", "x")) != 1
    assert rows[-1][-1] == str(3 + 10 + 12 + 8 + 9 + 30 + 6 + 20 + 7)
    assert_no_small_count_can_be_worked_out(table, 5)


def test_a_hidden_1_beside_a_hidden_5_is_not_pinned_by_their_sum():
    # 1 + 5 + 0 = 6: hiding the 1 and the 5 is not enough, for "<5" + "x" = 6 means 1 + 5
    table = counts_table([[1, 5, 0]], total_row=False)
    hidden = assert_no_small_count_can_be_worked_out(table, 5)
    assert (0, "total") in hidden


def test_two_small_counts_in_a_line_whose_sum_pins_both_get_company():
    # 1 + 1 = 2 with "<5" meaning at least 1: both would be 1
    table = counts_table([[1, 1, 20, 30]], total_row=False)
    assert_no_small_count_can_be_worked_out(table, 5)


def test_a_table_without_totals_hides_small_counts_only():
    # A referral may name several life transitions: the counts add up to nothing.
    table = counts_table([[3, 10], [12, 1]], total_row=False, total_column=False)
    assert shown(protect(table, k=5)) == [["<5", "10"], ["12", "<5"]]


@pytest.mark.parametrize("seed", range(12))
def test_no_small_count_can_be_worked_out_in_random_tables(seed):
    rng = random.Random(seed)
    for _ in range(25):
        n_rows, n_columns = rng.randint(1, 3), rng.randint(1, 3)
        weights = [0, 0, 1, 2, 3, 4, 5, 6, 7, 9, 12, 15]
        rows = [[rng.choice(weights) for _ in range(n_columns)] for _ in range(n_rows)]
        table = counts_table(
            rows, total_row=rng.random() < 0.8, total_column=rng.random() < 0.8 or n_rows == 1
        )
        assert_no_small_count_can_be_worked_out(table, rng.choice([3, 5]))


def test_a_table_that_does_not_add_up_is_a_bug_in_its_builder():
    table = counts_table([[3, 10]], total_row=False)
    table.rows[0].values["total"] = 14
    with pytest.raises(TableError):
        protect(table, k=5)


# --- Measures ------------------------------------------------------------------------------------


def measures_table(rows) -> Table:
    """People improved or not, with their mean change and the share improved."""
    columns = [
        Column("improved", "Forbedret"),
        Column("other", "Andre"),
        Column("people", "Borgere", kind=TOTAL),
        Column("mean", "Gennemsnit", kind=MEASURE, base="people"),
        Column("share", "Andel", kind=SHARE, base="people", numerator="improved"),
    ]
    table_rows = [
        Row(key, key, {"improved": a, "other": b, "people": a + b, "mean": mean})
        for key, a, b, mean in rows
    ]
    return Table("m", "M", columns, table_rows)


def test_means_and_shares_need_enough_people_whose_count_is_shown():
    table = measures_table(
        [
            ("many", 6, 14, -1.26),  # 20 people
            ("few", 2, 2, -2.0),  # 4 people: not shown
            ("small_numerator", 3, 30, -0.5),  # the share would give the 3 away
            ("nobody", 0, 0, None),
            ("none_improved", 0, 12, 0.25),
        ]
    )
    published = protect(table, k=5)
    by_row = {row.key: row.cells for row in published.rows}

    assert [c.value for c in by_row["many"]] == [6, 14, 20, -1.3, 30.0]
    assert [c.state for c in by_row["few"][3:]] == [TOO_FEW, TOO_FEW]
    assert by_row["few"][2].state == SMALL
    assert by_row["small_numerator"][3].value == -0.5  # the mean is over 33 people
    assert by_row["small_numerator"][4].state == TOO_FEW
    assert [c.state for c in by_row["nobody"][3:]] == [NO_DATA, NO_DATA]
    assert by_row["none_improved"][4].value == 0.0


def test_a_mean_over_a_count_hidden_to_protect_another_is_not_shown():
    columns = [
        Column("people", "Borgere"),
        Column("days", "Median", kind=MEASURE, base="people"),
    ]
    rows = [
        Row("jan", "jan", {"people": 3, "days": 2.0}),
        Row("feb", "feb", {"people": 9, "days": 4.0}),
        Row("mar", "mar", {"people": 40, "days": 5.0}),
        Row("total", "I alt", {"people": 52, "days": 4.5}, is_total=True),
    ]
    published = protect(Table("t", "T", columns, rows), k=5)
    assert [[published.display(c) for c in r.cells] for r in published.rows] == [
        ["<5", ""],
        ["x", ""],
        ["40", "5.0"],
        ["52", "4.5"],
    ]
