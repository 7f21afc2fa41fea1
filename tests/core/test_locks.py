"""Advisory locks are named in one place (core/locks.py): every lock Brobyg takes is built there,
so two parts of Brobyg never take the same lock by accident or miss each other's by a typo."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction

from core import locks
from referrals.identity import identity_lock

pytestmark = pytest.mark.django_db(transaction=True)


def _advisory_locks_held() -> set[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (classid::bigint << 32) | objid::bigint FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        return {row[0] for row in cursor.fetchall()}


def _as_unsigned(number: int) -> int:
    return number % (1 << 64)


def test_the_identity_lock_takes_the_locks_core_locks_names():
    with transaction.atomic():
        identity_lock(birth_date=date(1940, 5, 1), key="karen jensen", cpr_digest="abc")
        held = {_as_unsigned(n) for n in _advisory_locks_held()}

    identity = locks.citizen_identity_key(date(1940, 5, 1), "karen jensen")
    cpr = locks.citizen_cpr_key("abc")
    assert {_as_unsigned(locks.lock_number(identity)), _as_unsigned(locks.lock_number(cpr))} <= held
    # Released with the transaction.
    assert _advisory_locks_held() == set()


def test_lock_names_are_distinct():
    assert len(set(locks.LOCK_NAMESPACES)) == len(locks.LOCK_NAMESPACES)
    assert locks.citizen_identity_key(date(1940, 5, 1), "x") != locks.citizen_cpr_key("x")


def test_no_module_outside_core_locks_takes_an_advisory_lock_by_a_name_of_its_own():
    root = Path(settings.BASE_DIR)
    offenders = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root).as_posix()
        if relative.split("/")[0] in {".venv", "tests", "var", "static"} or relative == (
            "core/locks.py"
        ):
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"advisory_xact_lock\(|pg_advisory", text):
            offenders.append(relative)
    assert offenders == []
