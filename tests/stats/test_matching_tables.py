"""The matching tables on a hand-made set whose figures are known."""

from datetime import timedelta

import pytest
from django.utils import timezone

from matching.services import match_accept, match_propose
from stats import tables
from stats.filters import filters_from_params
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import load_postcodes, make_offer, make_volunteer
from volunteers.services import volunteer_request_create

pytestmark = pytest.mark.django_db


def _figures(table, *columns) -> dict:
    return {row.key: [row.values.get(c) for c in columns] for row in table.rows}


def _this_month():
    month = timezone.localdate().strftime("%Y-%m")
    return filters_from_params({"from": month, "to": month})


def test_matches_by_strategy_and_how_far_they_came():
    load_postcodes()
    builder = UserFactory(bridge_builder=True)
    cafe = make_offer(strategy="social_network", capacity=20)
    course = make_offer(strategy="psychoeducation", capacity=20)
    for n in range(6):
        match = match_propose(case=make_referral().referral.case, offer=cafe, actor=builder)
        if n < 2:
            match_accept(match=match, actor=builder)
    match_propose(case=make_referral().referral.case, offer=course, actor=builder)
    match_propose(
        case=make_referral().referral.case, volunteer=make_volunteer(capacity=3), actor=builder
    )

    table = tables.matches_by_strategy(_this_month())

    figures = _figures(table, "proposed", "accepted", "total")
    by_category = _figures(tables.matches_by_category(_this_month()), "proposed", "total")
    assert by_category["network_cafe"] == [5, 7]  # the café and the course are both cafés
    assert by_category["total"] == [5, 7]  # the volunteer is no offer
    assert figures["social_network"] == [4, 2, 6]
    assert figures["psychoeducation"] == [1, 0, 1]
    assert figures["personal_support"] == [1, 0, 1]  # the volunteer
    assert figures["total"] == [6, 2, 8]


def test_the_waiting_list_by_kind_of_volunteer_and_days_waited():
    builder = UserFactory(bridge_builder=True)
    today = timezone.localdate()
    for days in (10, 20, 30, 40, 100):
        case = make_referral().referral.case
        volunteer_request_create(
            case=case,
            role="visiting_friend",
            actor=builder,
            requested_on=today - timedelta(days=days),
        )
    volunteer_request_create(case=make_referral().referral.case, role="phone_friend", actor=builder)

    table = tables.volunteer_waiting_list(_this_month())

    figures = _figures(table, "waiting", "median", "longest")
    end = _this_month().end_before.date()
    extra = (end - today).days
    assert figures["visiting_friend"][0] == 5
    assert figures["visiting_friend"][1] == pytest.approx(30 + extra)
    assert figures["visiting_friend"][2] == pytest.approx(100 + extra)
    assert figures["phone_friend"][0] == 1
    assert figures["total"][0] == 6


def test_the_gap_analysis_finds_red_citizens_with_no_offer_near():
    from datetime import date

    from tests.accounts.factories import TeamFactory
    from tests.screening.factories import home_care_citizen, screen

    load_postcodes()
    team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=team)
    make_offer(postcode="5000")  # Odense C: near those in 5000, 18 km from Ringe
    make_offer(postcode="5000", age_max=30)  # near, but not for their age
    for n in range(6):
        far = home_care_citizen(team=team, postcode="5750", birth_date=date(1940, 1, 1 + n))
        screen(citizen=far, by=worker, answers=(3, 3, 3))
        near = home_care_citizen(team=team, postcode="5000", birth_date=date(1940, 2, 1 + n))
        screen(citizen=near, by=worker, answers=(3, 3, 3))
    better = home_care_citizen(team=team, postcode="5750", birth_date=date(1941, 1, 1))
    screen(citizen=better, by=worker, answers=(3, 3, 3))
    screen(citizen=better, by=worker, answers=(1, 1, 1))  # no longer red: not counted

    table = tables.gap_analysis(_this_month())

    figures = _figures(table, "80+", "total")
    assert figures == {"5750": [6, 6], "total": [6, 6]}


def test_the_ucla3_change_by_the_category_of_the_offer_they_came_to():
    from matching.services import match_plan_first_meeting, match_record_first_meeting
    from tests.screening.factories import screen

    load_postcodes()
    builder = UserFactory(bridge_builder=True)
    walk = make_offer(activity_kinds=["nature", "exercise"], capacity=20)
    cafe = make_offer(activity_kinds=["network_cafe"], capacity=20)
    now = timezone.now()
    for n in range(6):
        case = make_referral().referral.case
        citizen = case.citizen
        screen(citizen=citizen, by=builder, answers=(3, 3, 3), screened_at=now - timedelta(days=40))
        # Five of the walkers fall by 3 points or more, one by one point.
        later = (2, 2, 2) if n < 5 else (3, 3, 2)
        screen(citizen=citizen, by=builder, answers=later, screened_at=now - timedelta(days=2))
        match = match_propose(case=case, offer=walk, actor=builder)
        match_accept(match=match, actor=builder)
        match_plan_first_meeting(match=match, at=now - timedelta(days=20), actor=builder)
        match_record_first_meeting(match=match, came=True, actor=builder)
    # Proposed to the café but never came: not counted under any category.
    case = make_referral().referral.case
    screen(
        citizen=case.citizen, by=builder, answers=(3, 3, 3), screened_at=now - timedelta(days=40)
    )
    screen(citizen=case.citizen, by=builder, answers=(1, 1, 1), screened_at=now - timedelta(days=2))
    match_propose(case=case, offer=cafe, actor=builder)

    month = timezone.localdate()
    start = (month - timedelta(days=70)).strftime("%Y-%m")
    table = tables.ucla3_change_by_category(
        filters_from_params({"from": start, "to": month.strftime("%Y-%m")})
    )

    figures = _figures(table, "improved", "other", "people", "first", "latest")
    assert figures["nature"][:3] == [5, 1, 6]
    assert float(figures["nature"][3]) == pytest.approx(9)
    assert float(figures["nature"][4]) == pytest.approx((6 * 5 + 8) / 6)
    assert figures["network_cafe"][:3] == [0, 0, 0]
    assert figures["total"][:3] == [5, 1, 6]
