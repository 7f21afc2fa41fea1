"""The gap analysis: red-screened citizens with no offer they can reach on their own terms, and
the unmet needs bridge-builders recorded, by district."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from offers.services import unmet_need_mark_met, unmet_need_record
from referrals.services import case_close, citizen_set_home_care_team
from stats import tables
from stats.disclosure import protect
from stats.filters import filters_from_params
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.screening.factories import home_care_citizen, screen
from tests.volunteers.factories import load_postcodes, make_offer, profile

pytestmark = pytest.mark.django_db

RED, GREEN = (3, 3, 3), (1, 1, 1)


def _this_month(**params):
    month = timezone.localdate().strftime("%Y-%m")
    return filters_from_params({"from": month, "to": month, **params})


def _figures(table, *columns) -> dict:
    return {row.key: [row.values.get(c) for c in columns] for row in table.rows}


@pytest.fixture
def world():
    """Ringe (5750), 18 km from Odense C (5000): the only offer to go to is in Odense C, and a
    phone friend's chat line reaches anyone who will talk on the phone."""
    load_postcodes()
    team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=team)
    make_offer(title="Netværkscaféen", postcode="5000")
    make_offer(title="Snak i telefonen", is_remote=True, postcode="", address="", city="")
    make_offer(title="Ungdomsklubben", postcode="5750", age_max=30)  # near, not for their age

    def citizen(postcode, n, answers=RED, **wishes):
        person = home_care_citizen(team=team, postcode=postcode, birth_date=date(1940, 1, 1 + n))
        if wishes:
            profile(person, **wishes)
        screen(citizen=person, by=worker, answers=answers)
        return person

    return {"team": team, "worker": worker, "citizen": citizen}


def test_red_citizens_with_no_offer_within_reach_are_counted_by_district(world):
    citizen = world["citizen"]
    # Ringe: seven red citizens who have said nothing of phone or distance, and one who said no
    # to the phone: none can reach an offer.
    for n in range(6):
        citizen("5750", n)
    citizen("5750", 10, accepts_remote=False, max_distance_km=10)
    twice = citizen("5750", 14)  # red at two screenings: one citizen, counted once
    screen(citizen=twice, by=world["worker"], answers=RED)
    # Ringe, reached: one takes part by phone, one will go 25 km (to Odense C).
    citizen("5750", 11, accepts_remote=True)
    citizen("5750", 12, max_distance_km=25)
    # Odense C: the café is round the corner for all of them.
    for n in range(6):
        citizen("5000", 20 + n)
    # Red once, then green: the latest screening counts.
    better = citizen("5750", 13)
    screen(citizen=better, by=world["worker"], answers=GREEN)

    table = tables.gap_analysis(_this_month())

    assert _figures(table, "80+", "total") == {"5750": [8, 8], "total": [8, 8]}
    # Eight is over the smallest count shown: published (as a number of at least 5).
    published = protect(table, k=5)
    ringe = next(row for row in published.rows if row.key == "5750")
    assert all(cell.shown and cell.value >= 5 for cell in ringe.cells[-2:])


def test_a_paused_phone_offer_leaves_the_count_as_it_was(world):
    from offers.models import Offer
    from offers.services import offer_set_status

    citizen = world["citizen"]
    for n in range(5):
        citizen("5750", n)
    citizen("5750", 9, accepts_remote=True)
    before = _figures(tables.gap_analysis(_this_month()), "total")

    offer_set_status(offer=Offer.objects.get(title="Snak i telefonen"), status="paused", actor=None)

    after = _figures(tables.gap_analysis(_this_month()), "total")
    assert before == {"5750": [5], "total": [5]}
    assert after == {"5750": [6], "total": [6]}  # the one who talks on the phone now too


def test_filters_cut_the_same_table_into_parts(world):
    citizen = world["citizen"]
    for n in range(3):
        citizen("5750", n)
        citizen("5792", 10 + n)  # Årslev, 10 km from Odense C
    young = home_care_citizen(team=world["team"], postcode="5750", birth_date=date(1990, 5, 5))
    screen(citizen=young, by=world["worker"], answers=RED)  # the youth club is not for 36-year-olds

    whole = _figures(tables.gap_analysis(_this_month()), "30-49", "80+", "total")
    ringe = _figures(tables.gap_analysis(_this_month(district="5750")), "30-49", "80+", "total")
    old = _figures(tables.gap_analysis(_this_month(age_band="80+")), "80+", "total")

    assert whole == {
        "5750": [1, 3, 4],
        "5792": [0, 3, 3],
        "total": [1, 6, 7],
    }
    assert ringe == {"5750": [1, 3, 4], "total": [1, 3, 4]}
    assert old == {"5750": [3, 3], "5792": [3, 3], "total": [6, 6]}


