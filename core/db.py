import hashlib
import json
import re

from django.db import connection
from django.db.models import Q


def advisory_xact_lock(key: str) -> None:
    """Serialise transactions that work on the same `key` until the current transaction ends.

    PostgreSQL's transaction-level advisory lock; on SQLite (the embedded `make run`) writers are
    serialised anyway, so nothing is needed there.
    """
    if connection.vendor != "postgresql":
        return
    number = int.from_bytes(
        hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def json_list_contains(field: str, value) -> Q:
    """Rows whose JSON list `field` holds `value`.

    PostgreSQL answers with jsonb containment (`@>`); the embedded SQLite of `make run` has no
    containment operator, so there the list's JSON text is matched as a whole element.
    """
    if connection.features.supports_json_field_contains:
        return Q(**{f"{field}__contains": [value]})
    element = re.escape(json.dumps(value))
    return Q(**{f"{field}__regex": rf"(^|[\[,])\s*{element}\s*([,\]]|$)"})
