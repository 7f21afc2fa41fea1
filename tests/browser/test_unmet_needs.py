"""The bridge-builder records on the case page that no fitting offer exists (in place, without a
new page), later marks it met; the coordinator sees what was wanted and where, never who."""

import pytest
from playwright.sync_api import expect

from offers.models import UnmetNeed
from tests.accounts.factories import UserFactory
from tests.browser.pages import sign_in
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import coordination_team, load_postcodes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

WISH = "Fortæl for Livet: skrive erindringer sammen med andre"


def _tablet(browser, live_server):
    context = browser.new_context(
        viewport={"width": 768, "height": 1024}, has_touch=True, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    return context.new_page()


def test_record_an_unmet_need_on_the_case_and_the_coordinator_sees_it(browser, live_server):
    load_postcodes()
    team = bridge_team()
    UserFactory(username="brobygger", bridge_builder=True, team=team)
    UserFactory(username="koordinator", coordinator=True, team=coordination_team())
    case = make_referral(
        team=team, first_name="Kirsten", last_name="Holm", postcode="5750"
    ).referral.case

    page = _tablet(browser, live_server)
    sign_in(page, "brobygger")
    page.goto(f"/forloeb/{case.pk}/")
    block = page.get_by_test_id("case-unmet-needs")
    form = block.get_by_test_id("unmet-need-form")
    # The page stays the page: htmx swaps the block in place.
    page.evaluate("window.stillHere = true")

    # Nothing chosen: the form says what is missing, and nothing is saved.
    form.get_by_test_id("unmet-need-save").tap()
    block = page.get_by_test_id("case-unmet-needs")
    expect(block.locator("#id_need-category.is-invalid")).to_be_visible()
    assert not UnmetNeed.objects.exists()

    form = block.get_by_test_id("unmet-need-form")
    form.locator("select[name=need-category]").select_option("culture")
    form.locator("input[name=need-wanted]").fill(WISH)
    form.get_by_test_id("unmet-need-save").tap()

    need = page.get_by_test_id("case-unmet-needs").get_by_test_id("unmet-need")
    expect(need).to_contain_text(WISH)
    expect(need).to_contain_text("5750")
    assert page.evaluate("window.stillHere") is True

    # Later an offer came.
    need.get_by_test_id("unmet-need-mark-met").tap()
    expect(page.get_by_test_id("case-unmet-needs").get_by_test_id("unmet-need-met")).to_be_visible()
    assert page.evaluate("window.stillHere") is True
    assert UnmetNeed.objects.get().met_at is not None

    # The coordinator plans offers from what was wanted, by area, and never learns who.
    coordinator = _tablet(browser, live_server)
    sign_in(coordinator, "koordinator")
    coordinator.get_by_test_id("main-nav").locator("a[href='/behov/']").tap()
    coordinator.locator("select[name=status]").select_option("all")
    coordinator.get_by_test_id("unmet-need-filters").locator("button").tap()
    expect(coordinator.get_by_test_id("unmet-need-summary")).to_contain_text("5750 Ringe")
    wishes = coordinator.get_by_test_id("unmet-need-wishes")
    expect(wishes).to_contain_text(WISH)
    expect(coordinator.locator("main")).not_to_contain_text("Kirsten")
    expect(coordinator.locator("main")).not_to_contain_text("Holm")
