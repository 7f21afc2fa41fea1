"""Text that leaves Brobyg in a CSV file or an Excel workbook, made safe to open in a spreadsheet.

Labels in an export can be typed by people (a triage colour, a district, a team). A spreadsheet
runs text that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a
formula, which can fetch a web page or start a program on the reader's machine. OWASP's advice
on CSV injection is followed: such text gets a leading apostrophe in CSV, which the spreadsheet
shows as text; in a workbook it is written as a text cell, marked so that it stays text when
someone edits it. Numbers stay numbers, and so does a number written as text ("-3", "-2.5"), so
a program reading the CSV for statistics reads the same figures. Every export goes through here.
"""

import re
from collections.abc import Iterable

from django.utils.functional import Promise
from openpyxl.cell import WriteOnlyCell

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)\Z")


def is_formula_like(value) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return (
        isinstance(value, str) and value.startswith(FORMULA_TRIGGERS) and not _NUMBER.match(value)
    )


def safe_cell(value):
    """A CSV cell: text a spreadsheet would run gets a leading apostrophe; anything else as is."""
    if isinstance(value, Promise):
        value = str(value)
    if is_formula_like(value):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    """A CSV row, each cell through `safe_cell`."""
    return [safe_cell(v) for v in values]


def safe_xlsx_cell(sheet, value):
    """A value for openpyxl's write-only `sheet.append()`: text a spreadsheet would run becomes a
    text cell (never a formula) with Excel's quote prefix; anything else as is."""
    if isinstance(value, Promise):
        value = str(value)
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl would make text starting with "=" a formula
    cell.quotePrefix = True
    return cell


def safe_xlsx_row(sheet, values: Iterable) -> list:
    """A row for openpyxl's write-only `sheet.append()`, each cell through `safe_xlsx_cell`."""
    return [safe_xlsx_cell(sheet, v) for v in values]
