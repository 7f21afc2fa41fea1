"""Every way out gives the same published numbers (the dashboard, both CSVs, Excel, the API's JSON
and `stats_export`), and the web's CSV opens right in Danish Excel while the API's keeps its
documented form."""

import csv
import io
import re

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from stats.disclosure import COUNT, MEASURE, TOO_FEW, Cell, Column, PublishedRow, PublishedTable
from stats.exports import API_CSV, EXCEL_DA_CSV, csv_lines
from tests.accounts.factories import UserFactory
from tests.stats.dataset import build
from tests.stats.test_views import PAGES, QUARTER, api_client, body, web_client

pytestmark = pytest.mark.django_db

BOM = "\ufeff"


@pytest.fixture
def town():
    return build()


@pytest.fixture
def admin():
    return UserFactory(admin=True)


def _cells(rows) -> dict:
    return {(r["table"], r["row"], r["column"]): r["value"] for r in rows}


def test_the_web_csv_opens_in_danish_excel(town, admin):
    response = web_client(admin).get(PAGES["csv"], QUARTER)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response).decode("utf-8")

    # a byte-order mark, so Excel reads UTF-8 ("æøå"), and semicolons, Excel's list separator
    # where the comma is the decimal mark
    assert text.startswith(BOM + "table;table_title;row;row_label;column;column_label;value\r\n")
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    cells = _cells(rows)
    assert rows[0]["column_label"] == "Praktiserende læge"
    # decimals with a comma, and still numbers: no apostrophe in front of a minus
    assert cells[("first_contact", "2025-02", "median")] == "1,0"  # over twelve: always shown
    assert cells[("ucla3_change", "total", "change")] == "-1,3"
    assert cells[("referrals_by_source", "2025-01", "home_care")] == "0"


def test_the_api_csv_keeps_its_documented_form(town, admin):
    text = body(api_client(admin).get(PAGES["api_csv"], QUARTER)).decode("utf-8")
    assert text.startswith("table,table_title,row,row_label,column,column_label,value\r\n")
    cells = _cells(csv.DictReader(io.StringIO(text)))
    assert cells[("first_contact", "2025-02", "median")] == "1.0"
    assert cells[("ucla3_change", "total", "change")] == "-1.3"


def _number(text: str, *, danish: bool = False):
    """A value as the API's CSV writes it, or (`danish`) as the web's CSV and the dashboard do
    (a decimal comma; the dashboard also groups thousands with a full stop)."""
    if text in ("", "·", "–"):
        return None
    if danish:
        text = text.replace("\xa0", "").replace(" %", "").replace(".", "").replace(",", ".")
    value = float(text)
    return int(value) if value.is_integer() else value


def test_every_export_gives_the_same_numbers(town, admin, tmp_path):
    web, api = web_client(admin), api_client(admin)
    summary = api.get(PAGES["api_summary"], QUARTER).json()
    expected = {}
    for table in summary["tables"]:
        keys = [c["key"] for c in table["columns"]]
        for row in table["rows"]:
            for key, value in zip(keys, row["values"], strict=True):
                expected[(table["key"], row["key"], key)] = value
    assert len(expected) > 300

    api_csv = _cells(csv.DictReader(io.StringIO(body(api.get(PAGES["api_csv"], QUARTER)).decode())))
    web_text = body(web.get(PAGES["csv"], QUARTER)).decode()[1:]
    web_csv = _cells(csv.DictReader(io.StringIO(web_text), delimiter=";"))
    out = tmp_path / "stats.csv"
    call_command("stats_export", "--from", "2025-01", "--to", "2025-03", "-o", str(out))
    command = _cells(csv.DictReader(io.StringIO(out.read_text())))
    for cell, value in expected.items():
        assert _number(api_csv[cell]) == value, cell
        assert _number(web_csv[cell], danish=True) == value, cell
        assert _number(command[cell]) == value, cell

    workbook = load_workbook(io.BytesIO(body(web.get(PAGES["xlsx"], QUARTER))), read_only=True)
    sheet = workbook["Henvisninger efter henviser"]
    january = next(r for r in sheet.iter_rows(values_only=True) if r and r[0] == "januar 2025")
    source = summary["tables"][0]
    assert list(january[1:]) == source["rows"][0]["values"]

    html = web.get(PAGES["dashboard"], QUARTER).content.decode()
    section = html.split('data-testid="table-referrals_by_source"')[1].split("</section>")[0]
    first_row = section.split("<tbody>")[1].split("</tr>")[0]
    shown = re.findall(r'<td class="text-end[^"]*"[^>]*>([^<]*)', first_row)
    assert [_number(v, danish=True) for v in shown] == source["rows"][0]["values"]


def _table() -> PublishedTable:
    return PublishedTable(
        key="t",
        title="=title; with a semicolon",
        columns=[Column("n", "+count", kind=COUNT), Column("change", "-change", kind=MEASURE)],
        rows=[
            PublishedRow(key="a", label="-3", cells=[Cell(10), Cell(-3.5)]),
            PublishedRow(key="b", label="Plain", cells=[Cell(0), Cell(None, TOO_FEW)]),
        ],
        description="",
        row_heading="",
        chart=None,
        chart_columns=(),
        notes=[],
        min_count=5,
    )


def test_the_danish_csv_neutralises_formulas_and_writes_decimal_commas():
    text = "".join(csv_lines([_table()], form=EXCEL_DA_CSV))
    rows = list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))
    assert [(r["table_title"], r["row_label"], r["column_label"], r["value"]) for r in rows] == [
        ("'=title; with a semicolon", "-3", "'+count", "10"),
        ("'=title; with a semicolon", "-3", "'-change", "-3,5"),
        ("'=title; with a semicolon", "Plain", "'+count", "0"),
        ("'=title; with a semicolon", "Plain", "'-change", ""),
    ]
    plain = "".join(csv_lines([_table()], form=API_CSV))
    assert not plain.startswith(BOM) and ",-3.5\r\n" in plain
