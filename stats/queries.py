"""Running one aggregate query for a table: the ORM narrows and joins, PostgreSQL groups.

`grouped()` takes a queryset already narrowed by the filters, the expressions to group by and
the aggregates, and runs it as one statement with GROUP BY CUBE or ROLLUP, so the margins (a
row's total, a column's total, the grand total) come from the same query as the cells.

Every count comes with its cell key (stats/disclosure.py): beside each `count(*)` aggregate
`grouped()` sums the counted records' keys, as `<name>_key`, in the same pass.
"""

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BigIntegerField, F, Func, IntegerField, Value

from stats.disclosure import CELL_KEY_MODULUS, record_key_seed

# For the statistics' few large aggregates: no JIT (compiling costs a second or more per query
# and gains nothing on a one-off GROUP BY), room to hash without spilling to disk, and hashing
# rather than sorting: PostgreSQL cannot tell how few groups a month or an age band makes and
# would sort millions of rows for a few thousand groups. It plans a hash aggregate only where its
# (far too large) estimate of the groups fits in work_mem × hash_mem_multiplier, so hashing gets
# the larger allowance; the groups really made are a few thousand, and a hash aggregate spills
# to disk if it must, so this is safe however large the data.
SESSION_SETTINGS = {
    "jit": "off",
    "work_mem": "64MB",
    "hash_mem_multiplier": "8",
    "enable_sort": "off",
}


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


class Sql(str):
    """A dimension written in SQL over the inner columns ("v_<name>"), for expressions that
    would otherwise repeat work per row: the inner columns are computed once per row (an
    OFFSET 0 keeps PostgreSQL from copying their expressions into every use)."""


# The aggregate beside a count that sums its records' keys: "n" has "n_key".
KEY_SUFFIX = "_key"
_COUNT = "count(*)"
_RECORD_KEY = "record_key"


def record_key_sql(column: str, model) -> str:
    """SQL for the record key of the `model` record whose id (a UUID) is in `column`: a fixed
    pseudo-random number below 2^24 from the id and the statistics' secret. PostgreSQL's seeded
    hash of a UUID and its sum add about a tenth of a second per million rows to a count."""
    seed = record_key_seed(model._meta.label)
    return f"(uuid_hash_extended({column}, {seed}::bigint) & {CELL_KEY_MODULUS - 1})::integer"


class RecordKey(Func):
    """`record_key_sql` for the ORM: the record key of the record whose id is `expression`."""

    template = f"(uuid_hash_extended(%(expressions)s) & {CELL_KEY_MODULUS - 1})::integer"
    output_field = IntegerField()

    def __init__(self, expression, *, model):
        seed = Value(record_key_seed(model._meta.label), output_field=BigIntegerField())
        super().__init__(expression, seed)


def with_cell_keys(aggregates: dict[str, str], *, key_column: str) -> dict[str, str]:
    """`aggregates` with, beside each `count(*)` (filtered or not), the sum of the same records'
    keys from `key_column`, named `<name>_key`."""
    result = dict(aggregates)
    for name, expression in aggregates.items():
        if expression.strip().lower().startswith(_COUNT):
            rest = expression.strip()[len(_COUNT) :]
            result[f"{name}{KEY_SUFFIX}"] = f"sum({key_column}){rest}"
    return result


@dataclass(frozen=True)
class Group:
    """One row of a grouped result: the dimensions' values (None where aggregated away)."""

    keys: tuple
    rolled_up: tuple  # for each dimension: True where this row is a total over it
    values: dict


