"""Two screenings at once never deadlock over a colour: setting a citizen's colour locks that
citizen's own rows, never the colour (the red every other red citizen also points to). Under load
two screenings of different red citizens each locked the red row and then waited for the other at
commit: a 500 for one of them."""

import psycopg
import pytest
from django.db import connection, transaction

from screening.models import TriageColour, TriageState
from tests.accounts.factories import TeamFactory, UserFactory
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db(transaction=True)

HIGH = (3, 3, 3)


def _other_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    return psycopg.connect(**params, autocommit=False)


def test_a_screening_in_progress_leaves_its_colour_free_for_other_citizens():
    team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=team)
    citizen = home_care_citizen(team=team)
    screen(citizen=citizen, by=worker, answers=HIGH)
    current = TriageState.objects.get(citizen=citizen, team=team, is_current=True)
    colour = TriageColour.objects.get(pk=current.colour_id)

    with transaction.atomic(), _other_connection() as other:
        # a second screening of the same citizen, not yet committed, has moved the colour
        screen(citizen=citizen, by=worker, answers=HIGH)
        # another screening (another connection) can still take the row lock a change of the
        # colour's own row would take: nothing but a key-share is held on it
        other.execute(
            "SELECT 1 FROM screening_triagecolour WHERE id = %s FOR NO KEY UPDATE NOWAIT",
            [colour.pk],
        )
        other.rollback()
