"""The four screening tables, from one scan of the screenings in two grouping sets."""

from django.db.models import (
    F,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext_lazy as _

from referrals.constants import AgeBand
from stats.constants import Interval
from stats.disclosure import Row, Table
from stats.filters import (
    StatsFilter,
    age_band_sql,
    district_expression,
)
from stats.queries import (
    Group,
    Sql,
    grouped,
    quote,
)
from stats.tables.common import (
    NO_COLOUR,
    SEVERE,
    TOTAL_KEY,
    UNDER,
    _score_band,
    _severity_columns,
    _ucla3_screenings,
    cube_rows,
    period_key,
    period_rows,
)

# --- Screenings -----------------------------------------------------------------------------------


def _screening_parts(filters: StatsFilter) -> list[Group]:
    """Complete UCLA-3 screenings in `filters`' period counted in two grouping sets, one scan:
    by (period, colour, age band, severity) and by (district, severity). Each set holds a few
    thousand groups at most, so both are hashed as the rows stream past; every margin the four
    tables need is a sum of these (`_screening_margins`). The period can be cut into parts that
    are counted apart (at once, on two connections) and added up."""
    day, birth = quote("v_day"), quote("v_birth")
    unit = "quarter" if filters.interval == Interval.QUARTER else "month"
    dimensions = {
        "period": Sql(f"date_trunc('{unit}', {day})::date"),
        "colour": F("triage_label"),
        "age_band": Sql(age_band_sql(birth_date=birth, day=day)),
        "district": district_expression(),
        "severity": _score_band(),
    }
    return grouped(
        _ucla3_screenings(filters),
        dimensions=dimensions,
        inputs={
            # the local date once per screening: the month and the age band both need it
            "day": TruncDate("screened_at"),
            "birth": F("citizen__birth_date"),
            "hex": F("triage_hex"),
            "rank": Coalesce(F("triage_rank"), Value(0)),
        },
        aggregates={
            "n": "count(*)",
            "hex": f"max({quote('v_hex')})",
            "rank": f"min({quote('v_rank')})",
        },
        grouping="sets",
        sets=[("period", "colour", "age_band", "severity"), ("district", "severity")],
    )


_DIMENSION_INDEX = {"period": 0, "colour": 1, "age_band": 2, "district": 3}
_SEVERITY_INDEX = 4


def _screening_margins(parts: list[Group]) -> dict[str, list[Group]]:
    """From `_screening_parts` (of one period or of its parts together): for each of period,
    colour, age band and district, the groups (value, severity) with their margins, as GROUP BY
    CUBE (dimension, severity) would give them. Counts and cell keys add up; the colour's hex
    is the largest seen and its rank the smallest, as in SQL."""
    result = {}
    for name, i in _DIMENSION_INDEX.items():
        cells: dict[tuple, dict] = {}
        for group in parts:
            if group.rolled_up[i]:
                continue  # the other grouping set
            value, severity = group.keys[i], group.keys[_SEVERITY_INDEX]
            # (value, severity, value summed over, severity summed over)
            for key in (
                (value, severity, False, False),
                (value, None, False, True),
                (None, severity, True, False),
                (None, None, True, True),
            ):
                cell = cells.setdefault(key, {"n": 0, "n_key": 0, "hex": None, "rank": None})
                cell["n"] += group.values["n"] or 0
                cell["n_key"] += group.values["n_key"] or 0
                hex_value, rank = group.values["hex"], group.values["rank"]
                if hex_value is not None and (cell["hex"] is None or hex_value > cell["hex"]):
                    cell["hex"] = hex_value
                if rank is not None and (cell["rank"] is None or rank < cell["rank"]):
                    cell["rank"] = rank
        result[name] = [
            Group(keys=key[:2], rolled_up=key[2:], values=values) for key, values in cells.items()
        ]
    return result


def _screening_counts(filters: StatsFilter) -> dict[str, list[Group]]:
    """Complete UCLA-3 screenings counted by score band and, in turn, by period, triage colour,
    age band and district: the four screening tables' figures from one scan (`prefetch` may
    have counted them already, in parts at once). Kept for the request."""
    if "screening_counts" not in filters.memo:
        filters.memo["screening_counts"] = _screening_margins(_screening_parts(filters))
    return filters.memo["screening_counts"]


def screenings_by_colour(filters: StatsFilter) -> Table:
    groups = _screening_counts(filters)["colour"]
    colours = {}
    for group in groups:
        if not group.rolled_up[0] and group.rolled_up[1]:
            colours[group.keys[0]] = (group.values["rank"], group.values["hex"] or "")
    order = sorted(colours, key=lambda label: (label == "", colours[label][0], label))
    rows = cube_rows(
        groups,
        rows=[(label or NO_COLOUR, label or _("No colour")) for label in order],
        row_key=lambda label: label or NO_COLOUR,
        column_keys=[UNDER, SEVERE],
    )
    for row, label in zip(rows, order, strict=False):
        row.colour = colours[label][1]
    return Table(
        key="screenings_by_colour",
        title=_("Screenings by triage colour"),
        description=_(
            "Complete UCLA-3 screenings in the period, by the colour they were given at the time "
            "and by score."
        ),
        row_heading=_("Triage colour"),
        columns=_severity_columns()[:3],
        rows=rows,
        rows_from_data=True,
        chart="bars",
        chart_columns=(TOTAL_KEY,),
    )


def _severity_by(filters: StatsFilter, *, dimension: str, rows, row_key) -> list[Row]:
    groups = _screening_counts(filters)[dimension]
    return cube_rows(groups, rows=rows(groups), row_key=row_key, column_keys=[UNDER, SEVERE])


def severe_loneliness_over_time(filters: StatsFilter) -> Table:
    return Table(
        key="severe_over_time",
        title=_("Screenings at 7 or more over time"),
        sheet_title=_("Screenings at 7+ over time"),
        description=_(
            "The share of screenings with a UCLA-3 score of 7 or more: signs of severe "
            "loneliness in the national health profile. The national goal is to halve "
            "loneliness by 2040."
        ),
        row_heading=_("Period"),
        columns=_severity_columns(),
        rows=_severity_by(
            filters,
            dimension="period",
            rows=lambda groups: period_rows(filters),
            row_key=lambda d: period_key(d, filters.interval),
        ),
        chart="line",
        chart_columns=("share",),
    )


def severe_loneliness_by_age_band(filters: StatsFilter) -> Table:
    return Table(
        key="severe_by_age_band",
        title=_("Screenings at 7 or more by age band"),
        sheet_title=_("Screenings at 7+ by age band"),
        description=_(
            "By the citizen's age at the screening, in the national health profile's bands."
        ),
        row_heading=_("Age band"),
        columns=_severity_columns(),
        rows=_severity_by(
            filters,
            dimension="age_band",
            rows=lambda groups: [(b.value, b.label) for b in AgeBand],
            row_key=str,
        ),
        chart="bars",
        chart_columns=("share",),
    )


def severe_loneliness_by_district(filters: StatsFilter) -> Table:
    def rows(groups):
        districts = sorted({g.keys[0] for g in groups if not g.rolled_up[0]})
        return [(d, d or _("Unknown")) for d in districts]

    return Table(
        key="severe_by_district",
        title=_("Screenings at 7 or more by district"),
        sheet_title=_("Screenings at 7+ by district"),
        description=_("By the district the citizen lives in (for now the postcode area)."),
        row_heading=_("District"),
        columns=_severity_columns(),
        rows=_severity_by(filters, dimension="district", rows=rows, row_key=str),
        rows_from_data=True,
        chart="bars",
        chart_columns=("share",),
    )


# (epoch seconds × this + score): the smallest is the first screening with its score, the
# largest the latest, in one pass with plain min() and max() over one bigint per row.
