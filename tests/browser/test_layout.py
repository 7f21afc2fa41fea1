"""Each role's pages fit a landscape tablet (1024×768) and a phone (390×844): the menu on one line
at tablet width, nothing wider than the screen."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

LANDSCAPE_TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}

# The pages each role reaches from its menu (the public directory and the admin have their own).
USERS = ["brobygger", "hjemmepleje", "koordinator", "laege", "admin"]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False


def _sign_in(page, username: str) -> None:
    page.goto("/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill("brobyg-demo")
    page.get_by_role("button", name="Log ind").click()
    expect(page.get_by_test_id("start-heading")).to_be_visible()


# What must not show in the Danish interface: a stored code ("visiting_friend") or an English word
# of the interface (whole words; Danish text never has them).
RAW_CODE = re.compile(r"\b[a-z]+_[a-z_]+\b")
ENGLISH = re.compile(
    r"\b(the|and|with|of|Save|Cancel|Submit|Delete|Edit|Search|Free|None|True|False|"
    r"Offer|Volunteer|Citizen|Case|Task)\b"
)


def _untranslated(page) -> list[str]:
    text = page.locator("main").inner_text()
    return RAW_CODE.findall(text) + ENGLISH.findall(text)


def _menu_rows(page) -> int:
    return page.evaluate(
        """() => new Set([...document.querySelectorAll('[data-testid=main-nav] > li')]
            .map(item => Math.round(item.getBoundingClientRect().top))).size"""
    )


def _overflow(page) -> int:
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _menu_pages(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "[data-testid=main-nav] a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    )
    return [h for h in hrefs if not h.startswith(("/django-admin", "/api/"))]


@pytest.mark.parametrize("username", USERS)
def test_the_menu_is_one_line_on_a_landscape_tablet(demo, browser, live_server, username):
    context = browser.new_context(viewport=LANDSCAPE_TABLET, base_url=live_server.url)
    page = context.new_page()
    try:
        _sign_in(page, username)
        for href in _menu_pages(page):
            page.goto(href)
            assert _menu_rows(page) == 1, f"the menu wraps on {href}"
            assert _overflow(page) <= 0, f"{href} is wider than the tablet"
            assert _untranslated(page) == [], f"{href} shows codes or English"
        # The name is in the user button's title when the button shows only its icon.
        assert page.get_by_test_id("user-menu").get_attribute("title")
    finally:
        context.close()


@pytest.mark.parametrize("username", USERS)
def test_the_start_pages_fit_a_phone(demo, browser, live_server, username):
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, base_url=live_server.url
    )
    page = context.new_page()
    try:
        _sign_in(page, username)
        assert _overflow(page) <= 0
    finally:
        context.close()
