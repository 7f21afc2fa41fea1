"""The statistics' tables: each is one function of the filters that runs one aggregate query
(the four screening tables share one, a single scan of the screenings) and returns a `Table` of
exact figures. `protect()` (disclosure.py) decides what of it may be
shown; the dashboard, the exports and the API show only that.

To add a table, write a builder here (or in the app whose data it counts) and add it to
`TABLES` below. See docs/statistics.md.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from functools import partial

from django.conf import settings
from django.db.models import (
    Case,
    CharField,
    F,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Extract, TruncDate
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from referrals.constants import AgeBand, CaseStatus, CloseReason, LifeTransition, ReferralSource
from referrals.models import Case as CitizenCase
from referrals.models import Citizen, Referral
from screening.constants import SEVERE_LONELINESS_SCORE
from screening.models import Screening
from screening.services import DEFAULT_INSTRUMENT
from stats.constants import FOLLOW_UP_MIN_DAYS, IMPROVED_BY, Interval
from stats.disclosure import MEASURE, SHARE, TOTAL, Column, Row, Table
from stats.filters import (
    StatsFilter,
    age_band_sql,
    district_expression,
    narrowed,
    period_expression,
)
from stats.gaps import gap_analysis, gap_figures, unmet_needs
from stats.queries import (
    KEY_SUFFIX,
    Group,
    Sql,
    concurrently,
    connections_at_once,
    grouped,
    quote,
    record_key_sql,
    run,
)

TOTAL_KEY = "total"
TOTAL_LABEL = _("Total")
NOT_STATED = "not_stated"
NO_COLOUR = "none"
UNDER, SEVERE = "under_7", "7_plus"


# --- Shared pieces --------------------------------------------------------------------------------


def period_key(day: date, interval: str) -> str:
    if interval == Interval.QUARTER:
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day:%Y-%m}"


def period_label(day: date, interval: str) -> str:
    if interval == Interval.QUARTER:
        return _("Q%(quarter)s %(year)s") % {"quarter": (day.month - 1) // 3 + 1, "year": day.year}
    return date_format(day, "F Y")


def period_rows(filters: StatsFilter) -> list[tuple[str, str]]:
    return [
        (period_key(d, filters.interval), period_label(d, filters.interval))
        for d in filters.periods()
    ]


def keyed_row(key: str, label, figures: dict, **kwargs) -> Row:
    """A row from one group's figures, each count's cell key (`<name>_key`, which `grouped()`
    adds beside a count) apart from the values."""
    values = {k: v for k, v in figures.items() if not k.endswith(KEY_SUFFIX)}
    cell_keys = {
        k.removesuffix(KEY_SUFFIX): v or 0 for k, v in figures.items() if k.endswith(KEY_SUFFIX)
    }
    return Row(key, label, values, cell_keys=cell_keys, **kwargs)


def cube_rows(
    groups: list[Group],
    *,
    rows: list[tuple[str, str]],
    row_key: Callable,
    column_keys: list[str],
    column_key: Callable = str,
    measure: str = "n",
    total_column: bool = True,
    total_row: bool = True,
    extra: Callable | None = None,
) -> list[Row]:
    """Rows of counts from a CUBE over (row dimension, column dimension): one per `rows`
    ((key, label), in order, zero where nothing was counted), and the total row. Each count
    carries its cell key (`<measure>_key`)."""
    cells: dict = {}
    cell_keys: dict = {}
    for group in groups:
        r = TOTAL_KEY if group.rolled_up[0] else row_key(group.keys[0])
        c = TOTAL_KEY if group.rolled_up[1] else column_key(group.keys[1])
        cells[(r, c)] = group.values[measure] or 0
        cell_keys[(r, c)] = group.values.get(measure + KEY_SUFFIX) or 0
    keys = [*column_keys, TOTAL_KEY] if total_column else column_keys
    result = []
    for key, label in [*rows, *([(TOTAL_KEY, TOTAL_LABEL)] if total_row else [])]:
        values = {c: cells.get((key, c), 0) for c in keys}
        if extra:
            values.update(extra(key))
        row_keys = {c: cell_keys.get((key, c), 0) for c in keys}
        result.append(Row(key, label, values, key == TOTAL_KEY, cell_keys=row_keys))
    return result


def _ucla3_screenings(filters: StatsFilter, *, with_age_band: bool = True):
    filters_used = filters if with_age_band else _without_age_band(filters)
    return narrowed(
        Screening.objects.filter(is_draft=False, instrument__code=DEFAULT_INSTRUMENT),
        filters_used,
        at="screened_at",
        team="team",
    )


def _without_age_band(filters: StatsFilter) -> StatsFilter:
    return replace(filters, age_band="")


def _score_band():
    return Case(
        When(score__gte=SEVERE_LONELINESS_SCORE, then=Value(SEVERE)),
        default=Value(UNDER),
        output_field=CharField(),
    )


def _severity_columns() -> list[Column]:
    return [
        Column(UNDER, _("Score 3–6")),
        Column(SEVERE, _("Score 7–9")),
        Column(TOTAL_KEY, _("Screenings"), kind=TOTAL),
        Column(
            "share",
            _("Share at 7 or more"),
            kind=SHARE,
            base=TOTAL_KEY,
            numerator=SEVERE,
            unit="%",
        ),
    ]


# --- Referrals ------------------------------------------------------------------------------------


def referrals_by_source(filters: StatsFilter) -> Table:
    base = narrowed(Referral.objects.all(), filters, at="created_at", team="case__team")
    groups = grouped(
        base,
        dimensions={
            "period": period_expression("created_at", filters.interval),
            "source": F("source"),
        },
        aggregates={"n": "count(*)"},
    )
    sources = list(ReferralSource)
    return Table(
        key="referrals_by_source",
        title=_("Referrals by who referred"),
        description=_("Referrals received, by the month (or quarter) they arrived."),
        row_heading=_("Period"),
        columns=[
            *(Column(s.value, s.label) for s in sources),
            Column(TOTAL_KEY, TOTAL_LABEL, kind=TOTAL),
        ],
        rows=cube_rows(
            groups,
            rows=period_rows(filters),
            row_key=lambda d: period_key(d, filters.interval),
            column_keys=[s.value for s in sources],
        ),
        chart="stacked",
    )


def referrals_by_reason(filters: StatsFilter) -> Table:
    """By the life transitions the referral names: the structured part of its reason (the
    reason itself is the referrer's own words, which never leave)."""
    base = narrowed(Referral.objects.all(), filters, at="created_at", team="case__team")
    transitions = list(LifeTransition)
    aggregates = {
        t.value: f"count(*) FILTER (WHERE {quote('v_transitions')} @> '[\"{t.value}\"]'::jsonb)"
        for t in transitions
    }
    aggregates[NOT_STATED] = (
        f"count(*) FILTER (WHERE jsonb_array_length({quote('v_transitions')}) = 0)"
    )
    groups = grouped(
        base,
        dimensions={"period": period_expression("created_at", filters.interval)},
        inputs={"transitions": F("life_transitions")},
        aggregates=aggregates,
        grouping="rollup",
    )
    by_key = {
        TOTAL_KEY if g.rolled_up[0] else period_key(g.keys[0], filters.interval): g.values
        for g in groups
    }
    empty = dict.fromkeys([*(t.value for t in transitions), NOT_STATED], 0)
    rows = [
        keyed_row(key, label, {**empty, **by_key.get(key, {})})
        for key, label in [*period_rows(filters), (TOTAL_KEY, TOTAL_LABEL)]
    ]
    rows[-1].is_total = True
    return Table(
        key="referrals_by_reason",
        title=_("Referrals by life transition"),
        description=_(
            "The life transitions behind the referrals. A referral can name several, or none, "
            "so a row does not add up to the number of referrals."
        ),
        row_heading=_("Period"),
        columns=[
            *(Column(t.value, t.label) for t in transitions),
            Column(NOT_STATED, _("None stated")),
        ],
        rows=rows,
        chart="stacked",
    )


def first_contact_time(filters: StatsFilter) -> Table:
    base = narrowed(
        CitizenCase.objects.filter(first_contact_at__isnull=False),
        filters,
        at="created_at",
        team="team",
    )
    days = quote("v_days")
    groups = grouped(
        base,
        dimensions={"period": period_expression("created_at", filters.interval)},
        inputs={"days": Extract(F("first_contact_at") - F("created_at"), "epoch") / 86400.0},
        aggregates={
            "contacted": "count(*)",
            "median": f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {days})",
            "p90": f"percentile_cont(0.9) WITHIN GROUP (ORDER BY {days})",
        },
        grouping="rollup",
    )
    by_key = {
        TOTAL_KEY if g.rolled_up[0] else period_key(g.keys[0], filters.interval): g.values
        for g in groups
    }
    empty = {"contacted": 0, "median": None, "p90": None}
    rows = [
        keyed_row(key, label, by_key.get(key, empty))
        for key, label in [*period_rows(filters), (TOTAL_KEY, TOTAL_LABEL)]
    ]
    rows[-1].is_total = True
    return Table(
        key="first_contact",
        title=_("Time from referral to first contact"),
        description=_(
            "Days from the referral that opened the case to the first contact that reached the "
            "citizen, by the month of the referral: the median and the 90th percentile (nine "
            "in ten were reached within it)."
        ),
        row_heading=_("Referred in"),
        columns=[
            Column("contacted", _("Citizens reached")),
            Column("median", _("Median, days"), kind=MEASURE, base="contacted", unit=_("days")),
            Column(
                "p90", _("90th percentile, days"), kind=MEASURE, base="contacted", unit=_("days")
            ),
        ],
        rows=rows,
        chart="line",
        chart_columns=("median", "p90"),
    )


