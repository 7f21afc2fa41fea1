"""The demo's generated history: enough that an admin trying Brobyg sees statistics, with the
small counts visibly protected."""

import csv

import pytest
from django.core.management import call_command

from referrals.models import Case, Citizen
from stats.demo import HISTORY_CITIZENS, seed_history

pytestmark = pytest.mark.django_db


def test_the_demo_statistics_show_numbers_and_protect_the_small_ones(settings, tmp_path):
    settings.DEBUG = True
    call_command("seed_demo")
    citizens = Citizen.objects.count()
    assert citizens >= HISTORY_CITIZENS
    # Every generated case is closed: nobody's board fills up with generated citizens.
    assert not Case.objects.filter(citizen__address__startswith="Historievej").exclude(
        status="closed"
    )
    seed_history()  # again: nothing more
    assert Citizen.objects.count() == citizens

    target = tmp_path / "statistics.csv"
    call_command("stats_export", "-o", str(target))
    with target.open(newline="", encoding="utf-8-sig") as file:
        values = [row["value"] for row in csv.DictReader(file)]
    numbers = [v for v in values if v.replace(".", "", 1).replace("-", "", 1).isdigit()]
    shown = [v for v in values if v]  # an empty value is a mean or share not shown
    assert len(numbers) / len(shown) > 0.6, (len(numbers), len(shown))
    # and the small ones are visibly protected: every count is rounded to a multiple of 5, a
    # count of 1-4 to 0 (means and shares are written with decimals)
    counts = [v for v in numbers if v.isdigit()]
    assert counts and all(int(v) % 5 == 0 for v in counts)
