"""The shared guard against spreadsheet formulas in exported text."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from core.exports import safe_cell, safe_xlsx_row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        # a number written as text is left alone: statistics read it as a number
        ("-3", "-3"),
        ("-2.5", "-2.5"),
        ("+4", "+4"),
        ("<5", "<5"),
        ("x", "x"),
        ("", ""),
        ("Plain = text", "Plain = text"),
        (7, 7),
        (-3, -3),
        (-2.5, -2.5),
        (Decimal("-1.5"), Decimal("-1.5")),
        (None, None),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_safe_xlsx_row_writes_text_as_text_and_numbers_as_numbers():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    sheet.append(safe_xlsx_row(sheet, ['=HYPERLINK("http://x")', "@x", "-3", -3, 2.5, None, "ok"]))
    handle = io.BytesIO()
    workbook.save(handle)
    handle.seek(0)
    row = next(load_workbook(handle)["s"].iter_rows())
    assert [(c.value, c.data_type) for c in row] == [
        ('=HYPERLINK("http://x")', "s"),
        ("@x", "s"),
        ("-3", "s"),
        (-3, "n"),
        (2.5, "n"),
        (None, "n"),
        ("ok", "s"),
    ]
    assert [c.quotePrefix for c in row] == [True, True, False, False, False, False, False]
