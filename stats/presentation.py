"""Published tables as the dashboard shows them: Danish number formats and a word for every
figure not shown."""

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from stats.charts import chart_for
from stats.disclosure import NO_DATA, SHOWN, TOO_FEW, Cell, Column, PublishedTable


def cell_text(cell: Cell, column: Column, min_count: int) -> dict:
    if cell.state == SHOWN:
        if column.is_count:
            text = number_format(cell.value, 0, use_l10n=True, force_grouping=True)
        else:
            text = number_format(cell.value, column.decimals, use_l10n=True, force_grouping=True)
            if column.unit == "%":
                text += " %"
        return {"text": text, "title": "", "css": ""}
    if cell.state == TOO_FEW:
        return {
            "text": "·",
            "title": _("Not shown: the count it is over is shown as 0"),
            "css": "stat-hidden",
        }
    assert cell.state == NO_DATA
    return {"text": "–", "title": _("No data"), "css": "text-body-secondary"}


def present(table: PublishedTable) -> dict:
    return {
        "key": table.key,
        "title": table.title,
        "description": table.description,
        "row_heading": table.row_heading,
        "columns": [
            {"label": c.label, "numeric": True, "total": c.kind == "total"} for c in table.columns
        ],
        "rows": [
            {
                "label": row.label,
                "is_total": row.is_total,
                "colour": row.colour,
                "cells": [
                    cell_text(cell, column, table.min_count)
                    for cell, column in zip(row.cells, table.columns, strict=True)
                ],
            }
            for row in table.rows
        ],
        "has_hidden": table.has_hidden,
        "chart": chart_for(table),
    }
