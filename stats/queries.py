"""Running one aggregate query for a table: the ORM narrows and joins, PostgreSQL groups.

`grouped()` takes a queryset already narrowed by the filters, the expressions to group by and
the aggregates, and runs it as one statement with GROUP BY CUBE or ROLLUP, so the margins (a
row's total, a column's total, the grand total) come from the same query as the cells.
"""

from dataclasses import dataclass

from django.db import connection


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


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
) -> list[Group]:
    """Group `base` by `dimensions` ({name: expression}) and compute `aggregates`
    ({name: SQL over the inner columns, e.g. 'count(*)'}; `inputs` ({name: expression}) are
    the inner columns the aggregates read, as "v_<name>").

    `grouping` is "cube" (every combination of margins), "rollup" (totals over the dimensions
    from the last one back) or "plain" (no totals).
    """
    inputs = inputs or {}
    annotations = {f"d_{k}": v for k, v in dimensions.items()}
    annotations.update({f"v_{k}": v for k, v in inputs.items()})
    inner = base.annotate(**annotations).values(*annotations).order_by()
    sql, params = inner.query.sql_with_params()
    dims = [quote(f"d_{k}") for k in dimensions]
    select = [*dims]
    if grouping == "plain":
        group_by = ", ".join(dims)
        select.append("0")
    else:
        group_by = f"{grouping.upper()} ({', '.join(dims)})"
        select.append(f"GROUPING({', '.join(dims)})")
    select += [f"{expression} AS {quote(name)}" for name, expression in aggregates.items()]
    statement = f"SELECT {', '.join(select)} FROM ({sql}) AS stats_inner GROUP BY {group_by}"  # noqa: S608 - names are ours, values are parameters
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
