"""The same published tables as CSV, XLSX and JSON. Only `PublishedTable`s come in, so only
what disclosure control let through goes out.

CSV is long ("tidy"): one line per cell, with keys a program can rely on and labels a person
reads. A hidden count is "<5" (fewer than the threshold) or "x" (hidden so that a small count
cannot be worked out); a mean, median or share over too few people is empty.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.exports import safe_row, safe_xlsx_row
from stats.disclosure import SHOWN, Cell, PublishedTable, display
from stats.filters import StatsFilter

CSV_HEADER = ["table", "table_title", "row", "row_label", "column", "column_label", "value"]


class _Echo:
    """A file-like object whose write() returns the line, for csv.writer in a generator."""

    def write(self, value):
        return value


def csv_lines(tables: Iterable[PublishedTable]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_HEADER)
    for table in tables:
        for row in table.rows:
            for column, cell in zip(table.columns, row.cells, strict=True):
                # Labels and keys can be typed by people (a triage colour): never a formula.
                yield writer.writerow(
                    safe_row(
                        [
                            table.key,
                            str(table.title),
                            row.key,
                            str(row.label),
                            column.key,
                            str(column.label),
                            display(cell, table.min_count),
                        ]
                    )
                )


def _sheet_title(title: str, used: set) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and unique in the workbook.
    clean = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31].strip()
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = clean[: 31 - len(suffix)] + suffix
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
    from referrals.constants import AgeBand
    from stats.constants import Interval

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
        _("<%(count)s: a count from 1 to %(below)s, hidden.")
        % {"count": min_count, "below": min_count - 1},
        _("x: a count hidden so that a small count cannot be worked out from the totals."),
        _(
            "An empty mean, median or share is over fewer than %(count)s citizens, "
            "or over a hidden count."
        )
        % {"count": min_count},
        _("Totals are true totals: they include the hidden counts."),
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
        sheet = workbook.create_sheet(_sheet_title(str(table.title), used))
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
