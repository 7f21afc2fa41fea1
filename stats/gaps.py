"""The gap analysis: where are citizens screened red without an offer they can reach, and what
did bridge-builders record as "no fitting offer exists"? Two tables from one statement.

Reach is the citizen's own: an offer to go to counts when its place lies within the distance the
citizen will travel (their matching wishes' `max_distance_km`; without wishes,
`BROBYG_STATS_GAP_KM`), measured between postcode centres; an offer by phone or online counts
only for a citizen whose wishes say they would take part that way. The offer must be active and
meant for the citizen's age. An offer anywhere by phone does not make the whole country "near".

One statement, built once per request (`filters.memo`):

1. the red screenings in the period with no later complete screening of the same citizen in it
   (an anti-join through the index on each citizen's screenings): each citizen whose latest
   screening was red, once; with a team filter, those whose latest screening was that team's;
2. with each citizen's birth date, district, postcode centre and wishes for matching, grouped by
   what decides reach (place, distance, phone, age), so each distinct case is looked up once;
3. for each, whether an offer is within reach (offers to go to through the index on their
   place), then counted by district and age band with the margins (CUBE);
4. beside it (UNION ALL), the open unmet needs by district and category.

Each count comes with its cell key (stats/disclosure.py): the sum of the record keys of the
citizens (gap) or the needs (unmet needs) it counts, from the same statement.
"""

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from matching.models import MatchProfile
from offers.constants import ActivityKind, OfferStatus
from offers.models import Offer, UnmetNeed
from places.geo import KM_PER_DEGREE
from places.models import Postcode
from referrals.constants import AgeBand
from referrals.models import Citizen
from screening.models import Screening
from stats.disclosure import TOTAL, Column, Row, Table
from stats.filters import StatsFilter, age_band_expression, age_band_sql, district_expression
from stats.queries import quote, record_key_sql, run

# The triage code of the default scheme ("Trafiklys") for signs of severe loneliness.
RED = "red"
TOTAL_KEY = "total"
GAP, NEED = "gap", "need"
# Statistics Denmark's age bands start at 16; the gap analysis counts those.
BANDS = [b for b in AgeBand if b != AgeBand.UNDER_16]


def _table(model) -> str:
    return quote(model._meta.db_table)


def _sql(queryset) -> tuple[str, list]:
    sql, params = queryset.order_by().query.sql_with_params()
    return sql, list(params)


def _open_needs(filters: StatsFilter):
    """Unmet needs still open at the end of the period: recorded before it ended, not met by
    then and the course not ended by then. By the area where the offer is missing."""
    end = filters.end_before
    needs = UnmetNeed.objects.filter(created_at__lt=end).filter(
        Q(met_at__isnull=True) | Q(met_at__gte=end),
        Q(case__closed_at__isnull=True) | Q(case__closed_at__gte=end),
    )
    if filters.team is not None:
        needs = needs.filter(case__team=filters.team)
    # The need's own area (a postcode, like the citizen's): the district it falls in.
    needs = needs.annotate(stats_district=district_expression(""))
    if filters.district:
        needs = needs.filter(stats_district=filters.district)
    if filters.age_band:
        needs = needs.annotate(
            stats_age_band=age_band_expression(
                birth_date="case__citizen__birth_date", at="created_at"
            )
        ).filter(stats_age_band=filters.age_band)
    return needs.values("id", "stats_district", "category")


