"""What a statistics request is narrowed to, read from a query string, and the expressions the
table builders filter and group with.

Periods are whole months: a day-precise period would let two requests a day apart tell what
happened on one day, so `from` is taken to the start of its month and `to` to the end of its.
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, CharField, DateField, F, Func, Value, When
from django.db.models.functions import TruncDate, TruncMonth, TruncQuarter
from django.db.models.lookups import GreaterThan
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import TeamKind
from accounts.models import Team
from referrals.constants import AgeBand
from referrals.models import Citizen
from stats.constants import FILTER_AGE_BANDS, MAX_MONTHS, Interval

_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class StatsFilter:
    start: date  # the first day of the first month
    end: date  # the last day of the last month
    interval: str = Interval.MONTH
    team: Team | None = None
    district: str = ""
    age_band: str = ""
    # Results several tables share within one request (one scan of the screenings serves four
    # tables); never copied by dataclasses.replace(), so narrower filters start empty.
    memo: dict = field(default_factory=dict, init=False, compare=False, hash=False, repr=False)

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_before(self) -> datetime:
        """The first moment after the period (periods are half-open: start <= t < end)."""
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def periods(self) -> list[date]:
        """The first day of every month (or quarter) in the period, in order."""
        step = 3 if self.interval == Interval.QUARTER else 1
        first = period_start(self.start, self.interval)
        result = []
        year, month = first.year, first.month
        while date(year, month, 1) <= self.end:
            result.append(date(year, month, 1))
            month += step
            if month > 12:
                year, month = year + 1, month - 12
        return result

    def as_params(self) -> dict[str, str]:
        """The filter as query parameters (months only), e.g. for the export links."""
        params = {
            "from": f"{self.start:%Y-%m}",
            "to": f"{self.end:%Y-%m}",
            "interval": self.interval,
        }
        if self.team:
            params["team"] = str(self.team.pk)
        if self.district:
            params["district"] = self.district
        if self.age_band:
            params["age_band"] = self.age_band
        return params


def period_start(day: date, interval: str) -> date:
    if interval == Interval.QUARTER:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return date(day.year, day.month, 1)


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def parse_month(value: str, field: str, *, end: bool) -> date:
    """`YYYY-MM` or `YYYY-MM-DD`, as the first (or, with `end`, the last) day of its month."""
    match = _DATE.match(value.strip())
    day = None
    if match:
        year, month, day_of_month = match.groups()
        try:
            day = date(int(year), int(month), int(day_of_month or 1))
        except ValueError:
            day = None
    if day is None or day.year < 2000:
        raise ValidationError(
            {field: _("Write a date as YYYY-MM-DD or a month as YYYY-MM, from the year 2000.")}
        )
    return _month_end(day) if end else date(day.year, day.month, 1)


def default_period(today: date | None = None) -> tuple[date, date]:
    """The last twelve months, this one included."""
    today = today or timezone.localdate()
    month_index = today.year * 12 + today.month - 1 - 11
    return date(month_index // 12, month_index % 12 + 1, 1), _month_end(today)


def filters_from_params(params) -> StatsFilter:
    """A StatsFilter from a query string; a ValidationError names each field that is wrong."""
    errors: dict[str, list[str]] = {}
    start, end = default_period()

    def read(name: str) -> str:
        return (params.get(name) or "").strip()

    try:
        if read("from"):
            start = parse_month(read("from"), "from", end=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        if read("to"):
            end = parse_month(read("to"), "to", end=True)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if not errors:
        if end < start:
            errors["to"] = [_("The end of the period is before its start.")]
        elif (end.year - start.year) * 12 + end.month - start.month + 1 > MAX_MONTHS:
            errors["to"] = [
                _("A period can be at most %(months)s months.") % {"months": MAX_MONTHS}
            ]

    interval = read("interval") or Interval.MONTH
    if interval not in Interval.values:
        errors["interval"] = [_("Choose month or quarter.")]
    elif interval == Interval.QUARTER:
        # Whole quarters: a quarter's row never holds only part of it.
        start = period_start(start, Interval.QUARTER)
        end = _month_end(date(end.year, 3 * ((end.month - 1) // 3) + 3, 1))

    team = None
    if read("team"):
        team = (
            statistics_teams().filter(pk=read("team")).first() if _is_uuid(read("team")) else None
        )
        if team is None:
            errors["team"] = [_("No team has this id.")]

    district = read("district")
    if district and not re.fullmatch(r"\d{4}", district):
        errors["district"] = [_("A district is a four-digit postcode.")]

    age_band = read("age_band")
    if age_band and age_band not in FILTER_AGE_BANDS:
        errors["age_band"] = [
            _("Choose one of the age bands %(bands)s.") % {"bands": ", ".join(FILTER_AGE_BANDS)}
        ]

    if errors:
        raise ValidationError(errors)
    return StatsFilter(
        start=start,
        end=end,
        interval=interval,
        team=team,
        district=district,
        age_band=age_band,
    )


def _is_uuid(value: str) -> bool:
    return bool(re.fullmatch(r"[0-9a-fA-F-]{32,36}", value))


def statistics_teams():
    """The teams whose work the statistics can be narrowed to."""
    return Team.objects.filter(
        kind__in=[TeamKind.BRIDGE_BUILDERS, TeamKind.HOME_CARE]
    ).select_related("organisation")


# --- Expressions ----------------------------------------------------------------------------------


def district_expression(citizen: str = "citizen__"):
    """The citizen's district. For now the postcode area (postnummer); a lookup in a table of
    postcodes and districts replaces it here, and everything grouped or filtered by district
    follows. `citizen` is the path from the model queried to the citizen ("" on Citizen)."""
    return F(f"{citizen}postcode")


def district_choices() -> list[str]:
    """The districts citizens live in, for the filter. With a table of districts this lists
    that table; for postcodes, PostgreSQL skips from one postcode to the next in the index
    (a few hundred steps) instead of reading every citizen."""
    table = connection.ops.quote_name(Citizen._meta.db_table)
    sql = f"""
        WITH RECURSIVE districts AS (
            (SELECT postcode FROM {table} WHERE postcode > '' ORDER BY postcode LIMIT 1)
            UNION ALL
            SELECT (
                SELECT c.postcode FROM {table} c
                WHERE c.postcode > districts.postcode ORDER BY c.postcode LIMIT 1
            )
            FROM districts WHERE districts.postcode IS NOT NULL
        )
        SELECT postcode FROM districts WHERE postcode IS NOT NULL
    """  # noqa: S608 - the table name is the model's
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


AGE_LIMITS = [
    (16, AgeBand.UNDER_16),
    (30, AgeBand.BAND_16_29),
    (50, AgeBand.BAND_30_49),
    (65, AgeBand.BAND_50_64),
    (80, AgeBand.BAND_65_79),
]


class _YearsBefore(Func):
    """The local date of `at`, `years` years back: born after it, one is younger than that."""

    template = "(%(expressions)s - interval '%(years)s years')::date"
    output_field = DateField()

    def __init__(self, at: str, *, years: int):
        super().__init__(TruncDate(at), years=int(years))


def age_band_expression(*, birth_date: str, at: str):
    """The age band of the national health profile at the time of the event `at`: compared
    as dates (born after the day N years before), which PostgreSQL does faster than age()."""
    whens = [
        When(GreaterThan(F(birth_date), _YearsBefore(at, years=limit)), then=Value(band))
        for limit, band in AGE_LIMITS
    ]
    return Case(*whens, default=Value(AgeBand.BAND_80), output_field=CharField())


def age_band_sql(*, birth_date: str, day: str) -> str:
    """`age_band_expression` in SQL, over columns holding the birth date and the local date of
    the event (for queries that compute the date once per row). Oldest first: most citizens
    Brobyg counts are old, so most rows stop at the first or second test."""
    # "At least N years old" is "born on or before the day N years back".
    at_least = [(limit, band) for (limit, _), (_, band) in pairwise(AGE_LIMITS)]
    at_least.append((AGE_LIMITS[-1][0], AgeBand.BAND_80))
    whens = " ".join(
        f"WHEN {birth_date} <= {day} - interval '{limit} years' THEN '{band}'"
        for limit, band in reversed(at_least)
    )
    return f"CASE {whens} ELSE '{AgeBand.UNDER_16}' END"


def period_expression(field: str, interval: str):
    """The month (or quarter) an event falls in, in Danish local time, as its first day."""
    trunc = TruncQuarter if interval == Interval.QUARTER else TruncMonth
    return trunc(field, output_field=DateField())


def narrowed(
    queryset,
    filters: StatsFilter,
    *,
    at: str,
    team: str | None,
    citizen: str = "citizen__",
):
    """`queryset` narrowed to the period (by the datetime field `at`), the team (through the
    path `team`, if the model has one), the district and the age band at the event."""
    queryset = queryset.filter(**{f"{at}__gte": filters.start_at, f"{at}__lt": filters.end_before})
    if filters.team is not None and team:
        queryset = queryset.filter(**{team: filters.team})
    if filters.district:
        queryset = queryset.annotate(stats_district=district_expression(citizen)).filter(
            stats_district=filters.district
        )
    if filters.age_band:
        queryset = queryset.annotate(
            stats_age_band=age_band_expression(birth_date=f"{citizen}birth_date", at=at)
        ).filter(stats_age_band=filters.age_band)
    return queryset
