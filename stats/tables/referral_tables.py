"""Referrals, first contact and closed cases."""

from django.db.models import (
    F,
)
from django.db.models.functions import Extract
from django.utils.translation import gettext_lazy as _

from referrals.constants import CaseStatus, CloseReason, LifeTransition, ReferralSource
from referrals.models import Case as CitizenCase
from referrals.models import Referral
from stats.disclosure import MEASURE, TOTAL, Column, Table
from stats.filters import (
    StatsFilter,
    narrowed,
    period_expression,
)
from stats.queries import (
    grouped,
    quote,
)
from stats.tables.common import (
    NOT_STATED,
    TOTAL_KEY,
    TOTAL_LABEL,
    cube_rows,
    keyed_row,
    period_key,
    period_rows,
)

# --- Referrals ------------------------------------------------------------------------------------


def _by_period(
    filters: StatsFilter, *, base, at: str, field: str, choices, key: str, title, description
) -> Table:
    """Records of `base` by the period of `at` (rows) and the value of `field` (columns, one per
    of `choices`), with the margins: one GROUP BY CUBE."""
    groups = grouped(
        base,
        dimensions={"period": period_expression(at, filters.interval), "value": F(field)},
        aggregates={"n": "count(*)"},
    )
    values = list(choices)
    return Table(
        key=key,
        title=title,
        description=description,
        row_heading=_("Period"),
        columns=[
            *(Column(v.value, v.label) for v in values),
            Column(TOTAL_KEY, TOTAL_LABEL, kind=TOTAL),
        ],
        rows=cube_rows(
            groups,
            rows=period_rows(filters),
            row_key=lambda d: period_key(d, filters.interval),
            column_keys=[v.value for v in values],
        ),
        chart="stacked",
    )


def referrals_by_source(filters: StatsFilter) -> Table:
    return _by_period(
        filters,
        base=narrowed(Referral.objects.all(), filters, at="created_at", team="case__team"),
        at="created_at",
        field="source",
        choices=ReferralSource,
        key="referrals_by_source",
        title=_("Referrals by who referred"),
        description=_("Referrals received, by the month (or quarter) they arrived."),
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
        sheet_title=_("Time to first contact"),
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
    closed = CitizenCase.objects.filter(status=CaseStatus.CLOSED)
    return _by_period(
        filters,
        base=narrowed(closed, filters, at="closed_at", team="team"),
        at="closed_at",
        field="close_reason",
        choices=CloseReason,
        key="cases_closed_by_reason",
        title=_("Cases closed, by reason"),
        description=_("Cases closed, by the month (or quarter) they were closed."),
    )
