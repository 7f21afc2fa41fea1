import hashlib

from django.db import connection
from django.db.models import Q


def advisory_xact_lock(key: str) -> None:
    """Serialise transactions that work on the same `key` until the current transaction ends
    (PostgreSQL's transaction-level advisory lock)."""
    number = int.from_bytes(
        hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def json_list_contains(field: str, value) -> Q:
    """Rows whose JSON list `field` holds `value` (jsonb containment, `@>`)."""
    return Q(**{f"{field}__contains": [value]})
