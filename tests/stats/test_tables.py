"""Every table on the hand-made municipality of dataset.py, whose right figures are known."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from referrals.models import age_band_for
from stats import tables
from stats.disclosure import possible_counts, protect
from stats.filters import age_band_sql, filters_from_params
from tests.stats.dataset import build
from tests.stats.rounding import publishable_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def town():
    return build()


def figures(table, *columns) -> dict:
    """{row key: [values of `columns`]} of a builder's exact table."""
    return {row.key: [row.values.get(c) for c in columns] for row in table.rows}


def published(table, k=5) -> dict:
    """{row key: [the cells as exported]}, after checking that every count is published as its
    true count rounded the documented way: a multiple of k that stands for the true count, and 0
    for a count of 1 to k-1. Which way a count rounds depends on its records' keys."""
    result = protect(table, k=k)
    for row, shown in zip(table.rows, result.rows, strict=True):
        for column, cell in zip(table.columns, shown.cells, strict=True):
            if column.is_count:
                true = row.values.get(column.key) or 0
                low, high = possible_counts(cell.value, k)
                assert cell.value % k == 0 and low <= true <= high, (row.key, column.key)
                if true < k:
                    assert cell.value == 0, (row.key, column.key)
    return {row.key: [result.display(c) for c in row.cells] for row in result.rows}


rounded = publishable_text


def quarter(**params):
    return filters_from_params({"from": "2025-01", "to": "2025-03", **params})


def test_referrals_by_source(town):
    table = tables.referrals_by_source(quarter())

    assert figures(table, "gp", "home_care", "hospital", "self", "total") == {
        "2025-01": [6, 2, 0, 1, 9],
        "2025-02": [7, 0, 5, 0, 12],
        "2025-03": [0, 0, 0, 0, 0],
        "total": [13, 2, 5, 1, 21],
    }
    assert [r.label for r in table.rows] == ["januar 2025", "februar 2025", "marts 2025", "I alt"]
    # The 2 and the 1 are published as 0; the others as a multiple of 5 near them.
    shown = published(table)
    columns = [c.key for c in table.columns]
    january = [shown["2025-01"][columns.index(k)] for k in ("gp", "home_care", "self", "total")]
    assert january[0] in rounded(6) and january[1:3] == ["0", "0"] and january[3] in rounded(9)
    assert shown["total"][columns.index("total")] in rounded(21)


def test_referrals_by_source_per_quarter_and_for_one_team(town):
    table = tables.referrals_by_source(quarter(interval="quarter"))
    assert figures(table, "gp", "total") == {"2025-Q1": [13, 21], "total": [13, 21]}
    assert table.rows[0].label == "1. kvt. 2025"

    syd = tables.referrals_by_source(quarter(team=str(town.syd.pk)))
    assert figures(syd, "self", "total")["total"] == [1, 1]


def test_referrals_by_life_transition_counts_each_named(town):
    table = tables.referrals_by_reason(quarter())
    assert figures(table, "bereavement", "retirement", "not_stated") == {
        "2025-01": [4, 2, 5],
        "2025-02": [5, 0, 7],
        "2025-03": [0, 0, 0],
        "total": [9, 2, 12],
    }
    # A count of 1 to 4 is published as 0.
    assert published(table)["2025-01"][:3] == ["0", "0", "0"]
    # With Statistics Denmark's threshold (k = 3) the 4 is rounded to a multiple of 3; the 2 is 0.
    january = published(table, k=3)["2025-01"][:3]
    assert january[0] in publishable_text(4, k=3) and january[1:] == ["0", "0"]


def test_time_from_referral_to_first_contact_median_and_90th_percentile(town):
    table = tables.first_contact_time(quarter())
    rows = figures(table, "contacted", "median", "p90")
    # January: 1, 2, 2, 3, 5, 8 days → median 2.5; 90th percentile 5 + 0.5 × (8 - 5) = 6.5
    assert rows["2025-01"][0] == 6
    assert rows["2025-01"][1:] == pytest.approx([2.5, 6.5])
    assert rows["2025-02"][0] == 12
    assert rows["2025-02"][1:] == pytest.approx([1.0, 1.0])
    assert rows["2025-03"] == [0, None, None]
    assert rows["total"][0] == 18
    assert rows["total"][1:] == pytest.approx([1.0, 3.6])
    # Six people, published as a multiple of 5 near 6: if 5 or more, enough for the median and
    # the 90th percentile, which are exact; over a count published as 0, nothing.
    january = published(table)["2025-01"]
    assert january[0] in rounded(6)
    assert january[1:] == (["2.5", "6.5"] if january[0] != "0" else ["", ""])
    assert published(table)["2025-02"][1:] == ["1.0", "1.0"]  # twelve: never published as 0
    assert published(table)["2025-03"] == ["0", "", ""]


