import hashlib

from django.db import connection


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
