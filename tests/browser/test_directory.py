"""The public offer directory on a phone and a tablet: search, list, map, an offer's page.

The tile server is never reached: the tests answer for it with a blank tile, or leave it
unreachable, as on a closed network. The list must not depend on it.
"""

import base64
import socket
from datetime import time

import pytest
from playwright.sync_api import expect

from offers.services import organisation_contact_add
from tests.browser.pages import overflow
from tests.offers.factories import an_organisation, offer, weekly

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
TUE, THU = 1, 3
# A transparent 1×1 PNG: what the tile server answers in the tests that need a map.
BLANK_TILE = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII="
)


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


def _open(browser, live_server, viewport, *, javascript=True, tiles_answer=True, language="da"):
    context = browser.new_context(
        viewport=viewport,
        has_touch=True,
        is_mobile=viewport["width"] < 500,
        base_url=live_server.url,
        java_script_enabled=javascript,
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations, tiles = [], []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    # A script that breaks is a violation too.
    page.on("pageerror", lambda error: violations.append(str(error)))

    def tile(route):
        tiles.append(route.request.url)
        if tiles_answer:
            route.fulfill(status=200, content_type="image/png", body=BLANK_TILE)
        else:
            route.abort()

    page.route("https://tile.openstreetmap.org/**", tile)
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
    # The map is drawn, with a marker.
    expect(page.get_by_test_id("directory-map")).to_be_visible()
    expect(page.locator(".leaflet-marker-icon")).to_have_count(1)
    assert tiles, "the map should have asked for tiles"
    expect(page.get_by_test_id("map-failed")).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    # The marker's popup links to the offer.
    page.locator(".leaflet-marker-icon").click()
    page.locator(".leaflet-popup").get_by_role("link", name="Strikkecafé").tap()
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


@pytest.fixture
def long_words():
    """What real offers hold: long Danish compounds, links and e-mail addresses, many labels."""
    organisation = an_organisation(
        name="Frivilligcenterforeningen for Besøgsvenskabsordninger i Odense Kommune",
        email="frivilligkoordinatoren.besoegsvenner@odense-frivilligcenterforening.dk",
        phone="+45 70 10 20 30",
        website="https://www.odense-frivilligcenterforening.dk/aktiviteter/besoegsvenner",
    )
    organisation_contact_add(
        organisation=organisation,
        name="Margrethe Christiansen-Østergaard",
        title="Frivilligkoordinator og netværksmedarbejder",
        email="margrethe.christiansen-oestergaard@odense-frivilligcenterforening.dk",
        phone="+45 20 11 22 33",
        actor=None,
    )
    return offer(
        organisation=organisation,
        title="Netværkscaféen i Bydelshusets Fællesskabsaktivitetscenterlokaler",
        description=(
            "Læs mere på https://www.odense-frivilligcenterforening.dk/aktiviteter/"
            "netvaerkscafeen-i-bydelshuset-vollsmose?kilde=brobyg-tilbudsoversigten og ring "
            "gerne til pårørendegruppekoordinatoren, hvis du har spørgsmål om "
            "ældrefællesskabsarrangementerne."
        ),
        activity_kinds=["network_cafe", "peer_group", "self_help", "counselling", "culture"],
        target_groups=["mental_health", "disability", "new_in_denmark", "carers"],
        interests=["coffee", "cards", "reading", "history"],
        address="Bydelshuset Vollsmose, Vollsmose Allé 16, 1. sal, lokale 104–106",
        postcode="5240",
        city="Odense NØ",
        capacity=12,
        price_kind="paid",
        price_amount="25",
        price_note="per gang inklusive kaffe, te, kage og materialer til aktiviteterne",
        fritidspas=True,
        wheelchair_accessible=True,
        hearing_loop=True,
        transport_offered=True,
        accompaniment_possible=True,
        accessibility_note="Elevator fra gårdsiden; handicaptoilet på 1. sal ved trappeopgang B.",
        languages=["da", "en", "ar", "tr", "pl", "de"],
        host_name="Margrethe",
        host_phone="+45 20 11 22 33",
        contact_email="netvaerkscafeen.bydelshuset.vollsmose@odense-frivilligcenterforening.dk",
        contact_phone="+45 70 10 20 31",
        website="https://www.odense-frivilligcenterforening.dk/aktiviteter/netvaerkscafeen",
        schedules=[weekly(TUE, time(14), time(16)), weekly(THU, time(10), time(12))],
    )


@pytest.mark.parametrize("mobile", [True, False], ids=["phone", "narrow-window"])
def test_nothing_is_wider_than_a_phone(offers, long_words, browser, live_server, mobile):
    context = browser.new_context(
        viewport=PHONE, has_touch=mobile, is_mobile=mobile, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.route(
        "https://tile.openstreetmap.org/**",
        lambda route: route.fulfill(status=200, content_type="image/png", body=BLANK_TILE),
    )

    for url in [
        "/tilbud/",
        f"/tilbud/{long_words.pk}/",
        "/tilbud/?q=netv%C3%A6rksca%C3%A9en&area=5000&km=50&weekday=1&sort=title",
        "/tilbud/?area=Bydelshusetsfællesskabsaktivitetscenterby",
    ]:
        page.goto(url)
        expect(page.locator("h1")).to_be_visible()
        assert overflow(page) <= 0, f"{url} is {overflow(page)} px wider than the phone"
        # At the phone's width, not a wider page zoomed out to fit.
        assert page.evaluate("document.documentElement.clientWidth") == PHONE["width"]
    context.close()


def _closed_port() -> int:
    """A local port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_when_the_map_cannot_load_the_page_says_so_and_lists_everything(
    offers, browser, live_server, settings
):
    settings.BROBYG_MAP_TILE_URL = f"http://127.0.0.1:{_closed_port()}/{{z}}/{{x}}/{{y}}.png"
    context, page, violations, _tiles = _open(browser, live_server, PHONE, language="en")

    page.goto("/tilbud/")

    failed = page.get_by_test_id("map-failed")
    expect(failed).to_be_visible()
    expect(failed).to_have_text("The map could not be loaded. The list shows every offer.")
    expect(page.get_by_test_id("directory-map")).to_be_hidden()
    results = page.get_by_test_id("directory-result")
    expect(results).to_have_count(4)
    for n in range(4):
        expect(results.nth(n)).to_be_visible()
    assert overflow(page) <= 0
    # The search and the offers' pages work as before.
    page.get_by_label("Search", exact=True).fill("strik")
    page.get_by_role("button", name="Search").tap()
    expect(results).to_have_count(2)
    expect(page.get_by_test_id("map-failed")).to_be_visible()
    page.get_by_role("link", name="Strikkecafé").tap()
    expect(page.get_by_role("heading", name="Strikkecafé", level=1)).to_be_visible()
    expect(page.get_by_test_id("map-failed")).to_have_text("The map could not be loaded.")
    expect(page.get_by_test_id("offer-address")).to_contain_text("Vestergade 20")
    assert violations == []
    context.close()


def test_when_the_tile_server_refuses_the_map_says_so_too(offers, browser, live_server):
    context, page, violations, tiles = _open(browser, live_server, TABLET, tiles_answer=False)

    page.goto("/tilbud/")

    expect(page.get_by_test_id("map-failed")).to_be_visible()
    expect(page.get_by_test_id("directory-result")).to_have_count(4)
    assert tiles
    assert violations == []
    context.close()
