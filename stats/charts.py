"""Server-drawn SVG charts of the published tables: no chart library, no script, so they work
under the Content-Security-Policy and on a tablet. Only published numbers are drawn; a figure
not shown (a mean or share over too few) is a gap, never a bar of its true height."""

import re
from datetime import date

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _

from stats.disclosure import COUNT, SHARE, PublishedTable

# Distinguishable colours (Okabe–Ito, then Brobyg's own), for categories without their own.
PALETTE = [
    "#1d5c63",
    "#e69f00",
    "#56b4e9",
    "#009e73",
    "#d55e00",
    "#cc79a7",
    "#0072b2",
    "#8c6d31",
    "#999999",
    "#5b3c88",
]

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 14, 46


def _nice_ceiling(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 2.5, 5):
        magnitude = 10 ** (len(str(int(value))) - 1)
        ceiling = step * magnitude
        if ceiling >= value:
            return ceiling
    return 10 * 10 ** (len(str(int(value))) - 1)


def _ticks(top: float, inner_h: float, *, unit: str = "") -> list[dict]:
    ticks = []
    for i in range(5):
        value = top * i / 4
        y = TOP + inner_h * (1 - i / 4)
        decimals = 0 if float(value).is_integer() else 1
        ticks.append(
            {
                "y": round(y, 1),
                "label_y": round(y + 4, 1),
                "label": number_format(value, decimals, use_l10n=True) + unit,
            }
        )
    return ticks


def _number(value) -> str:
    decimals = 0 if isinstance(value, int) else 1
    return number_format(value, decimals, use_l10n=True, force_grouping=True)


def _data_rows(table: PublishedTable):
    return [row for row in table.rows if not row.is_total]


def _short(label: str, length: int = 10) -> str:
    text = str(label)
    return text if len(text) <= length else text[: length - 1] + "…"


def _axis_label(row) -> str:
    """A period as short as the axis needs: "jan 25" for a month, the quarter's own label
    ("1. kvt. 2025") otherwise."""
    key = str(row.key)
    if re.fullmatch(r"\d{4}-\d{2}", key):
        return f"{date_format(date(int(key[:4]), int(key[5:]), 1), 'b')} {key[2:4]}"
    return _short(row.label, 14)


def stacked(table: PublishedTable) -> dict | None:
    """Columns per row (period), stacked by the table's count columns."""
    keys = list(table.chart_columns) or [c.key for c in table.columns if c.kind == COUNT]
    index = {c.key: i for i, c in enumerate(table.columns)}
    series = [table.columns[index[k]] for k in keys]
    rows = _data_rows(table)
    if not rows:
        return None
    sums = []
    for row in rows:
        sums.append(sum(row.cells[index[k]].value for k in keys if row.cells[index[k]].shown))
    top = _nice_ceiling(max(sums, default=0))
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / len(rows)
    bar = max(2.0, slot * 0.7)
    bars, hidden_any, drawn = [], False, set()
    label_every = max(1, round(len(rows) / 12))
    for i, row in enumerate(rows):
        x = LEFT + slot * i + (slot - bar) / 2
        y = TOP + inner_h
        segments = []
        for s, key in enumerate(keys):
            cell = row.cells[index[key]]
            if not cell.shown:
                hidden_any = True
                continue
            if not cell.value:
                continue
            h = inner_h * cell.value / top
            y -= h
            drawn.add(s)
            segments.append(
                {
                    "y": round(y, 1),
                    "height": round(h, 1),
                    "colour": PALETTE[s % len(PALETTE)],
                    "title": f"{row.label} · {series[s].label}: {_number(cell.value)}",
                }
            )
        bars.append(
            {
                "x": round(x, 1),
                "width": round(bar, 1),
                "segments": segments,
                "label": _axis_label(row) if i % label_every == 0 else "",
                "label_x": round(x + bar / 2, 1),
            }
        )
    return {
        "kind": "stacked",
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + inner_h,
        "label_y": HEIGHT - BOTTOM + 16,
        "ticks": _ticks(top, inner_h),
        "bars": bars,
        # Only the categories drawn: nine sources with six at zero make a legend no one reads.
        "legend": [
            {"label": c.label, "colour": PALETTE[i % len(PALETTE)]}
            for i, c in enumerate(series)
            if i in drawn
        ],
        "hidden_not_drawn": hidden_any,
    }


