"""No text in an export is a formula when the file is opened in a spreadsheet.

A triage colour's label is typed by an administrator and becomes a row of the statistics. A
label such as `=HYPERLINK("http://x")` must arrive in the CSV with a leading apostrophe and in
the workbook as a plain text cell, while numbers stay numbers.
"""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from screening.models import TriageColour
from stats.disclosure import (
    COUNT,
    MEASURE,
    SHOWN,
    TOO_FEW,
    Cell,
    Column,
    PublishedRow,
    PublishedTable,
)
from stats.exports import csv_lines, xlsx_file
from tests.accounts.factories import TeamFactory, UserFactory
from tests.screening.factories import home_care_citizen, screen
from tests.stats.test_views import PAGES, api_client, body, web_client

pytestmark = pytest.mark.django_db

LABEL = '=HYPERLINK("http://x")'
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# A number, with a full stop (the API's CSV) or a decimal comma (the web's CSV for Danish Excel).
NUMBER = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)\Z")


@pytest.fixture
def hostile_label():
    """The red colour of every triage scheme renamed to a formula, and ten red screenings."""
    team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=team)
    screen(citizen=home_care_citizen(team=team), by=worker, answers=(2, 2, 2))  # a default scheme
    assert TriageColour.objects.filter(code="red").update(label=LABEL)
    # ten, so the colour's row is published (a row of counts all published as 0 is left out)
    for _ in range(10):
        screening = screen(citizen=home_care_citizen(team=team), by=worker, answers=(3, 3, 3))
    assert screening.triage_label == LABEL
    return LABEL


@pytest.fixture
def admin():
    return UserFactory(admin=True)


def _csv_rows(text: str) -> list[dict]:
    """The rows of either CSV form: the web download's for Danish Excel starts with a
    byte-order mark and separates with semicolons."""
    if text.startswith("\ufeff"):
        return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    return list(csv.DictReader(io.StringIO(text)))


def _assert_no_live_text(rows: list[dict]) -> None:
    for row in rows:
        for value in row.values():
            if value and value.startswith(TRIGGERS):
                assert NUMBER.match(value), (row, value)


@pytest.mark.parametrize("page", ["csv", "api_csv"])
def test_a_formula_label_is_neutralised_in_the_csv_exports(hostile_label, admin, page):
    client = api_client(admin) if page.startswith("api") else web_client(admin)
    response = client.get(PAGES[page])
    assert response.status_code == 200
    rows = _csv_rows(body(response).decode())
    colour_rows = [r for r in rows if r["table"] == "screenings_by_colour"]
    hostile = [r for r in colour_rows if LABEL in r["row_label"]]
    assert hostile, colour_rows
    for row in hostile:
        assert row["row_label"] == "'" + LABEL
        assert row["row"] == "'" + LABEL
    _assert_no_live_text(rows)


def test_a_formula_label_is_a_plain_text_cell_in_the_workbook(hostile_label, admin):
    response = web_client(admin).get(PAGES["xlsx"])
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(body(response)))
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if cell.value == LABEL:
                    found.append(cell)
    assert found, "the label is in the workbook, unchanged"
    for cell in found:
        assert cell.data_type == "s"
        assert cell.quotePrefix  # still text when someone edits the cell
    # the counts beside it are still numbers
    sheet = found[0].parent
    counts = [c.value for c in sheet[found[0].row][1:] if c.value not in (None, "<5", "x")]
    assert counts and all(isinstance(v, int) for v in counts), counts


def _table() -> PublishedTable:
    return PublishedTable(
        key="t",
        title="@title",
        columns=[Column("n", "+count", kind=COUNT), Column("change", "-change", kind=MEASURE)],
        rows=[
            PublishedRow(key="-3", label="-3", cells=[Cell(7), Cell(-3.5)]),
            PublishedRow(key="\tk", label="\rlabel", cells=[Cell(0), Cell(-2, SHOWN)]),
            PublishedRow(key="plain", label="Plain - text", cells=[Cell(0), Cell(None, TOO_FEW)]),
        ],
        description="-description",
        row_heading="=heading",
        chart=None,
        chart_columns=(),
        notes=[],
        min_count=5,
    )


def test_csv_text_is_neutralised_and_numbers_are_left_alone():
    rows = _csv_rows("".join(csv_lines([_table()])))
    assert [(r["row"], r["row_label"], r["column_label"], r["value"]) for r in rows] == [
        ("-3", "-3", "'+count", "7"),
        ("-3", "-3", "'-change", "-3.5"),
        ("'\tk", "'\rlabel", "'+count", "0"),
        ("'\tk", "'\rlabel", "'-change", "-2"),
        ("plain", "Plain - text", "'+count", "0"),
        ("plain", "Plain - text", "'-change", ""),
    ]
    assert {r["table_title"] for r in rows} == {"'@title"}


def test_workbook_text_is_never_a_formula_and_numbers_stay_numbers():
    handle = xlsx_file([_table()], about=["=about", "Plain"])
    workbook = load_workbook(handle)
    about, sheet = workbook.worksheets
    assert about["A1"].value == "=about" and about["A1"].data_type == "s"
    cells = {c.coordinate: c for row in sheet.iter_rows() for c in row}
    assert cells["A1"].value == "@title" and cells["A1"].quotePrefix
    assert cells["A4"].value == "=heading" and cells["A4"].data_type == "s"
    assert cells["B4"].value == "+count" and cells["B4"].quotePrefix
    assert cells["B5"].value == 7 and cells["B5"].data_type == "n"
    assert cells["C5"].value == -3.5 and cells["C5"].data_type == "n"
    assert cells["C6"].value == -2 and cells["C6"].data_type == "n"
    # (XML reads a carriage return back as a line feed)
    assert cells["A6"].value.strip() == "label" and cells["A6"].quotePrefix
    assert cells["A7"].value == "Plain - text" and not cells["A7"].quotePrefix
    assert not any(c.data_type == "f" for c in cells.values())
