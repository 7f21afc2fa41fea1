"""Reading the statistics: every table, with disclosure control applied, for a user allowed to
see them. Nothing here returns a row about a person."""

from collections.abc import Iterator

from django.conf import settings
from django.core.exceptions import PermissionDenied

from stats.disclosure import PublishedTable, protect
from stats.filters import StatsFilter
from stats.queries import statistics_session
from stats.tables import build_tables

PERMISSION = "stats.view_statistics"


def min_count() -> int:
    return settings.BROBYG_STATS_MIN_COUNT


def published_tables(*, filters: StatsFilter, builders=None) -> Iterator[PublishedTable]:
    """The tables one by one, protected, so an export can write each as it comes; the large
    statements behind them run at once (`build_tables`)."""
    k = min_count()
    with statistics_session():
        for table in build_tables(filters, builders):
            yield protect(table, k=k)


def statistics_iter(*, user, filters: StatsFilter, builders=None) -> Iterator[PublishedTable]:
    """`published_tables` for a user allowed to see them."""
    if not user.has_perm(PERMISSION):
        raise PermissionDenied
    return published_tables(filters=filters, builders=builders)


def statistics_tables(*, user, filters: StatsFilter, builders=None) -> list[PublishedTable]:
    return list(statistics_iter(user=user, filters=filters, builders=builders))