def _statement(filters: StatsFilter) -> tuple[str, list]:
    red_screenings = Screening.objects.filter(
        is_draft=False,
        triage_code=RED,
        screened_at__gte=filters.start_at,
        screened_at__lt=filters.end_before,
    )
    if filters.team is not None:
        # The citizens whose latest screening was this team's (each citizen in one team's part).
        red_screenings = red_screenings.filter(team=filters.team)
    screenings, screening_params = _sql(red_screenings.values("id", "citizen_id", "screened_at"))
    citizens, citizen_params = _sql(
        Citizen.objects.annotate(stats_district=district_expression("")).values(
            "id", "birth_date", "postcode", "stats_district"
        )
    )
    needs, need_params = _sql(_open_needs(filters))
    all_screenings, offers = _table(Screening), _table(Offer)
    postcodes, profiles = _table(Postcode), _table(MatchProfile)

    narrow = []
    if filters.district:
        narrow.append("district = %s")
    if filters.age_band:
        narrow.append("band = %s")
    narrow_sql = "".join(f" AND {condition}" for condition in narrow)
    fits_age = (
        "(o.age_min IS NULL OR o.age_min <= red.age)"
        " AND (o.age_max IS NULL OR o.age_max >= red.age)"
    )
    # Degrees of latitude and longitude within `km` of the citizen: the box the index narrows
    # the offers to, before the distance (as places.geo.distance_km) decides.
    lat_reach = f"red.km / {KM_PER_DEGREE}"
    lon_reach = f"red.km / ({KM_PER_DEGREE} * cos(radians(red.lat)))"
    distance = (
        f"{KM_PER_DEGREE} * sqrt(power(o.latitude - red.lat, 2)"
        " + power((o.longitude - red.lon) * cos(radians((o.latitude + red.lat) / 2)), 2))"
    )
    band = age_band_sql(birth_date="c.birth_date", day="l.day")
    statement = f"""
        WITH red AS MATERIALIZED (
            SELECT district, band, age, lat, lon, km, remote_ok,
                   count(*) AS n, sum(citizen_key) AS n_key
            FROM (
                SELECT c.stats_district AS district,
                       {band} AS band,
                       date_part('year', age(l.day, c.birth_date))::int AS age,
                       p.latitude AS lat,
                       p.longitude AS lon,
                       coalesce(mp.max_distance_km, %s) AS km,
                       coalesce(mp.accepts_remote, false) AS remote_ok,
                       {record_key_sql("l.citizen_id", Citizen)} AS citizen_key
                FROM (
                    SELECT s.citizen_id, (s.screened_at AT TIME ZONE %s)::date AS day
                    FROM ({screenings}) AS s
                    WHERE NOT EXISTS (
                        SELECT 1 FROM {all_screenings} later
                        WHERE later.citizen_id = s.citizen_id
                          AND NOT later.is_draft
                          AND later.screened_at >= s.screened_at
                          AND (later.screened_at > s.screened_at OR later.id > s.id)
                          AND later.screened_at < %s
                    )
                    OFFSET 0
                ) AS l
                JOIN ({citizens}) AS c ON c.id = l.citizen_id
                LEFT JOIN {postcodes} p ON p.code = c.postcode
                LEFT JOIN {profiles} mp ON mp.citizen_id = l.citizen_id
                OFFSET 0
            ) AS placed
            WHERE band <> %s{narrow_sql}
            GROUP BY district, band, age, lat, lon, km, remote_ok
        )
        SELECT %s, district, band, GROUPING(district, band), sum(n)::bigint, sum(n_key)::bigint
        FROM red
        WHERE NOT (red.remote_ok AND EXISTS (
                SELECT 1 FROM {offers} o
                WHERE o.status = %s AND o.is_remote AND {fits_age}
            ))
          AND NOT (red.lat IS NOT NULL AND EXISTS (
                SELECT 1 FROM {offers} o
                WHERE o.status = %s AND NOT o.is_remote
                  AND o.latitude BETWEEN red.lat - {lat_reach} AND red.lat + {lat_reach}
                  AND o.longitude BETWEEN red.lon - {lon_reach} AND red.lon + {lon_reach}
                  AND {fits_age}
                  AND {distance} <= red.km
            ))
        GROUP BY CUBE (district, band)
        UNION ALL
        SELECT %s, needs.stats_district, needs.category,
               GROUPING(needs.stats_district, needs.category), count(*),
               sum({record_key_sql("needs.id", UnmetNeed)})::bigint
        FROM ({needs}) AS needs
        GROUP BY CUBE (needs.stats_district, needs.category)
    """  # noqa: S608 - table names are the models', the inner queries the ORM's, values params
    params = [
        settings.BROBYG_STATS_GAP_KM,
        settings.TIME_ZONE,
        *screening_params,
        filters.end_before,
        *citizen_params,
        AgeBand.UNDER_16.value,
        *([filters.district] if filters.district else []),
        *([filters.age_band] if filters.age_band else []),
        GAP,
        OfferStatus.ACTIVE.value,
        OfferStatus.ACTIVE.value,
        NEED,
        *need_params,
    ]
    return statement, params


