"""The versions in the database before versions had a status get one: the version in use stays in
use, one that screenings used is retired, one nobody screened with is a draft; and the shipped
colours whose next step is a referral are marked."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from screening.models import Instrument, TriageColour
from tests.accounts.factories import TeamFactory, UserFactory
from tests.screening.factories import home_care_citizen

BEFORE = [("screening", "0004_statistics_indexes")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_in_use_or_not_becomes_a_status():
    team = TeamFactory(home_care=True)
    citizen = home_care_citizen(team=team)
    worker = UserFactory(home_care=True, team=team)
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        OldInstrument = old.get_model("screening", "Instrument")
        OldScreening = old.get_model("screening", "Screening")
        OldInstrument.objects.filter(code="ucla3").update(is_active=False)
        used = OldInstrument.objects.get(code="ucla3")
        OldInstrument.objects.create(
            code="ucla3", version="2", name="UCLA-3", definition=used.definition, is_active=True
        )
        OldInstrument.objects.create(
            code="ucla3", version="3", name="UCLA-3", definition=used.definition, is_active=False
        )
        OldScreening.objects.create(
            citizen_id=citizen.pk, instrument=used, answers={}, score=6, screened_by_id=worker.pk
        )
        OldColour = old.get_model("screening", "TriageColour")
        OldColour.objects.filter(code="red").update(next_step="Ring til borgerens læge.")
    finally:
        _migrate(latest)

    versions = dict(Instrument.objects.filter(code="ucla3").values_list("version", "status"))
    assert versions == {"1": "retired", "2": "active", "3": "draft"}
    assert Instrument.objects.get(version="2").activated_at is not None
    referral_steps = TriageColour.objects.filter(next_step_is_referral=True)
    # The purple step as shipped is marked; red's step, reworded by an administrator, is not.
    assert sorted(referral_steps.values_list("code", flat=True)) == ["purple"]
