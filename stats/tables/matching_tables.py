"""Matches and the volunteers' waiting list."""

from django.db.models import (
    CharField,
    F,
    IntegerField,
    Q,
    Value,
)
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from matching.models import Match
from offers.constants import ActivityKind, MatchStatus, Strategy
from stats.disclosure import MEASURE, TOTAL, Column, Table
from stats.filters import (
    StatsFilter,
    district_expression,
    narrowed,
)
from stats.queries import (
    grouped,
    quote,
)
from stats.tables.common import (
    TOTAL_KEY,
    TOTAL_LABEL,
    cube_rows,
    keyed_row,
)
from volunteers.constants import VolunteerRole
from volunteers.models import VolunteerRequest

# --- Matching -------------------------------------------------------------------------------------


def _matches_by(
    filters: StatsFilter,
    *,
    matches,
    dimension,
    rows,
    key,
    title,
    sheet_title,
    description,
    row_heading,
) -> Table:
    """Matches proposed in the period, by `dimension` (rows) and how far each has come."""

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
        sheet_title=sheet_title,
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

    return _matches_by(
        filters,
        matches=Match.objects.all(),
        dimension=Coalesce(
            F("offer__strategy"), Value(Strategy.PERSONAL_SUPPORT), output_field=CharField()
        ),
        rows=list(Strategy.choices),
        key="matches_by_strategy",
        title=_("Matches, by intervention strategy"),
        sheet_title=_("Matches by strategy"),
        description=_(
            "Offers and volunteers proposed to citizens in the period, by the offer's "
            "intervention strategy (a volunteer counts as personal social support) and how far "
            "each match has come."
        ),
        row_heading=_("Strategy"),
    )


def matches_by_category(filters: StatsFilter) -> Table:
    """Matches with offers, by the offer's category (its first activity kind)."""

    return _matches_by(
        filters,
        matches=Match.objects.filter(offer__isnull=False),
        dimension=KeyTextTransform("0", "offer__activity_kinds"),
        rows=list(ActivityKind.choices),
        key="matches_by_category",
        title=_("Matches with offers, by category"),
        sheet_title=_("Offer matches by category"),
        description=_(
            "Offers proposed to citizens in the period, by the offer's category and how far "
            "each match has come."
        ),
        row_heading=_("Category"),
    )


def volunteer_waiting_list(filters: StatsFilter) -> Table:
    """Citizens waiting for a volunteer now, by the kind of volunteer, and how long they have
    waited (the list as it stands at the end of the period)."""

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