def gap_figures(filters: StatsFilter, *, keep: bool = True) -> dict[str, dict]:
    """{"gap": {(district, band): (n, cell key)}, "need": {(district, category): (n, cell key)}},
    with TOTAL_KEY where a dimension is summed over; a cell key is the sum of the counted
    records' keys (citizens for the gap, needs for the needs: stats/disclosure.py). Both tables'
    figures from one statement, kept for the request."""
    if keep and "gaps" in filters.memo:
        return filters.memo["gaps"]
    figures: dict[str, dict] = {GAP: {}, NEED: {}}
    for part, row_key, column_key, grouping, n, cell_key in run(*_statement(filters)):
        row = TOTAL_KEY if grouping & 2 else (row_key or "")
        column = TOTAL_KEY if grouping & 1 else column_key
        figures[part][(row, column)] = (int(n or 0), int(cell_key or 0))
    if keep:
        filters.memo["gaps"] = figures
    return figures


def _rows(cells: dict, column_keys: list[str]) -> list[Row]:
    """A row per district with anything counted, in order, and the total row."""
    keys = [*column_keys, TOTAL_KEY]
    districts = sorted({r for r, _c in cells if r != TOTAL_KEY})

    def row(district: str, label) -> Row:
        figures = {k: cells.get((district, k), (0, 0)) for k in keys}
        return Row(
            district,
            label,
            {k: n for k, (n, _key) in figures.items()},
            is_total=district == TOTAL_KEY,
            cell_keys={k: key for k, (_n, key) in figures.items()},
        )

    return [*(row(d, d or _("Unknown")) for d in districts), row(TOTAL_KEY, _("Total"))]


def gap_analysis(filters: StatsFilter) -> Table:
    """Red-screened citizens with no offer they can reach, by district and age band."""
    bands = [b.value for b in BANDS]
    return Table(
        key="gap_analysis",
        title=_("Where no offer is within reach: citizens screened red"),
        sheet_title=_("Red with no offer in reach"),
        description=_(
            "Citizens whose latest screening in the period was red and who have no active offer "
            "for their age that they can reach on their own terms: one to go to within the "
            "distance they will travel (from their wishes for matching, else {km} km between "
            "postcode centres), or one by phone or online if they would take part that way. By "
            "district and by the age band at the latest screening."
        ).format(km=settings.BROBYG_STATS_GAP_KM),
        row_heading=_("District"),
        columns=[
            *(Column(b.value, b.label) for b in BANDS),
            Column(TOTAL_KEY, _("Total"), kind=TOTAL),
        ],
        rows=_rows(gap_figures(filters)[GAP], bands),
        rows_from_data=True,
        chart="stacked",
    )


def unmet_needs(filters: StatsFilter) -> Table:
    """The needs bridge-builders recorded as "no fitting offer exists", open at the end of the
    period, by district and the kind of offer missing."""
    kinds = [k.value for k in ActivityKind]
    return Table(
        key="unmet_needs",
        title=_("Unmet needs: no fitting offer"),
        sheet_title=_("Unmet needs"),
        description=_(
            "Needs that bridge-builders recorded because no fitting offer existed, still open at "
            "the end of the period (not met, and the course not ended), by the district where "
            "the offer is missing and the kind of offer."
        ),
        row_heading=_("District"),
        columns=[
            *(Column(k.value, k.label) for k in ActivityKind),
            Column(TOTAL_KEY, _("Total"), kind=TOTAL),
        ],
        rows=_rows(gap_figures(filters)[NEED], kinds),
        rows_from_data=True,
        chart="stacked",
    )
