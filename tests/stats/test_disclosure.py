"""Disclosure control on its own: every count rounded by its cell key, no count of 1 to 4
published, the same count of the same records always the same number, and no small count
pinned by a difference of published numbers."""

import itertools
import random
from statistics import mean

import pytest
from django.test import override_settings

from stats import disclosure
from stats.disclosure import (
    MEASURE,
    NO_DATA,
    SHARE,
    SHOWN,
    TOO_FEW,
    TOTAL,
    Column,
    Row,
    Table,
    TableError,
    possible_counts,
    protect,
    published_count,
)
from tests.stats.rounding import publishable

KEYS = range(0, disclosure.CELL_KEY_MODULUS, disclosure.CELL_KEY_MODULUS // 4000)


def outcomes(n: int, k: int = 5) -> set[int]:
    """Every number a count of n is published as, over thousands of cell keys."""
    return {published_count(n, key, k) for key in KEYS}


@pytest.fixture(autouse=True)
def fresh_secret():
    disclosure._secret.cache_clear()
    yield
    disclosure._secret.cache_clear()


def counts_table(rows: list[list[int]], *, keys=None) -> Table:
    """A table of counts with a total column and a total row; `keys` gives cell keys."""
    columns = [Column(f"c{j}", f"c{j}") for j in range(len(rows[0]))]
    columns.append(Column("total", "I alt", kind=TOTAL))
    table_rows = []
    for i, values in enumerate([*rows, [sum(c) for c in zip(*rows, strict=True)]]):
        cells = {f"c{j}": v for j, v in enumerate(values)} | {"total": sum(values)}
        cell_keys = {c: keys(i, c) for c in cells} if keys else {}
        table_rows.append(Row(f"r{i}", f"r{i}", cells, i == len(rows), cell_keys=cell_keys))
    return Table("test", "Test", columns, table_rows)


def shown(published) -> list[list[str]]:
    return [[published.display(c) for c in row.cells] for row in published.rows]


# --- The table of roundings ------------------------------------------------------------------


@pytest.mark.parametrize("k", [3, 5])
def test_a_count_from_1_to_k_minus_1_is_always_0_and_0_is_0(k):
    for n in range(k):
        assert outcomes(n, k) == {0}


@pytest.mark.parametrize("k", [3, 5])
def test_every_count_is_a_multiple_of_k_near_it(k):
    assert outcomes(k, k) == {0, k, 2 * k}  # so 0 can stand for k, and more, too
    for n in range(k + 1, 60):
        assert outcomes(n, k) == publishable(n, k), n


def test_nine_counts_in_ten_are_within_4_and_every_one_within_9():
    for n in [5, 7, 12, 23, 48]:
        errors = [abs(published_count(n, key, 5) - n) for key in KEYS]
        assert sum(e <= 4 for e in errors) / len(errors) > 0.88, n
        assert max(errors) <= 9


@pytest.mark.parametrize("k", [3, 5])
def test_what_a_published_count_stands_for_is_exactly_every_count_that_gives_it(k):
    stands_for: dict[int, set] = {}
    for n in range(0, 80):
        for p in outcomes(n, k):
            stands_for.setdefault(p, set()).add(n)
    for p, counts in stands_for.items():
        if p > 60:
            continue  # counts above 79 would give these too
        low, high = possible_counts(p, k)
        assert counts == set(range(low, high + 1)), p
        assert p == 0 or low >= k  # a number shown is never fewer than k people


def test_the_same_count_with_the_same_cell_key_is_always_the_same_number():
    assert all(published_count(7, 12345, 5) == published_count(7, 12345, 5) for _ in range(50))
    # and the keys of two tables' equal counts of the same records are equal (the sum of the
    # records' keys), so they round alike; other keys round any of the ways
    assert {published_count(7, key, 5) for key in KEYS} == {0, 5, 10, 15}


def test_above_k_the_rounding_is_unbiased():
    for n in [5, 6, 7, 9, 12, 23, 48]:
        average = mean(published_count(n, key, 5) for key in KEYS)
        assert average == pytest.approx(n, abs=0.25), n


def test_the_rounding_is_the_secrets_a_new_one_would_round_afresh():
    before = [published_count(7, key, 5) for key in range(200)]
    with override_settings(BROBYG_ENCRYPTION_KEY="another-secret"):
        disclosure._secret.cache_clear()
        after = [published_count(7, key, 5) for key in range(200)]
    assert before != after


def test_k_of_1_publishes_every_count_as_it_is():
    assert [published_count(n, 99, 1) for n in range(12)] == list(range(12))


# --- Differences of published numbers ----------------------------------------------------------


def test_no_single_difference_of_published_numbers_pins_a_small_count():
    """Every small count t beside up to three other counts in a line that adds up to a total,
    whatever each of them and the total is published as: the total's range less the others'
    ranges, taken with t's own published 0, leaves two values or more."""
    k = 5
    for t in range(1, k):
        for others in itertools.chain.from_iterable(
            itertools.combinations_with_replacement(range(0, 16), r) for r in range(1, 4)
        ):
            total = t + sum(others)
            for published_total in publishable(total):
                for published_others in itertools.product(*(publishable(o) for o in others)):
                    low_total, high_total = possible_counts(published_total, k)
                    ranges = [possible_counts(p, k) for p in published_others]
                    low = max(0, low_total - sum(high for _low, high in ranges))
                    high = high_total - sum(low for low, _high in ranges)
                    own_low, own_high = possible_counts(0, k)
                    left = range(max(low, own_low), min(high, own_high) + 1)
                    assert t in left and len(left) >= 2, (t, others, published_total)


# --- Tables ------------------------------------------------------------------------------------


def test_protect_rounds_every_count_by_its_cell_key():
    # given referrals from three sources, 3 + 10 + 12 = 25, with their records' keys
    table = counts_table([[3, 10, 12]], keys=lambda i, c: sum(map(ord, c)) * 7919)

    published = protect(table, k=5)

    rows = shown(published)
    assert rows[0][0] == "0"
    assert [int(v) for v in rows[0][1:]] == [
        published_count(10, table.rows[0].cell_keys["c1"], 5),
        published_count(12, table.rows[0].cell_keys["c2"], 5),
        published_count(25, table.rows[0].cell_keys["total"], 5),
    ]
    assert [c.state for c in published.rows[0].cells] == [SHOWN] * 4
    # the total row counts the same records as the one row: the same keys, the same numbers
    assert rows[1] == rows[0]


def test_the_same_counts_with_the_same_keys_give_the_same_table():
    def key(i, c):
        return (i * 7919 + len(c) * 104729) % 99991

    rng = random.Random(4)
    rows = [[rng.randint(0, 30) for _ in range(4)] for _ in range(5)]
    first = shown(protect(counts_table(rows, keys=key), k=5))
    assert shown(protect(counts_table(rows, keys=key), k=5)) == first


def test_a_count_without_record_keys_is_rounded_by_its_place_the_same_every_time():
    table = counts_table([[7, 8, 13], [6, 9, 21]])
    assert shown(protect(table, k=5)) == shown(protect(counts_table([[7, 8, 13], [6, 9, 21]]), k=5))
    for row in shown(protect(table, k=5)):
        assert all(int(v) % 5 == 0 for v in row)


def test_the_threshold_is_a_setting_3_gives_statistics_denmarks_rule():
    table = counts_table([[2, 3, 4]], keys=lambda i, c: 1234)
    rows = shown(protect(table, k=3))
    assert rows[0][0] == "0" and int(rows[0][1]) in publishable(3, 3)
    assert int(rows[0][2]) in publishable(4, 3)
    assert shown(protect(table, k=5))[0][:3] == ["0", "0", "0"]


def test_a_table_that_does_not_add_up_is_a_bug_in_its_builder():
    table = counts_table([[3, 10]])
    table.rows[0].values["total"] = 14
    with pytest.raises(TableError):
        protect(table, k=5)


# --- Measures ----------------------------------------------------------------------------------


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
        Row(key, key, {"improved": a, "other": b, "people": a + b, "mean": value})
        for key, a, b, value in rows
    ]
    return Table("m", "M", columns, table_rows)


