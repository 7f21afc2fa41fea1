"""The network map on a landscape tablet (1024×768): drawn, readable, no name over another and
nothing wider than the screen; printed, one A4 sheet with the map, whose it is and the date."""

import re
from itertools import combinations

import pytest
from playwright.sync_api import expect

from referrals import services
from tests.accounts.factories import UserFactory
from tests.browser.pages import overflow, sign_in
from tests.referrals.factories import bridge_team, make_referral

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LANDSCAPE_TABLET = {"width": 1024, "height": 768}

NETWORK = [
    ("family", "Sønnen Peter", 3),
    ("family", "Datteren i Aarhus", 2),
    ("family", "Barnebarnet Emma", 3),
    ("family", "Søsteren Åse", 1),
    ("family", "Svigersønnen Wilhelm", 2),
    ("friend", "Kirsten fra koret", 2),
    ("friend", "Gamle kollega Bent", 1),
    ("friend", "Margrethe", 3),
    ("friend", "Ib", 1),
    ("neighbour", "Naboen Jens", 2),
    ("neighbour", "Fru Æbelø på 2. sal", 1),
    ("neighbour", "Viceværten", 2),
    ("professional", "Hjemmehjælperen Mia", 3),
    ("professional", "Lægen", 2),
    ("professional", "Præsten", 1),
    ("professional", "Fysioterapeuten", 2),
    ("other", "Bridgeklubben", 1),
    ("other", "Frisøren", 2),
    ("other", "Den gamle nabo fra Vestergade, der flyttede", 1),
    ("other", "Hunden Bella", 3),
]


def _label_rects(page) -> list[tuple[str, float, float, float, float]]:
    return page.eval_on_selector_all(
        "[data-testid=network-map-page] [data-testid=network-map-label]",
        """labels => labels.map(label => {
            const r = label.getBoundingClientRect();
            return [label.textContent, r.left, r.top, r.right, r.bottom];
        })""",
    )


def test_the_network_map_on_a_landscape_tablet_and_on_paper(browser, live_server):
    team = bridge_team()
    builder = UserFactory(username="brobygger", bridge_builder=True, team=team)
    case = make_referral(team=team, first_name="Inger", last_name="Madsen").referral.case
    for kind, name, closeness in NETWORK:
        services.network_person_add(
            case=case, kind=kind, name=name, closeness=closeness, actor=builder
        )
    context = browser.new_context(
        viewport=LANDSCAPE_TABLET, has_touch=True, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        sign_in(page, "brobygger")

        # On the case page, by the network's list, and no wider than the screen.
        page.goto(f"/forloeb/{case.pk}/")
        expect(page.get_by_test_id("network-map-svg")).to_be_visible()
        assert overflow(page) <= 0

        # Its own page: the map as wide as the page allows and all of it on the screen.
        page.get_by_test_id("network-map-link").tap()
        expect(page.get_by_test_id("network-map-heading")).to_contain_text("Inger Madsen")
        svg = page.get_by_test_id("network-map-page").get_by_test_id("network-map-svg")
        expect(svg).to_be_visible()
        assert overflow(page) <= 0
        box = svg.bounding_box()
        assert box["height"] <= LANDSCAPE_TABLET["height"]
        assert box["width"] <= LANDSCAPE_TABLET["width"]

        # Every name drawn once (and the five sectors' names), none over another, as the
        # tablet's own font draws them, and big enough to read.
        labels = _label_rects(page)
        texts = [label[0] for label in labels]
        assert len(labels) == len(NETWORK) + 5
        for _kind, name, _closeness in NETWORK:
            shown = name if len(name) <= 22 else name[:21].rstrip() + "…"
            assert texts.count(shown) == 1, name
        for a, b in combinations(labels, 2):
            apart = a[3] <= b[1] or b[3] <= a[1] or a[4] <= b[2] or b[4] <= a[2]
            assert apart, f"{a[0]!r} covers {b[0]!r}"
        assert min(label[4] - label[2] for label in labels) >= 13  # px: a 12 px font or more

        # Printed: the map, the citizen's name and the date; nothing else of the page.
        page.emulate_media(media="print")
        expect(svg).to_be_visible()
        expect(page.get_by_test_id("network-map-heading")).to_be_visible()
        expect(page.get_by_test_id("network-map-date")).to_be_visible()
        expect(page.locator(".bb-header")).to_be_hidden()
        expect(page.locator(".bb-footer")).to_be_hidden()
        expect(page.get_by_test_id("network-map-list")).to_be_hidden()
        expect(page.locator("[data-print]")).to_be_hidden()
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        pages = re.findall(rb"/Type\s*/Page(?!s)", pdf)
        assert len(pages) == 1
        # A4 portrait: 210 × 297 mm is 595 × 842 points.
        media_box = re.search(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf)
        width, height = (float(value) for value in media_box.groups())
        assert abs(width - 595) < 1.5 and abs(height - 842) < 1.5
    finally:
        context.close()