def grouped(
    base,
    *,
    dimensions: dict,
    aggregates: dict[str, str],
    inputs: dict | None = None,
    grouping: str = "cube",
    sets: list[tuple[str, ...]] | None = None,
    partial: dict[str, str] | None = None,
) -> list[Group]:
    """Group `base` by `dimensions` ({name: expression}) and compute `aggregates`
    ({name: SQL over the inner columns, e.g. 'count(*)'}; `inputs` ({name: expression}) are
    the inner columns the aggregates read, as "v_<name>").

    `grouping` is "cube" (every combination of margins), "rollup" (totals over the dimensions
    from the last one back), "plain" (no totals) or "sets" (the GROUPING SETS `sets`, each a
    tuple of dimension names).

    With `partial` ({name: SQL}), the rows are first grouped by all dimensions at once (one
    hash table of the distinct combinations, however many rows), and `aggregates` then combine
    those partial results (e.g. partial count(*), then sum()): PostgreSQL cannot estimate how
    few groups expressions such as a month or an age band make, and would otherwise sort every
    row for the margins.

    Each `count(*)` counts rows of `base`'s model; beside it comes `<name>_key`, the sum of
    those records' keys (with `partial`, summed again over the partial results).
    """
    inputs = dict(inputs or {})
    inputs[_RECORD_KEY] = RecordKey(F("pk"), model=base.model)
    key_column = quote(f"v_{_RECORD_KEY}")
    if partial:
        counted = with_cell_keys(partial, key_column=key_column)
        aggregates = dict(aggregates)
        for name in set(counted) - set(partial):
            aggregates[name] = f"sum({quote(name)})::bigint"
        partial = counted
    else:
        aggregates = with_cell_keys(aggregates, key_column=key_column)
    computed = {k: v for k, v in dimensions.items() if isinstance(v, Sql)}
    annotations = {f"d_{k}": v for k, v in dimensions.items() if k not in computed}
    annotations.update({f"v_{k}": v for k, v in inputs.items()})
    inner = base.annotate(**annotations).values(*annotations).order_by()
    sql, params = inner.query.sql_with_params()
    source = f"({sql}) AS stats_inner"
    if computed:
        columns = [quote(a) for a in annotations]
        columns += [f"{expression} AS {quote(f'd_{k}')}" for k, expression in computed.items()]
        source = f"(SELECT {', '.join(columns)} FROM ({sql} OFFSET 0) AS stats_rows) AS stats_inner"  # noqa: S608 - names are ours
    dims = [quote(f"d_{k}") for k in dimensions]
    select = [*dims]
    if grouping == "plain":
        group_by = ", ".join(dims)
        select.append("0")
    elif grouping == "sets":
        listed = ", ".join(
            "(" + ", ".join(quote(f"d_{name}") for name in group_set) + ")" for group_set in sets
        )
        group_by = f"GROUPING SETS ({listed})"
        select.append(f"GROUPING({', '.join(dims)})")
    else:
        group_by = f"{grouping.upper()} ({', '.join(dims)})"
        select.append(f"GROUPING({', '.join(dims)})")
    select += [f"{expression} AS {quote(name)}" for name, expression in aggregates.items()]
    if partial:
        inner_select = [*dims, *(f"{e} AS {quote(n)}" for n, e in partial.items())]
        source = (
            f"(SELECT {', '.join(inner_select)} FROM {source} "  # noqa: S608 - names are ours
            f"GROUP BY {', '.join(dims)}) AS stats_partial"
        )
    statement = f"SELECT {', '.join(select)} FROM {source} GROUP BY {group_by}"  # noqa: S608 - names are ours, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    n = len(dimensions)
    result = []
    for row in rows:
        bits = row[n]
        rolled = tuple(bool(bits & (1 << (n - 1 - i))) for i in range(n))
        result.append(
            Group(
                keys=tuple(row[:n]),
                rolled_up=rolled,
                values=dict(zip(aggregates, row[n + 1 :], strict=True)),
            )
        )
    return result


def run(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The snapshot of the export's own transaction, while it runs (`statistics_session`), for the
# connections `concurrently` opens to share it.
_snapshot: ContextVar[str | None] = ContextVar("statistics_snapshot", default=None)
_SNAPSHOT_ID = re.compile(r"^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$")


def _apply_settings() -> None:
    names = list(SESSION_SETTINGS)
    calls = ", ".join("set_config(%s, %s, true)" for _ in names)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {calls}", [v for name in names for v in (name, SESSION_SETTINGS[name])]
        )


@contextmanager
def statistics_session():
    """One transaction for all of an export's queries, with SESSION_SETTINGS for its length
    (SET LOCAL: they end with it, even if the export stops half-way).

    Where it is the outermost transaction, it reads one snapshot from start to end (REPEATABLE
    READ) and exports it, so `concurrently` can run statements on other connections that see
    exactly the same data. Inside another transaction (a caller's, or a test's) the statements
    run one after the other on this connection: others could not see what it has not committed.
    """
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        token = None
        if outermost:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                cursor.execute("SELECT pg_export_snapshot()")
                token = _snapshot.set(cursor.fetchone()[0])
        try:
            _apply_settings()
            yield
        finally:
            if token is not None:
                _snapshot.reset(token)


def connections_at_once() -> int:
    """How many connections `concurrently` will use now: BROBYG_STATS_CONNECTIONS inside an
    outermost `statistics_session`, else 1."""
    return settings.BROBYG_STATS_CONNECTIONS if _snapshot.get() is not None else 1


def concurrently(jobs: list[Callable[[], object]]) -> list:
    """Run `jobs` (functions of no arguments that query through Django's connection) and return
    their results in order: at once, on up to `BROBYG_STATS_CONNECTIONS` connections of their
    own that share the snapshot of the running `statistics_session` (each in a REPEATABLE READ
    transaction with the same settings, closed at the end), or one after the other where there
    is no snapshot to share."""
    snapshot = _snapshot.get()
    workers = min(connections_at_once(), len(jobs))
    if snapshot is None or workers < 2:
        return [job() for job in jobs]
    if not _SNAPSHOT_ID.match(snapshot):
        raise ValueError(f"not a snapshot id: {snapshot!r}")

    def run_on_own_connection(job):
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    # The id is checked above; SET TRANSACTION SNAPSHOT takes no parameter.
                    cursor.execute(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
                _apply_settings()
                return job()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="statistics") as pool:
        return list(pool.map(run_on_own_connection, jobs))
