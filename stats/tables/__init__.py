"""The statistics' tables: each is one function of the filters that runs one aggregate query
(the four screening tables share one, a single scan of the screenings) and returns a `Table` of
exact figures. `protect()` (disclosure.py) decides what of it may be
shown; the dashboard, the exports and the API show only that.

To add a table, write a builder here (or in the app whose data it counts) and add it to
`TABLES` below. See docs/statistics.md.
"""

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from functools import partial

from stats.disclosure import Table
from stats.filters import StatsFilter
from stats.gaps import gap_analysis, gap_figures, unmet_needs
from stats.queries import concurrently, connections_at_once
from stats.tables.common import (  # noqa: F401 - the names other modules read from here
    NO_COLOUR,
    NOT_STATED,
    SEVERE,
    TOTAL_KEY,
    TOTAL_LABEL,
    UNDER,
    cube_rows,
    keyed_row,
    period_key,
    period_label,
    period_rows,
)
from stats.tables.matching_tables import (
    matches_by_category,
    matches_by_strategy,
    volunteer_waiting_list,
)
from stats.tables.referral_tables import (
    cases_closed_by_reason,
    first_contact_time,
    referrals_by_reason,
    referrals_by_source,
)
from stats.tables.screening_tables import (  # noqa: F401
    _screening_counts,
    _screening_margins,
    _screening_parts,
    screenings_by_colour,
    severe_loneliness_by_age_band,
    severe_loneliness_by_district,
    severe_loneliness_over_time,
)
from stats.tables.triage_states import citizens_by_triage_colour
from stats.tables.ucla3 import (  # noqa: F401
    _ucla3_change_figures,
    _ucla3_change_query,
    ucla3_change,
    ucla3_change_by_category,
)

# Every table of the dashboard, the exports and the API, in the order shown. A builder takes the
# filters and returns a Table of exact figures; disclosure control is applied to all alike.
TABLES: list[Callable[[StatsFilter], Table]] = [
    referrals_by_source,
    referrals_by_reason,
    first_contact_time,
    screenings_by_colour,
    severe_loneliness_over_time,
    severe_loneliness_by_age_band,
    severe_loneliness_by_district,
    citizens_by_triage_colour,
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
