"""The same published tables as CSV, XLSX and JSON. Only `PublishedTable`s come in, so only
what disclosure control let through goes out.

CSV is long ("tidy"): one line per cell, with keys a program can rely on and labels a person
reads. Every count is a published (rounded) count; a mean, median or share over a count
published as 0 is empty. Two forms: the API's (`API_CSV`: comma-separated, a full stop before
decimals, no byte-order mark), and the web download's for Danish Excel (`EXCEL_DA_CSV`:
semicolon-separated, a decimal comma, and a UTF-8 byte-order mark, without which Excel reads
"æøå" wrongly).
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.exports import safe_cell, safe_row, safe_xlsx_row
from referrals.constants import AgeBand
from stats.constants import Interval
from stats.disclosure import SHOWN, Cell, PublishedTable, display
from stats.filters import StatsFilter

CSV_HEADER = ["table", "table_title", "row", "row_label", "column", "column_label", "value"]


@dataclass(frozen=True)
class CsvForm:
    delimiter: str
    decimal: str
    byte_order_mark: bool


# For programs (the API, `stats_export`): as documented, and as every CSV reader expects.
API_CSV = CsvForm(delimiter=",", decimal=".", byte_order_mark=False)
# For people (the web download): Danish Excel splits on ";" (its list separator, since "," is
# its decimal mark) and reads a file as UTF-8 only after a byte-order mark.
EXCEL_DA_CSV = CsvForm(delimiter=";", decimal=",", byte_order_mark=True)


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def _csv_value(cell: Cell, min_count: int, form: CsvForm) -> str:
    text = display(cell, min_count)
    if cell.state == SHOWN and isinstance(cell.value, int | float):
        # A number Brobyg computed, never text someone typed: written in the form's own
        # decimal mark, and left alone by the formula check ("-1,3" is a number in Danish Excel).
        return text.replace(".", form.decimal)
    return safe_cell(text)


def csv_lines(tables: Iterable[PublishedTable], *, form: CsvForm = API_CSV) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=form.delimiter)
    header = writer.writerow(CSV_HEADER)
    yield "\ufeff" + header if form.byte_order_mark else header
    for table in tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                # Labels and keys can be typed by people (a triage colour): never a formula.
                labels = safe_row(
                    [
                        table.key,
                        str(table.title),
                        row.key,
                        str(row.label),
                        column.key,
                        str(column.label),
                    ]
                )
                yield writer.writerow([*labels, _csv_value(cell, table.min_count, form)])


SHEET_TITLE_MAX = 31


def _sheet_title(title: str, used: set) -> str:
    """Excel: at most 31 characters, none of []:*?/\\ and unique in the workbook. The tables
    give a short title where their own is longer (`Table.sheet_title`); one that is still too
    long (a translation) is cut after a whole word, and numbered only if it meets another."""
    clean = " ".join("".join(ch for ch in title if ch not in "[]:*?/\\").split())
    if len(clean) > SHEET_TITLE_MAX:
        clean = clean[: SHEET_TITLE_MAX + 1].rsplit(" ", 1)[0].rstrip(" ,;.-–")[:SHEET_TITLE_MAX]
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = clean[: SHEET_TITLE_MAX - len(suffix)].rstrip() + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


def _xlsx_value(cell: Cell, min_count: int):
    if cell.state == SHOWN and cell.value is not None:
        return cell.value
    return display(cell, min_count) or None


def export_filename(filters: StatsFilter, extension: str) -> str:
    return f"brobyg-statistik-{filters.start:%Y-%m}-{filters.end:%Y-%m}.{extension}"


def about_lines(filters: StatsFilter, min_count: int) -> list[str]:
    """What a reader of an export needs to know: what it covers and what the marks mean."""
    lines = [
        _("Anonymised statistics from Brobyg"),
        _("Period: %(start)s to %(end)s, per %(interval)s")
        % {
            "start": f"{filters.start:%Y-%m}",
            "end": f"{filters.end:%Y-%m}",
            "interval": Interval(filters.interval).label.lower(),
        },
    ]
    if filters.team:
        lines.append(_("Team: %(team)s") % {"team": filters.team.name})
    if filters.district:
        lines.append(_("District: %(district)s") % {"district": filters.district})
    if filters.age_band:
        lines.append(_("Age band: %(band)s") % {"band": AgeBand(filters.age_band).label})
    lines += [
        _(
            "Every count is rounded to a multiple of %(count)s: nearly always to the multiple "
            "just below or above it, now and then to one further, and the same count of the "
            "same people always the same way, whatever the filters."
        )
        % {"count": min_count},
        _("A count from 1 to %(below)s is shown as 0.") % {"below": min_count - 1},
        _(
            "Totals are rounded on their own, so the counts in a row or column need not add up "
            "to its total."
        ),
        _(
            "Shares are computed from the rounded counts. Means and medians are exact, and "
            "shown only over a count of at least %(count)s; an empty one is over a count "
            "shown as 0."
        )
        % {"count": min_count},
    ]
    return lines


def xlsx_file(tables: Iterable[PublishedTable], *, about: list[str]):
    """The tables as an Excel workbook (openpyxl's write-only mode: rows go straight to the
    file), one sheet per table and one about the figures. Returns an open temporary file."""
    workbook = Workbook(write_only=True)
    used: set = set()
    info = workbook.create_sheet(_sheet_title(_("About the figures"), used))
    # Every row goes through safe_xlsx_row: text is never written as a formula.
    for line in about:
        info.append(safe_xlsx_row(info, [line]))
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(str(table.sheet_title or table.title), used))
        sheet.append(safe_xlsx_row(sheet, [str(table.title)]))
        if table.description:
            sheet.append(safe_xlsx_row(sheet, [str(table.description)]))
        sheet.append([])
        sheet.append(
            safe_xlsx_row(sheet, [str(table.row_heading), *(str(c.label) for c in table.columns)])
        )
        for row in table.rows:
            sheet.append(
                safe_xlsx_row(
                    sheet,
                    [str(row.label), *(_xlsx_value(c, table.min_count) for c in row.cells)],
                )
            )
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - the response closes it
    workbook.save(handle)
    handle.seek(0)
    return handle


def json_table(table: PublishedTable) -> dict:
    def value(cell: Cell):
        if cell.state == SHOWN:
            return cell.value
        return display(cell, table.min_count) or None

    return {
        "key": table.key,
        "title": str(table.title),
        "description": str(table.description),
        "row_heading": str(table.row_heading),
        "columns": [
            {"key": c.key, "label": str(c.label), "kind": c.kind, "unit": str(c.unit)}
            for c in table.columns
        ],
        "rows": [
            {
                "key": row.key,
                "label": str(row.label),
                "total": row.is_total,
                "values": [value(c) for c in row.cells],
            }
            for row in table.rows
        ],
    }
