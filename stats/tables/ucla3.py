"""The change in UCLA-3 from a citizen's first screening in the period to the latest."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from matching.models import Match
from offers.constants import ActivityKind
from referrals.constants import AgeBand
from referrals.models import Citizen
from stats.constants import FOLLOW_UP_MIN_DAYS, IMPROVED_BY
from stats.disclosure import MEASURE, SHARE, TOTAL, Column, Table
from stats.filters import (
    StatsFilter,
    age_band_sql,
)
from stats.queries import (
    KEY_SUFFIX,
    record_key_sql,
    run,
)
from stats.tables.common import (
    TOTAL_KEY,
    TOTAL_LABEL,
    _ucla3_screenings,
    keyed_row,
)

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
        sheet_title=_("Change in UCLA-3"),
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

    by_key = _ucla3_change_figures(filters, group_by="category")
    empty = {"improved": 0, "other": 0, "people": 0}
    rows = [keyed_row(k.value, k.label, by_key.get(k.value, empty)) for k in ActivityKind]
    rows.append(keyed_row(TOTAL_KEY, TOTAL_LABEL, by_key.get(TOTAL_KEY, empty), is_total=True))
    return Table(
        key="ucla3_change_by_category",
        title=_("Change in UCLA-3 by offer category"),
        sheet_title=_("Change in UCLA-3 by category"),
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