def test_the_team_filter_is_the_team_of_the_latest_screening(world):
    other = TeamFactory(home_care=True)
    nurse = UserFactory(home_care=True, team=other)
    mine = [world["citizen"]("5750", n) for n in range(3)]
    # One moves to another home-care team, which screens them: red still, but theirs now.
    citizen_set_home_care_team(citizen=mine[0], team=other, actor=None)
    screen(citizen=mine[0], by=nurse, answers=RED)

    first = tables.gap_analysis(_this_month(team=str(world["team"].pk)))
    second = tables.gap_analysis(_this_month(team=str(other.pk)))

    assert _figures(first, "total") == {"5750": [2], "total": [2]}
    assert _figures(second, "total") == {"5750": [1], "total": [1]}


def test_open_unmet_needs_by_district_and_category():
    load_postcodes()
    builder = UserFactory(bridge_builder=True)
    team = bridge_team()
    UserFactory(bridge_builder=True, team=team)

    def case(postcode):
        return make_referral(team=team, postcode=postcode).referral.case

    for _n in range(5):
        unmet_need_record(
            case=case("5750"),
            category="culture",
            wanted="Fortæl for Livet: at skrive sine erindringer sammen med andre",
            actor=builder,
        )
    # Recorded for another area than where the citizen lives.
    unmet_need_record(
        case=case("5000"),
        category="peer_group",
        wanted="Sorggruppe",
        postcode="5792",
        actor=builder,
    )
    met = unmet_need_record(case=case("5750"), category="food", wanted="Spisevenner", actor=builder)
    unmet_need_mark_met(need=met, actor=builder)
    closed = case("5750")
    unmet_need_record(case=closed, category="food", wanted="Fællesspisning", actor=builder)
    case_close(case=closed, reason="moved", actor=builder)

    table = tables.unmet_needs(_this_month())

    figures = _figures(table, "culture", "peer_group", "food", "total")
    assert figures == {
        "5750": [5, 0, 0, 5],
        "5792": [0, 1, 0, 1],
        "total": [5, 1, 0, 6],
    }
    # The table as it stood at the end of last month: nothing had been recorded yet.
    last = timezone.localdate().replace(day=1) - timedelta(days=1)
    earlier = filters_from_params({"from": f"{last:%Y-%m}", "to": f"{last:%Y-%m}"})
    assert _figures(tables.unmet_needs(earlier), "total") == {"total": [0]}
    # Only this district, or only another team's cases.
    assert _figures(tables.unmet_needs(_this_month(district="5792")), "total") == {
        "5792": [1],
        "total": [1],
    }
    elsewhere = _this_month(team=str(bridge_team().pk))
    assert _figures(tables.unmet_needs(elsewhere), "total") == {"total": [0]}


def test_both_tables_are_in_the_statistics():
    keys = [build.__name__ for build in tables.TABLES]
    assert "gap_analysis" in keys and "unmet_needs" in keys


def test_a_district_with_only_a_few_counted_is_not_listed_when_published(world):
    """That a district is a row must say no more than its numbers: where every count of a
    district is published as 0, its row is left out of what leaves Brobyg."""
    citizen = world["citizen"]
    for n in range(25):
        citizen("5750", n)
    citizen("5792", 28)  # Årslev: one red citizen without an offer within reach
    builder = UserFactory(bridge_builder=True)
    team = bridge_team()
    for _n in range(30):
        unmet_need_record(
            case=make_referral(team=team, postcode="5750").referral.case,
            category="culture",
            wanted="Fortæl for Livet",
            actor=builder,
        )
    unmet_need_record(
        case=make_referral(team=team, postcode="5792").referral.case,
        category="food",
        wanted="Spisevenner",
        actor=builder,
    )

    for build in (tables.gap_analysis, tables.unmet_needs):
        table = build(_this_month())
        assert "5792" in {row.key for row in table.rows}  # counted exactly …
        published = protect(table, k=5)
        assert [row.key for row in published.rows] == ["5750", "total"]  # … not listed
