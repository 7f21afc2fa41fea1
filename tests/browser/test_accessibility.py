"""WCAG 2.1 AA, measured: axe-core (from npm, kept in tests/browser/vendor and injected from disk,
no network) on every page of every role's menu, the pages they lead to, and the public pages, at
tablet and at phone width. No serious or critical violation may be left."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from offers.constants import OfferStatus
from offers.models import Offer
from tests.browser.pages import every_page

AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANDSCAPE_TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
USERS = ["brobygger", "hjemmepleje", "koordinator", "laege", "admin"]
PUBLIC = ["/konto/log-ind/", "/tilbud/", "/henvis/"]
# Each test looks at its pages at both widths in one signed-in browser: seeding the demo for a
# test of its own per width would double the time for nothing. The pages behind the menu's (a
# case, a citizen, an offer...) are looked at once, at the narrower width.
WIDTHS = {"tablet": LANDSCAPE_TABLET, "phone": PHONE}


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False


def _context(browser, live_server, viewport):
    # The pages forbid inline scripts (CSP); the test's own injected axe is let through.
    return browser.new_context(viewport=viewport, base_url=live_server.url, bypass_csp=True)


def serious_violations(page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.id}: ${v.help} (${v.nodes.slice(0, 3)
                    .map(n => n.target.join(' ')).join('; ')})`);
        }""",
        TAGS,
    )
    return violations


def _sign_in(page, username: str) -> None:
    page.goto("/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("brobyg-demo")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_test_id("start-heading")).to_be_visible()


def test_the_public_pages_have_no_serious_violations(demo, browser, live_server):
    context = _context(browser, live_server, LANDSCAPE_TABLET)
    page = context.new_page()
    offer = Offer.objects.filter(status=OfferStatus.ACTIVE, is_public=True).first()
    try:
        found = {}
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            for href in [*PUBLIC, reverse("directory:offer", args=[offer.pk])]:
                page.goto(href)
                found[f"{href} ({width})"] = serious_violations(page)
        assert {href: v for href, v in found.items() if v} == {}
    finally:
        context.close()


@pytest.mark.parametrize("username", USERS)
def test_every_page_of_a_role_has_no_serious_violations(demo, browser, live_server, username):
    context = _context(browser, live_server, LANDSCAPE_TABLET)
    page = context.new_page()
    try:
        _sign_in(page, username)
        found = {}
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            for href in every_page(page, details=viewport is PHONE):
                found[f"{href} ({width})"] = serious_violations(page)
        assert {href: v for href, v in found.items() if v} == {}
    finally:
        context.close()


def test_a_wide_table_on_a_phone_can_be_reached_with_the_keyboard(demo, browser, live_server):
    context = _context(browser, live_server, PHONE)
    page = context.new_page()
    try:
        _sign_in(page, "admin")
        page.goto("/statistik/")
        assert serious_violations(page) == []
        box = page.locator(".table-responsive").first
        assert box.get_attribute("tabindex") == "0"
    finally:
        context.close()
