"""The bridge-builder finds an offer for a citizen, proposes it, plans the first meeting with
someone going along; the coordinator confirms the request and that the citizen came."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import Match
from offers.constants import MatchStatus
from referrals.constants import ConsentPurpose
from referrals.services import consent_give
from tests.accounts.factories import UserFactory
from tests.browser.pages import sign_in
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer, profile

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def _tablet(browser, live_server):
    context = browser.new_context(
        viewport={"width": 768, "height": 1024}, has_touch=True, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def test_propose_plan_the_first_meeting_and_the_coordinator_confirms(browser, live_server):
    load_postcodes()
    team = bridge_team()
    builder = UserFactory(username="brobygger", bridge_builder=True, team=team)
    case = make_referral(team=team, first_name="Inger", postcode="5000").referral.case
    profile(case.citizen, interests=["walking"], slots=[4])
    coordination = coordination_team()
    UserFactory(username="koordinator", coordinator=True, team=coordination)
    walking_club = make_offer(
        title="Gå-klubben Solsikken",
        team=coordination,
        interests=["walking"],
        capacity=8,
        accompaniment_possible=True,
    )
    consent_give(
        citizen=case.citizen,
        purpose=ConsentPurpose.SHARE_OFFER,
        method="verbal",
        recipient=walking_club.title,
        recipient_id=walking_club.pk,
        actor=builder,
    )
    make_offer(title="Kortklubben", team=coordination, postcode="5750")

    # The bridge-builder opens the case and the suggestions.
    page = _tablet(browser, live_server)
    sign_in(page, "brobygger")
    page.goto(f"/forloeb/{case.pk}/")
    page.get_by_test_id("open-matching").tap()
    offers = page.get_by_test_id("offer-suggestions")
    first = offers.get_by_test_id("suggestion-offer").first
    expect(first).to_contain_text("Gå-klubben Solsikken")
    expect(first).to_contain_text("Fælles interesse: gåture")
    expect(first).to_contain_text("Tirsdage kl. 14.00 passer borgeren")

    # One step to propose.
    first.get_by_role("button", name="Foreslå").tap()
    match_card = page.get_by_test_id("match")
    expect(match_card.get_by_test_id("match-status")).to_have_text("Foreslået")
    match_card.get_by_role("button", name="Borgeren har sagt ja").tap()
    expect(match_card.get_by_test_id("match-status")).to_have_text("Borgeren har sagt ja")

    # The coordinator sees the request with what they need, and confirms it.
    coordinator = _tablet(browser, live_server)
    sign_in(coordinator, "koordinator")
    coordinator.get_by_test_id("main-nav").get_by_role("link", name="Forespørgsler").tap()
    request = coordinator.get_by_test_id("pending").get_by_test_id("request")
    expect(request.get_by_test_id("shared-citizen")).to_contain_text("Inger")
    request.get_by_role("button", name="Bekræft").tap()
    expect(coordinator.get_by_test_id("waiting")).to_contain_text("Inger")
    expect(coordinator.get_by_test_id("pending").get_by_test_id("request")).to_have_count(0)

    # The first meeting, today, with someone going along.
    meeting = timezone.localtime()
    match_card.get_by_label("Hvornår").fill(meeting.strftime("%Y-%m-%dT%H:%M"))
    match_card.get_by_label("Nogen går med (følgeskab)").check()
    match_card.get_by_label("Hvem går med").fill("Bente følger Inger derhen")
    match_card.get_by_role("button", name="Gem det første møde").tap()
    expect(match_card.get_by_test_id("match-status")).to_have_text("Første møde aftalt")
    expect(match_card).to_contain_text("Bente følger Inger derhen")

    # The coordinator finds it once, under the first meetings, and records that she came.
    coordinator.reload()
    meeting_card = coordinator.get_by_test_id("meetings").get_by_test_id("request")
    expect(meeting_card).to_contain_text("Bente følger Inger derhen")
    expect(coordinator.get_by_test_id("request")).to_have_count(1)
    meeting_card.get_by_role("button", name="Borgeren kom").tap()
    expect(coordinator.get_by_test_id("active")).to_contain_text("Inger")

    match = Match.objects.get()
    assert match.status == MatchStatus.ACTIVE
    page.reload()
    expect(page.get_by_test_id("match-status")).to_have_text("Aktiv")