def line(table: PublishedTable) -> dict | None:
    """One line per chart column over the rows (periods); a value not shown is a gap."""
    index = {c.key: i for i, c in enumerate(table.columns)}
    keys = list(table.chart_columns)
    rows = _data_rows(table)
    if not rows or not keys:
        return None
    values = [row.cells[index[k]].value for row in rows for k in keys if row.cells[index[k]].shown]
    is_share = table.columns[index[keys[0]]].kind == SHARE
    unit = " %" if is_share else ""
    top = _nice_ceiling(max(values, default=0))
    if is_share:
        top = min(100, top)
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = inner_w / len(rows)

    def x_of(i):
        return LEFT + slot * i + slot / 2

    def y_of(v):
        return TOP + inner_h * (1 - v / top)

    label_every = max(1, round(len(rows) / 12))
    series = []
    for s, key in enumerate(keys):
        column = table.columns[index[key]]
        segments, current, points = [], [], []
        for i, row in enumerate(rows):
            cell = row.cells[index[key]]
            if not cell.shown or cell.value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            point = {
                "x": round(x_of(i), 1),
                "y": round(y_of(cell.value), 1),
                "title": f"{row.label}: {number_format(cell.value, 1, use_l10n=True)}{unit}",
            }
            current.append(point)
            points.append(point)
        if current:
            segments.append(current)
        series.append(
            {
                "label": column.label,
                "colour": PALETTE[s % len(PALETTE)],
                "polylines": [" ".join(f"{p['x']},{p['y']}" for p in seg) for seg in segments],
                "points": points,
            }
        )
    goal = None
    if is_share and table.key == "severe_over_time":
        first = next(
            (row.cells[index[keys[0]]].value for row in rows if row.cells[index[keys[0]]].shown),
            None,
        )
        if first:
            goal = {
                "y": round(y_of(first / 2), 1),
                "label": _("Half of the first period: the direction of the 2040 goal"),
            }
    return {
        "kind": "line",
        "width": WIDTH,
        "height": HEIGHT,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "baseline": TOP + inner_h,
        "label_y": HEIGHT - BOTTOM + 16,
        "ticks": _ticks(top, inner_h, unit=unit),
        "series": series,
        "x_labels": [
            {"x": round(x_of(i), 1), "label": _axis_label(row)}
            for i, row in enumerate(rows)
            if i % label_every == 0
        ],
        "goal": goal,
        "legend": [{"label": s["label"], "colour": s["colour"]} for s in series],
        "hidden_not_drawn": any(not row.cells[index[k]].shown for row in rows for k in keys),
    }


def bars(table: PublishedTable) -> dict | None:
    """Horizontal bars: one per row (a colour, an age band, a district), of one column; with
    `pairs`, one bar per chart column side by side."""
    index = {c.key: i for i, c in enumerate(table.columns)}
    keys = list(table.chart_columns)
    rows = _data_rows(table)
    if not rows or not keys:
        return None
    kind = table.columns[index[keys[0]]].kind
    unit = " %" if kind == SHARE else ""
    values = [row.cells[index[k]].value for row in rows for k in keys if row.cells[index[k]].shown]
    if not values:
        return None
    top = _nice_ceiling(max(values))
    if kind == SHARE:
        top = min(100, top)
    label_w, row_h = 150, 22 * len(keys) + 8
    width = WIDTH
    inner_w = width - label_w - 70
    items, y = [], TOP
    for row in rows:
        bars_ = []
        for s, key in enumerate(keys):
            cell = row.cells[index[key]]
            colour = row.colour if (row.colour and len(keys) == 1) else PALETTE[s % len(PALETTE)]
            if cell.shown and cell.value is not None:
                w = inner_w * cell.value / top
                text = _number(cell.value) + unit
            else:
                w, text = 0, ""
            bars_.append(
                {
                    "y": round(y + 22 * s, 1),
                    "width": round(w, 1),
                    "colour": colour,
                    "text": text,
                    "text_x": round(label_w + w + 6, 1),
                    "text_y": round(y + 22 * s + 15, 1),
                    "title": f"{row.label} · {table.columns[index[key]].label}: {text or '–'}",
                }
            )
        items.append(
            {"label": _short(row.label, 22), "label_y": round(y + row_h / 2, 1), "bars": bars_}
        )
        y += row_h
    return {
        "kind": "bars",
        "width": width,
        "height": round(y + TOP, 1),
        "label_x": label_w - 8,
        "left": label_w,
        "items": items,
        "legend": (
            [
                {"label": table.columns[index[k]].label, "colour": PALETTE[s % len(PALETTE)]}
                for s, k in enumerate(keys)
            ]
            if len(keys) > 1
            else []
        ),
        "hidden_not_drawn": any(not row.cells[index[k]].shown for row in rows for k in keys),
    }


def chart_for(table: PublishedTable) -> dict | None:
    if table.chart == "stacked":
        return stacked(table)
    if table.chart == "line":
        return line(table)
    if table.chart in ("bars", "pairs"):
        return bars(table)
    return None
