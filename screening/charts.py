"""A small server-drawn SVG of a citizen's scores over time: no chart library, no script."""

from dataclasses import dataclass

from django.utils import timezone

from screening.constants import SEVERE_LONELINESS_SCORE


@dataclass
class ChartPoint:
    x: float
    y: float
    score: int
    label: str
    hex: str
    date: str


def score_chart(history, *, low: int = 3, high: int = 9, width: int = 560, height: int = 180):
    """Points, the line through them and the 7+ threshold, in SVG coordinates."""
    pad_left, pad_right, pad_top, pad_bottom = 36, 16, 12, 28
    inner_w, inner_h = width - pad_left - pad_right, height - pad_top - pad_bottom

    def y_of(score: int) -> float:
        return pad_top + inner_h * (high - score) / (high - low)

    n = len(history)
    points = []
    for index, screening in enumerate(history):
        x = pad_left + (inner_w * index / (n - 1) if n > 1 else inner_w / 2)
        points.append(
            ChartPoint(
                x=round(x, 1),
                y=round(y_of(screening.score), 1),
                score=screening.score,
                label=screening.triage_label,
                hex=screening.triage_hex or "#1d5c63",
                date=timezone.localtime(screening.screened_at).strftime("%d.%m.%Y"),
            )
        )
    return {
        "width": width,
        "height": height,
        "points": points,
        "polyline": " ".join(f"{p.x},{p.y}" for p in points),
        "grid": [
            {"score": s, "y": round(y_of(s), 1), "label_y": round(y_of(s) + 4, 1)}
            for s in range(low, high + 1)
        ],
        "label_x": pad_left - 8,
        "threshold_y": round(y_of(SEVERE_LONELINESS_SCORE), 1),
        "left": pad_left,
        "right": width - pad_right,
        "bottom": height - 6,
    }
