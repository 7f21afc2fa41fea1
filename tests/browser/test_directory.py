"""The public offer directory on a phone and a tablet: search, list, map, an offer's page.

The tile server is blocked in every test (as on a closed network): the list must not depend on it.
"""

from datetime import time

import pytest
from playwright.sync_api import expect

from tests.offers.factories import offer, weekly

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
TUE, THU = 1, 3


@pytest.fixture
def offers():
    offer(
        title="Gå-klubben Solsikken",
        description="Vi går en tur langs åen.",
        activity_kinds=["nature", "exercise"],
        postcode="5200",
        city="Odense V",
        schedules=[weekly(TUE, time(10), time(11, 30))],
    )
    offer(
        title="Strikkecafé",
        description="Vi strikker og drikker kaffe.",
        activity_kinds=["crafts"],
        address="Vestergade 20",
        postcode="5000",
        city="Odense C",
        host_name="Inge",
        schedules=[weekly(THU, time(14), time(16))],
    )
    offer(title="Telefonven", strategy="personal_support", is_remote=True)
    offer(title="Strikkeklub i Ringe", postcode="5750", city="Ringe", schedules=[weekly(THU)])


def _open(browser, live_server, viewport, *, javascript=True):
    context = browser.new_context(
        viewport=viewport,
        has_touch=True,
        is_mobile=viewport["width"] < 500,
        base_url=live_server.url,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations, tiles = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    def block(route):
        tiles.append(route.request.url)
        route.abort()

    page.route("https://tile.openstreetmap.org/**", block)
    return context, page, violations, tiles


@pytest.mark.parametrize("viewport", [PHONE, TABLET], ids=["phone", "tablet"])
def test_search_the_directory_and_open_an_offer(offers, browser, live_server, viewport):
    context, page, violations, tiles = _open(browser, live_server, viewport)

    page.goto("/tilbud/")
    expect(page.get_by_role("heading", name="Find et tilbud", level=1)).to_be_visible()
    expect(page.get_by_test_id("directory-result")).to_have_count(4)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.get_by_label("Søg", exact=True).fill("strik")
    page.get_by_label("Postnummer eller by").fill("5000")
    page.get_by_label("Afstand").select_option(label="Inden for 5 km")
    page.get_by_label("Dag", exact=True).select_option(label="Torsdag")
    page.get_by_role("button", name="Søg").tap()

    results = page.get_by_test_id("directory-result")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text("Strikkecafé")
    expect(results.first).to_contain_text("Hver torsdag kl. 14.00–16.00")
    expect(page.get_by_test_id("result-count")).to_contain_text("inden for 5 km fra 5000 Odense C")
    # The map is drawn, with a marker, although not one tile could be fetched.
    expect(page.get_by_test_id("directory-map")).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    assert tiles, "the map should have asked for tiles"
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.get_by_role("link", name="Strikkecafé").tap()
    expect(page.get_by_role("heading", name="Strikkecafé", level=1)).to_be_visible()
    expect(page.get_by_test_id("offer-schedules")).to_have_text("Hver torsdag kl. 14.00–16.00")
    expect(page.get_by_test_id("offer-address")).to_contain_text("Vestergade 20")
    expect(page.get_by_test_id("offer-host")).to_contain_text("Inge tager imod nye.")
    expect(page.get_by_test_id("offer-price")).to_contain_text("Gratis")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.get_by_role("link", name="Tilbage til søgningen").tap()
    expect(page.get_by_test_id("directory-result")).to_have_count(1)
    expect(page.get_by_label("Søg", exact=True)).to_have_value("strik")

    assert violations == []
    context.close()


def test_the_list_works_without_javascript(offers, browser, live_server):
    context, page, violations, tiles = _open(browser, live_server, PHONE, javascript=False)

    page.goto("/tilbud/?weekday=3")

    results = page.get_by_test_id("directory-result")
    expect(results).to_have_count(2)
    expect(page.get_by_test_id("directory-map")).to_be_hidden()
    page.get_by_role("link", name="Strikkeklub i Ringe").click()
    expect(page.get_by_role("heading", name="Strikkeklub i Ringe", level=1)).to_be_visible()
    assert tiles == []
    assert violations == []
    context.close()
