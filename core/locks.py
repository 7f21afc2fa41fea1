"""Every advisory lock Brobyg takes, named in one place.

A PostgreSQL advisory lock is a number both sides must compute alike: two services that mean the
same lock must build the same name, and two that mean different locks must never build the same
one. So each lock's name is made here, from a namespace listed in LOCK_NAMESPACES, and taken with
`advisory_xact_lock` until the transaction ends.
"""

import hashlib
from datetime import date

from django.db import connection

# One namespace per kind of lock.
CITIZEN_IDENTITY = "citizen"  # one person, by birth date and folded name
CITIZEN_CPR = "citizen-cpr"  # one person, by the digest of their CPR number

LOCK_NAMESPACES = (CITIZEN_IDENTITY, CITIZEN_CPR)


def citizen_identity_key(birth_date: date | str, name_key: str) -> str:
    """Everything that creates, merges or anonymises a record of the person born on
    `birth_date` whose folded name is `name_key` (referrals.identity.name_key)."""
    return f"{CITIZEN_IDENTITY}:{birth_date}:{name_key}"


def citizen_cpr_key(cpr_digest: str) -> str:
    """The same for the person with this CPR number (by its digest: the number is never used)."""
    return f"{CITIZEN_CPR}:{cpr_digest}"


def lock_number(key: str) -> int:
    """The signed 64-bit number PostgreSQL's advisory locks take, from a key made above."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)


def advisory_xact_lock(key: str) -> None:
    """Serialise transactions that work on the same `key` until the current transaction ends
    (PostgreSQL's transaction-level advisory lock)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_number(key)])


def citizen_identity_lock(*, birth_date: date | str, name_key: str) -> None:
    advisory_xact_lock(citizen_identity_key(birth_date, name_key))


def citizen_cpr_lock(*, cpr_digest: str) -> None:
    advisory_xact_lock(citizen_cpr_key(cpr_digest))
