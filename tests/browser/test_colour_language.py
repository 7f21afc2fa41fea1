"""The tablet's result speaks the worker's language: the colour and its next step in English
when English is chosen, in Danish otherwise."""

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, TeamFactory, UserFactory
from tests.referrals.factories import bridge_team
from tests.screening.factories import home_care_citizen

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def home_care(browser, live_server):
    team = TeamFactory(home_care=True, name="Hjemmeplejen Nord")
    bridge_team(name="Brobyggerne")
    UserFactory(username="hanne", home_care=True, team=team, first_name="Hanne")
    citizen = home_care_citizen(team=team, first_name="Edith", last_name="Jørgensen")
    context = browser.new_context(
        viewport={"width": 768, "height": 1024}, has_touch=True, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/konto/log-ind/")
    page.get_by_label("Brugernavn").fill("hanne")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").tap()
    expect(page.get_by_test_id("start-heading")).to_be_visible()
    yield page, citizen, context, live_server.url
    context.close()


def _screen_red(page, citizen):
    page.goto(f"/screening/borgere/{citizen.pk}/screen/")
    for item in ["lack_companionship", "left_out", "isolated"]:
        page.locator(f"label[for={item}-3]").tap()
    page.locator("#finish").tap()


def test_the_tablets_result_is_in_english_when_english_is_chosen(home_care):
    page, citizen, context, url = home_care
    context.add_cookies([{"name": "django_language", "value": "en", "url": url}])

    _screen_red(page, citizen)

    expect(page.get_by_test_id("result-score")).to_contain_text("9")
    expect(page.get_by_test_id("result-colour")).to_have_text("Red")
    expect(page.locator("#result-step")).to_have_text(
        "Offer a referral to a bridge-builder (with consent)."
    )


def test_the_tablets_result_is_in_danish_under_danish(home_care):
    page, citizen, _context, _url = home_care

    _screen_red(page, citizen)

    expect(page.get_by_test_id("result-colour")).to_have_text("Rød")
    expect(page.locator("#result-step")).to_have_text(
        "Tilbyd en henvisning til en brobygger (med samtykke)."
    )