def test_means_need_a_count_shown_and_shares_come_from_the_published_counts():
    table = measures_table(
        [
            ("many", 10, 30, -1.26),  # 40 people: every count a multiple of 5 already
            ("few", 2, 2, -2.0),  # 4 people, published as 0: nothing over them
            ("small_numerator", 3, 30, -0.5),  # the 3 is published as 0
            ("nobody", 0, 0, None),
        ]
    )
    published = protect(table, k=5)
    by_row = {row.key: row.cells for row in published.rows}

    improved, other, people, mean_change, share = (c.value for c in by_row["many"])
    assert improved in publishable(10) and other in publishable(30) and people in publishable(40)
    assert mean_change == -1.3  # exact, over a count published as 5 or more
    assert share == round(100 * improved / people, 1)  # the published counts' share
    assert [c.state for c in by_row["few"]] == [SHOWN, SHOWN, SHOWN, TOO_FEW, TOO_FEW]
    assert [c.value for c in by_row["few"][:3]] == [0, 0, 0]
    small = by_row["small_numerator"]
    assert small[0].value == 0 and small[2].value in publishable(33)
    assert small[3].value == -0.5  # exact, over at least 25 people as published
    assert small[4].value == 0.0  # 0 of the published people: the share of what is published
    assert [c.state for c in by_row["nobody"][3:]] == [TOO_FEW, TOO_FEW]


def test_a_measure_without_a_value_over_people_shown_is_no_data():
    columns = [Column("people", "Borgere"), Column("days", "Median", kind=MEASURE, base="people")]
    table = Table("t", "T", columns, [Row("jan", "jan", {"people": 20, "days": None})])
    assert protect(table, k=5).rows[0].cells[1].state == NO_DATA


def test_rows_found_in_the_data_are_listed_only_where_a_count_is_published():
    # given districts found in the data: one with 3 screenings, one with 12, and the total
    columns = [Column("n", "Screeninger"), Column("total", "I alt", kind=TOTAL)]
    rows = [
        Row("5000", "5000", {"n": 3, "total": 3}),
        Row("5200", "5200", {"n": 12, "total": 12}),
        Row("total", "I alt", {"n": 15, "total": 15}, is_total=True),
    ]
    table = Table("d", "D", columns, rows, rows_from_data=True)

    published = protect(table, k=5)

    # then the district whose 3 is published as 0 is not listed: that it is there would say
    # someone was screened there, which its 0 does not
    assert [row.key for row in published.rows] == ["5200", "total"]
    table.rows_from_data = False
    assert [row.key for row in protect(table, k=5).rows] == ["5000", "5200", "total"]
