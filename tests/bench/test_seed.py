import pytest
from django.core.management import CommandError, call_command

from followups.models import Task
from referrals.models import Case, Citizen, Referral
from screening.models import Screening

pytestmark = pytest.mark.django_db


def test_seed_bench_loads_a_consistent_data_set_and_is_deterministic():
    call_command("seed_bench", "--scale", "tiny")

    assert Citizen.objects.count() == 600
    assert Case.objects.count() == Referral.objects.count() == 180
    assert Screening.objects.count() == 1200
    assert Task.objects.count() == 800
    # Every screening is scored and coloured as the service would have done.
    for screening in Screening.objects.all()[:200]:
        expected = "green" if screening.score <= 5 else "yellow" if screening.score == 6 else "red"
        assert screening.triage_code == expected
        assert sum(screening.answers.values()) == screening.score
    assert Case.objects.filter(assignee__username="bench_brobygger").count() == 20
    # The matching part: offers with schedules, volunteers, and the caseload's wishes, so that
    # suggestions for a benchmark citizen find candidates nearby.
    from matching.models import MatchProfile
    from matching.ranking import suggestions_for
    from offers.models import Offer
    from volunteers.models import Volunteer

    assert Offer.objects.count() == 100
    assert Volunteer.objects.count() == 150
    assert MatchProfile.objects.count() == 20
    assert all(offer.schedules.count() == 1 for offer in Offer.objects.all()[:20])
    citizen = MatchProfile.objects.select_related("citizen").first().citizen
    groups = suggestions_for(citizen=citizen)
    assert groups["offer"] and all(s.reasons for s in groups["offer"])

    # Loading again into a database that holds citizens is refused …
    with pytest.raises(CommandError, match="database of its own"):
        call_command("seed_bench", "--scale", "tiny")

    # … and the same seed gives the same data: the ids come from the seeded random stream.
    import random
    import uuid

    stream = random.Random(2026)
    expected = sorted(uuid.UUID(int=stream.getrandbits(128), version=4) for _ in range(600))
    assert sorted(Citizen.objects.values_list("id", flat=True)) == expected