def cases_closed_by_reason(filters: StatsFilter) -> Table:
    base = narrowed(
        CitizenCase.objects.filter(status=CaseStatus.CLOSED), filters, at="closed_at", team="team"
    )
    groups = grouped(
        base,
        dimensions={
            "period": period_expression("closed_at", filters.interval),
            "reason": F("close_reason"),
        },
        aggregates={"n": "count(*)"},
    )
    reasons = list(CloseReason)
    return Table(
        key="cases_closed_by_reason",
        title=_("Cases closed, by reason"),
        description=_("Cases closed, by the month (or quarter) they were closed."),
        row_heading=_("Period"),
        columns=[
            *(Column(r.value, r.label) for r in reasons),
            Column(TOTAL_KEY, TOTAL_LABEL, kind=TOTAL),
        ],
        rows=cube_rows(
            groups,
            rows=period_rows(filters),
            row_key=lambda d: period_key(d, filters.interval),
            column_keys=[r.value for r in reasons],
        ),
        chart="stacked",
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
_TIME_AND_SCORE = 1000


def _ucla3_change_figures(filters: StatsFilter, *, group_by: str) -> dict:
    """Per age band at the first screening ("band") or per category of the first offer the
    citizen came to ("category"): the UCLA-3 figures of the citizens screened again. Kept for
    the request (`prefetch` may have made them already)."""
    memo_key = f"ucla3_change_{group_by}"
    if memo_key not in filters.memo:
        filters.memo[memo_key] = _ucla3_change_query(filters, group_by=group_by)
    return filters.memo[memo_key]


def _ucla3_change_query(filters: StatsFilter, *, group_by: str) -> dict:
    screenings = _ucla3_screenings(filters, with_age_band=False)
    if group_by == "category":
        # Only citizens who came to an offer can have a category: read no one else's screenings.
        from offers.models import Match

        came = Match.objects.filter(offer__isnull=False, activated_at__isnull=False)
        screenings = screenings.filter(citizen_id__in=came.values("citizen_id"))
    inner = screenings.values("citizen_id", "screened_at", "score")
    inner_sql, inner_params = inner.order_by().query.sql_with_params()
    conditions = ["band = %s"] if filters.age_band else []
    if group_by == "category":
        conditions.append("category IS NOT NULL")
    band_filter = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    band = age_band_sql(birth_date="birth_date", day="first_day")
    category = _FIRST_OFFER_CATEGORY
    # Per citizen first, then the citizen's birth date: the join meets one row per citizen,
    # not one per screening. Each screening is one bigint (its time and score), computed once
    # (OFFSET 0); MATERIALIZED keeps PostgreSQL from running the aggregate again in each
    # parallel worker, and the second OFFSET 0 computes each first day once, not per age band.
    statement = f"""
        WITH per_citizen AS MATERIALIZED (
            SELECT citizen_id, min(stamp) AS first, max(stamp) AS latest
            FROM (
                SELECT citizen_id,
                       date_part('epoch', screened_at)::bigint * {_TIME_AND_SCORE} + score
                           AS stamp
                FROM ({inner_sql}) AS screenings
                OFFSET 0
            ) AS stamped
            GROUP BY citizen_id
            HAVING max(stamp) / {_TIME_AND_SCORE} - min(stamp) / {_TIME_AND_SCORE}
                >= %s::integer * 86400
        ), followed AS (
            SELECT first_score, latest_score, {band} AS band, {category} AS category,
                   {record_key_sql("dated.citizen_id", Citizen)} AS citizen_key
            FROM (
                SELECT p.first %% {_TIME_AND_SCORE} AS first_score,
                       p.latest %% {_TIME_AND_SCORE} AS latest_score,
                       (to_timestamp(p.first / {_TIME_AND_SCORE}) AT TIME ZONE %s)::date
                           AS first_day,
                       c.birth_date,
                       p.citizen_id
                FROM per_citizen p
                JOIN {Citizen._meta.db_table} c ON c.id = p.citizen_id
                OFFSET 0
            ) AS dated
        )
        SELECT {group_by}, GROUPING({group_by}),
               count(*) FILTER (WHERE first_score - latest_score >= %s),
               count(*) FILTER (WHERE first_score - latest_score < %s),
               count(*),
               avg(first_score), avg(latest_score), avg(latest_score - first_score),
               sum(citizen_key) FILTER (WHERE first_score - latest_score >= %s),
               sum(citizen_key) FILTER (WHERE first_score - latest_score < %s),
               sum(citizen_key)
        FROM followed
        {band_filter}
        GROUP BY ROLLUP ({group_by})
    """  # noqa: S608 - the inner query is the ORM's, with its values as parameters
    params = [
        *inner_params,
        FOLLOW_UP_MIN_DAYS,
        settings.TIME_ZONE,
        IMPROVED_BY,
        IMPROVED_BY,
        IMPROVED_BY,
        IMPROVED_BY,
        *([filters.age_band] if filters.age_band else []),
    ]
    by_key = {}
    names = ["improved", "other", "people", "first", "latest", "change"]
    names += [f"{n}{KEY_SUFFIX}" for n in ("improved", "other", "people")]
    for key, rolled, *figures in run(statement, params):
        by_key[TOTAL_KEY if rolled else key] = dict(zip(names, figures, strict=True))
    return by_key


# The category of the first offer a citizen came to (its first activity kind).
_FIRST_OFFER_CATEGORY = """(
    SELECT o.activity_kinds ->> 0
    FROM offers_match m JOIN offers_offer o ON o.id = m.offer_id
    WHERE m.citizen_id = dated.citizen_id AND m.activated_at IS NOT NULL
    ORDER BY m.activated_at LIMIT 1
)"""


def _ucla3_columns() -> list[Column]:
    return [
        Column("improved", _("Improved by %(points)s or more") % {"points": IMPROVED_BY}),
        Column("other", _("The others")),
        Column("people", _("Citizens"), kind=TOTAL),
        Column("first", _("Mean score, first"), kind=MEASURE, base="people"),
        Column("latest", _("Mean score, latest"), kind=MEASURE, base="people"),
        Column("change", _("Mean change"), kind=MEASURE, base="people"),
        Column(
            "share_improved",
            _("Share improved"),
            kind=SHARE,
            base="people",
            numerator="improved",
            unit="%",
        ),
    ]


def ucla3_change(filters: StatsFilter) -> Table:
    """The change in UCLA-3 from a citizen's first screening in the period to their latest, for
    citizens screened again at least FOLLOW_UP_MIN_DAYS after the first. By the age band at the
    first screening."""
    by_key = _ucla3_change_figures(filters, group_by="band")
    empty = {"improved": 0, "other": 0, "people": 0}
    rows = [keyed_row(b.value, b.label, by_key.get(b.value, empty)) for b in AgeBand]
    rows.append(keyed_row(TOTAL_KEY, TOTAL_LABEL, by_key.get(TOTAL_KEY, empty), is_total=True))
    return Table(
        key="ucla3_change",
        title=_("Change in UCLA-3 from the first screening to a later one"),
        description=_(
            "Citizens screened again at least %(days)s days after their first screening in the "
            "period: the mean score at the first and the latest screening, the mean change "
            "(below 0 is less lonely) and the share whose score fell by %(points)s points or more."
        )
        % {"days": FOLLOW_UP_MIN_DAYS, "points": IMPROVED_BY},
        row_heading=_("Age band at the first screening"),
        columns=_ucla3_columns(),
        rows=rows,
        chart="pairs",
        chart_columns=("first", "latest"),
    )


def ucla3_change_by_category(filters: StatsFilter) -> Table:
    """The same change, by the category of the first offer the citizen came to."""
    from offers.constants import ActivityKind

    by_key = _ucla3_change_figures(filters, group_by="category")
    empty = {"improved": 0, "other": 0, "people": 0}
    rows = [keyed_row(k.value, k.label, by_key.get(k.value, empty)) for k in ActivityKind]
    rows.append(keyed_row(TOTAL_KEY, TOTAL_LABEL, by_key.get(TOTAL_KEY, empty), is_total=True))
    return Table(
        key="ucla3_change_by_category",
        title=_("Change in UCLA-3 by offer category"),
        description=_(
            "The same change for citizens who came to an offer, by the category of the first "
            "offer they came to."
        ),
        row_heading=_("Category"),
        columns=_ucla3_columns(),
        rows=rows,
        chart="pairs",
        chart_columns=("first", "latest"),
    )


# --- The registry ---------------------------------------------------------------------------------

# Every table of the dashboard, the exports and the API, in the order shown. A builder takes the
# filters and returns a Table of exact figures; disclosure control is applied to all alike.
# --- Matching -------------------------------------------------------------------------------------


def _matches_by(
    filters: StatsFilter, *, matches, dimension, rows, key, title, description, row_heading
) -> Table:
    """Matches proposed in the period, by `dimension` (rows) and how far each has come."""
    from offers.constants import MatchStatus

    base = narrowed(matches, filters, at="created_at", team="case__team")
    groups = grouped(
        base,
        dimensions={"row": dimension, "status": F("status")},
        aggregates={"n": "count(*)"},
    )
    statuses = list(MatchStatus)
    return Table(
        key=key,
        title=title,
        description=description,
        row_heading=row_heading,
        columns=[
            *(Column(st.value, st.label) for st in statuses),
            Column(TOTAL_KEY, TOTAL_LABEL, kind=TOTAL),
        ],
        rows=cube_rows(groups, rows=rows, row_key=str, column_keys=[st.value for st in statuses]),
        chart="stacked",
    )


def matches_by_strategy(filters: StatsFilter) -> Table:
    """By the offer's intervention strategy; a volunteer is personal social support."""
    from offers.constants import Strategy
    from offers.models import Match

    return _matches_by(
        filters,
        matches=Match.objects.all(),
        dimension=Coalesce(
            F("offer__strategy"), Value(Strategy.PERSONAL_SUPPORT), output_field=CharField()
        ),
        rows=list(Strategy.choices),
        key="matches_by_strategy",
        title=_("Matches, by intervention strategy"),
        description=_(
            "Offers and volunteers proposed to citizens in the period, by the offer's "
            "intervention strategy (a volunteer counts as personal social support) and how far "
            "each match has come."
        ),
        row_heading=_("Strategy"),
    )


def matches_by_category(filters: StatsFilter) -> Table:
    """Matches with offers, by the offer's category (its first activity kind)."""
    from django.db.models.fields.json import KeyTextTransform

    from offers.constants import ActivityKind
    from offers.models import Match

    return _matches_by(
        filters,
        matches=Match.objects.filter(offer__isnull=False),
        dimension=KeyTextTransform("0", "offer__activity_kinds"),
        rows=list(ActivityKind.choices),
        key="matches_by_category",
        title=_("Matches with offers, by category"),
        description=_(
            "Offers proposed to citizens in the period, by the offer's category and how far "
            "each match has come."
        ),
        row_heading=_("Category"),
    )


def volunteer_waiting_list(filters: StatsFilter) -> Table:
    """Citizens waiting for a volunteer now, by the kind of volunteer, and how long they have
    waited (the list as it stands at the end of the period)."""
    from volunteers.constants import VolunteerRole
    from volunteers.models import VolunteerRequest

    waiting = VolunteerRequest.objects.filter(requested_on__lt=filters.end_before.date()).filter(
        Q(closed_at__isnull=True) | Q(closed_at__gte=filters.end_before)
    )
    if filters.team is not None:
        waiting = waiting.filter(case__team=filters.team)
    if filters.district:
        waiting = waiting.annotate(stats_district=district_expression()).filter(
            stats_district=filters.district
        )
    days = quote("v_days")
    groups = grouped(
        waiting,
        dimensions={"role": F("role")},
        # date - date is a whole number of days in PostgreSQL.
        inputs={
            "days": RawSQL(
                '(%s::date - "volunteers_volunteerrequest"."requested_on")',
                [filters.end_before.date()],
                output_field=IntegerField(),
            )
        },
        aggregates={
            "waiting": "count(*)",
            "median": f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {days})",
            "longest": f"max({days})",
        },
        grouping="rollup",
    )
    by_key = {TOTAL_KEY if g.rolled_up[0] else g.keys[0]: g.values for g in groups}
    empty = {"waiting": 0, "median": None, "longest": None}
    rows = [
        keyed_row(key, label, by_key.get(key, empty))
        for key, label in [*VolunteerRole.choices, (TOTAL_KEY, TOTAL_LABEL)]
    ]
    rows[-1].is_total = True
    return Table(
        key="volunteer_waiting_list",
        title=_("Waiting for a volunteer"),
        description=_(
            "Citizens on the waiting list at the end of the period, by the kind of volunteer "
            "they wait for, and how many days they have waited."
        ),
        row_heading=_("Waiting for"),
        columns=[
            Column("waiting", _("Citizens waiting")),
            Column("median", _("Median wait, days"), kind=MEASURE, base="waiting", unit=_("days")),
            Column(
                "longest", _("Longest wait, days"), kind=MEASURE, base="waiting", unit=_("days")
            ),
        ],
        rows=rows,
        chart="bars",
        chart_columns=("waiting",),
    )