def test_cases_closed_by_reason(town):
    table = tables.cases_closed_by_reason(quarter())
    assert figures(table, "lasting_community", "declined", "total")["2025-03"] == [5, 2, 7]
    # The 2 is published as 0; the 5 and the 7 are rounded each on its own.
    march = published(table)["2025-03"]
    assert march[0] in rounded(5) and march[1] == "0" and march[-1] in rounded(7)


def test_screenings_by_colour(town):
    table = tables.screenings_by_colour(quarter())
    assert figures(table, "under_7", "7_plus", "total") == {
        "Grøn": [6, 0, 6],
        "Gul": [5, 0, 5],
        "Rød": [0, 12, 12],
        "total": [11, 12, 23],
    }
    assert [r.colour for r in table.rows[:3]] == ["#2e7d32", "#f2b600", "#c62828"]


def test_share_at_7_or_more_over_time(town):
    table = tables.severe_loneliness_over_time(quarter())
    assert figures(table, "under_7", "7_plus", "total") == {
        "2025-01": [3, 7, 10],
        "2025-02": [1, 2, 3],
        "2025-03": [7, 3, 10],
        "total": [11, 12, 23],
    }
    # The share is the published count at 7 or more over the published screenings: 12 of 23
    # is published as 10 or 15 of 20 or 25.
    total = published(table)["total"]
    assert total[1] in rounded(12) and total[2] in rounded(23)
    assert total[3] == str(round(100 * int(total[1]) / int(total[2]), 1))
    # February's 3 screenings are published as 0: no share over them.
    assert published(table)["2025-02"] == ["0", "0", "0", ""]


def test_share_at_7_or_more_by_age_band_and_district(town):
    by_age = tables.severe_loneliness_by_age_band(quarter())
    assert figures(by_age, "under_7", "7_plus")["65-79"] == [11, 10]
    assert figures(by_age, "under_7", "7_plus")["30-49"] == [0, 2]
    by_district = tables.severe_loneliness_by_district(quarter())
    assert figures(by_district, "under_7", "7_plus") == {
        "5000": [11, 10],
        "5200": [0, 2],
        "total": [11, 12],
    }


def test_the_filters_narrow_by_district_and_age_band(town):
    assert figures(tables.severe_loneliness_over_time(quarter(district="5200")), "total") == {
        "2025-01": [0],
        "2025-02": [2],
        "2025-03": [0],
        "total": [2],
    }
    assert figures(tables.referrals_by_source(quarter(age_band="30-49")), "total")["total"] == [0]
    assert figures(tables.referrals_by_source(quarter(age_band="65-79")), "total")["total"] == [21]


def test_change_in_ucla3_from_the_first_to_a_later_screening(town):
    table = tables.ucla3_change(quarter())
    row = figures(table, "improved", "other", "people", "first", "latest", "change")["65-79"]
    # ten citizens: first [9, 9, 8, 8, 7, 7, 6, 6, 5, 9] → 7.4, latest
    # [5, 6, 6, 5, 5, 7, 6, 7, 5, 9] → 6.1; five fell by 2 or more. The citizen screened twice
    # ten days apart is not a follow-up.
    assert row[:3] == [5, 5, 10]
    assert [Decimal(v).quantize(Decimal("0.01")) for v in row[3:]] == [
        Decimal("7.40"),
        Decimal("6.10"),
        Decimal("-1.30"),
    ]
    total = published(table)["total"]
    assert total[0] in rounded(5) and total[1] in rounded(5) and total[2] in rounded(10)
    assert total[3:6] == ["7.4", "6.1", "-1.3"]  # means over the ten, exact
    assert total[6] == str(round(100 * int(total[0]) / int(total[2]), 1))
    assert figures(table, "people")["30-49"] == [0]


def test_a_period_with_nothing_in_it_gives_zero_rows_not_errors(town):
    empty = filters_from_params({"from": "2024-01", "to": "2024-02"})
    for build_table in tables.TABLES:
        table = build_table(empty)
        assert table.rows[-1].is_total
        protect(table, k=5)


@pytest.mark.parametrize(
    ("born", "day"),
    [
        (date(2009, 3, 1), date(2025, 3, 1)),  # 16 today
        (date(2009, 3, 2), date(2025, 3, 1)),  # 16 tomorrow
        (date(2008, 2, 29), date(2024, 2, 28)),  # a leap-day birthday, not yet
        (date(2008, 2, 29), date(2024, 2, 29)),
        (date(1945, 6, 1), date(2025, 5, 31)),  # 79
        (date(1945, 6, 1), date(2025, 6, 1)),  # 80
        (date(1960, 12, 31), date(2025, 1, 1)),
        (date(1995, 1, 1), date(2025, 1, 1)),
        (date(1975, 7, 15), date(2025, 7, 14)),
    ],
)
def test_age_bands_in_sql_agree_with_the_citizens_age_band(born, day):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {age_band_sql(birth_date='%s::date', day='%s::date')}",
            [v for _ in range(5) for v in (born, day)],
        )
        in_sql = cursor.fetchone()[0]
    assert in_sql == age_band_for(born, on=day)
