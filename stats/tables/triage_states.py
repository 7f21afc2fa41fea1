"""Citizens by their current triage colour: the board meeting's working state at the end of
the period, however the colour was set (a screening, a step of the team's procedure, another
instrument, by hand). The screening tables count UCLA-3 screenings; this counts states."""

from datetime import timedelta

from django.db.models import DateTimeField, F, Value
from django.db.models.functions import Coalesce
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from referrals.models import Citizen
from screening.constants import TriageHow
from screening.models import TriageState
from stats.disclosure import TOTAL, Column, Table
from stats.filters import StatsFilter, age_band_expression, district_expression
from stats.queries import grouped, quote
from stats.tables.common import TOTAL_KEY, cube_rows


def _states_at_end(filters: StatsFilter):
    """Each citizen's colour on each team at the end of the period: the latest state set
    before it (as services.triage_state orders them: the latest `set_at`, then the latest
    made), whether or not it is still the current one."""
    states = TriageState.objects.filter(set_at__lt=filters.end_before)
    if filters.team is not None:
        states = states.filter(team=filters.team)
    return (
        states.order_by("citizen_id", "team_id", "-set_at", "-created_at")
        .distinct("citizen_id", "team_id")
        .values("pk")
    )


def _citizens(filters: StatsFilter):
    """The citizens with a colour at the end of the period, once per team they have one on,
    narrowed by district and by the age band they are in on the period's last day. Counted
    from the citizens, so each count's cell key is its citizens' keys, as in the other
    tables of citizens."""
    citizens = Citizen.objects.filter(triage_states__pk__in=_states_at_end(filters))
    if filters.district:
        citizens = citizens.annotate(stats_district=district_expression("")).filter(
            stats_district=filters.district
        )
    if filters.age_band:
        last_moment = Value(filters.end_before - timedelta(microseconds=1), DateTimeField())
        citizens = citizens.annotate(
            stats_age_band=age_band_expression(birth_date="birth_date", at=last_moment)
        ).filter(stats_age_band=filters.age_band)
    return citizens


def citizens_by_triage_colour(filters: StatsFilter) -> Table:
    # The filter() above and the expressions here go through the same join to the states, so
    # each citizen is grouped by the state that was counted.
    groups = grouped(
        _citizens(filters),
        dimensions={"colour": F("triage_states__colour__label"), "how": F("triage_states__how")},
        inputs={
            "hex": F("triage_states__colour__hex"),
            "rank": F("triage_states__colour__rank"),
            "label_en": Coalesce(F("triage_states__colour__label_en"), Value("")),
        },
        aggregates={
            "n": "count(*)",
            "hex": f"max({quote('v_hex')})",
            "rank": f"min({quote('v_rank')})",
            "label_en": f"max({quote('v_label_en')})",
        },
    )
    colours = {g.keys[0]: g.values for g in groups if not g.rolled_up[0] and g.rolled_up[1]}
    order = sorted(colours, key=lambda label: (colours[label]["rank"], label))
    english = (translation.get_language() or "").split("-")[0] == "en"

    def shown(label: str) -> str:
        return (colours[label]["label_en"] if english else "") or label

    hows = [how.value for how in TriageHow]
    rows = cube_rows(
        groups,
        rows=[(label, shown(label)) for label in order],
        row_key=str,
        column_keys=hows,
    )
    for row, label in zip(rows, order, strict=False):
        row.colour = colours[label]["hex"] or ""
    return Table(
        key="citizens_by_triage_colour",
        title=_("Citizens by current triage colour"),
        sheet_title=_("Citizens by triage colour now"),
        description=_(
            "Each citizen's triage colour on each team at the end of the period (the latest set "
            "before it), by how it was set: by a screening, a step of the team's procedure, "
            "another instrument or by hand. A citizen on two teams is counted on each."
        ),
        row_heading=_("Triage colour"),
        columns=[
            *(Column(how.value, how.label) for how in TriageHow),
            Column(TOTAL_KEY, _("Citizens"), kind=TOTAL),
        ],
        rows=rows,
        rows_from_data=True,
        chart="stacked",
    )
