"""PostgreSQL's JIT compiler is off on every connection Brobyg opens: the planner prices a team's
board query (hundreds of citizens estimated as thousands, each with subqueries) past compiling,
and compiling took seconds where running it took 160 ms."""

import pytest
from django.db import connection

from config.env import database_config
from config.settings import base


def test_the_settings_turn_the_jit_off_for_every_connection():
    assert "-c jit=off" in base.DATABASES["default"]["OPTIONS"]["options"]


def test_options_the_address_gives_are_kept_beside_it(monkeypatch):
    monkeypatch.setenv(
        "DATABASE_URL",
        "postgres://brobyg@db:5432/brobyg?options=-c%20statement_timeout%3D5000",
    )

    options = database_config(default="")["OPTIONS"]["options"]

    assert "-c statement_timeout=5000" in options
    assert "-c jit=off" in options


@pytest.mark.django_db
def test_a_connection_of_the_suite_has_the_jit_off():
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