TABLES: list[Callable[[StatsFilter], Table]] = [
    referrals_by_source,
    referrals_by_reason,
    first_contact_time,
    screenings_by_colour,
    severe_loneliness_over_time,
    severe_loneliness_by_age_band,
    severe_loneliness_by_district,
    ucla3_change,
    ucla3_change_by_category,
    cases_closed_by_reason,
    matches_by_strategy,
    matches_by_category,
    volunteer_waiting_list,
    gap_analysis,
    unmet_needs,
]

# The tables that read what `prefetch` makes, and what they read.
_SCREENING_TABLES = {
    screenings_by_colour,
    severe_loneliness_over_time,
    severe_loneliness_by_age_band,
    severe_loneliness_by_district,
}
_UCLA3_TABLES = {ucla3_change: "band", ucla3_change_by_category: "category"}
_GAP_TABLES = {gap_analysis, unmet_needs}


def _period_parts(filters: StatsFilter, parts: int) -> list[StatsFilter]:
    """`filters` with its periods cut into up to `parts` runs of whole periods."""
    periods = filters.periods()
    size = -(-len(periods) // parts)
    result = []
    for i in range(0, len(periods), size):
        first = max(periods[i], filters.start)
        following = periods[i + size] if i + size < len(periods) else None
        last = following - timedelta(days=1) if following else filters.end
        result.append(replace(filters, start=first, end=last))
    return result


def build_tables(filters: StatsFilter, builders=None) -> list[Table]:
    """Every table of `builders` (all of TABLES by default), in order, exact (not yet
    protected). The large statements (the screenings, in runs of months; the UCLA-3 change; the
    gap analysis) and the tables that need nothing from them are made at once (`concurrently`);
    then the tables that read the large statements' figures, from `filters.memo`."""
    builders = list(TABLES if builders is None else builders)
    wanted = set(builders)
    jobs: list[tuple[str, Callable[[], object]]] = []  # (what it makes, how)
    if _SCREENING_TABLES & wanted and "screening_counts" not in filters.memo:
        # a run of months per connection (one scan where they run one after the other)
        for part in _period_parts(filters, connections_at_once()):
            jobs.append(("screening_parts", partial(_screening_parts, part)))
    for builder, group_by in _UCLA3_TABLES.items():
        if builder in wanted and f"ucla3_change_{group_by}" not in filters.memo:
            jobs.append(
                (
                    f"ucla3_change_{group_by}",
                    partial(_ucla3_change_query, filters, group_by=group_by),
                )
            )
    if _GAP_TABLES & wanted and "gaps" not in filters.memo:
        jobs.append(("gaps", partial(gap_figures, filters, keep=False)))
    shared = _SCREENING_TABLES | set(_UCLA3_TABLES) | _GAP_TABLES
    own = [b for b in builders if b not in shared]
    jobs += [(b.__name__, partial(b, filters)) for b in own]

    results = concurrently([job for _name, job in jobs])
    made, screening_parts = {}, []
    for (name, _job), result in zip(jobs, results, strict=True):
        if name == "screening_parts":
            screening_parts += result
        elif name in ("gaps", "ucla3_change_band", "ucla3_change_category"):
            filters.memo[name] = result
        else:
            made[name] = result
    if screening_parts:
        filters.memo["screening_counts"] = _screening_margins(screening_parts)
    return [made[b.__name__] if b.__name__ in made else b(filters) for b in builders]
