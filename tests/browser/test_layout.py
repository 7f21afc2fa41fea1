"""Each role's pages fit a landscape tablet (1024×768) and a phone (390×844): the menu on one line
at tablet width, nothing wider than the screen, every button within reach, no stored code or
English word in the Danish text. The public pages fit a phone as well."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from accounts.models import User
from referrals.models import Case
from referrals.services import citizen_update, note_add
from tests.browser.pages import every_page, overflow

LANDSCAPE_TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}

# The pages each role reaches from its menu (the public directory and the admin have their own).
USERS = ["brobygger", "hjemmepleje", "koordinator", "laege", "admin"]
PUBLIC = ["/konto/log-ind/", "/tilbud/", "/henvis/"]


# The longest things a person types, with no place to break but the page's own: an e-mail address
# on every open case's citizen, and a note with a web address on the case.
LONG_EMAIL = "karenmargrethechristiansenhoejgaard@aeldrefaellesskabetibrobjergkommune.dk"
LONG_NOTE = (
    "Tilmelding på https://www.brobjerg.dk/aeldrefaellesskabermodensomhed/aktivitetskalenderen"
)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False
    admin = User.objects.get(username="admin")
    for case in Case.objects.filter(closed_at__isnull=True).select_related("citizen"):
        citizen_update(citizen=case.citizen, data={"email": LONG_EMAIL}, actor=admin)
        note_add(case=case, text=LONG_NOTE, actor=admin)


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


def _cut_off_controls(page) -> list[str]:
    """The shown links, buttons and fields of the page that reach past the screen's edge: in a
    table scrolled inside its box, cut off, or wider than the page."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const controls = document.querySelectorAll(`main :is(a[href], button, select, textarea,
                input:not([type=hidden]), summary, [role=button])`);
            return [...controls].filter(control => {
                const box = control.getBoundingClientRect();
                if (!box.width || !box.height) return false;  // not shown
                if (control.closest('.visually-hidden, .visually-hidden-focusable')) return false;
                if (control.closest('.bb-hp')) return false;  // the trap for robots, off-screen
                return box.left < -1 || box.right > width + 1;
            }).map(control => (control.innerText || control.value || control.name || '').trim());
        }"""
    )


def _tables_scrolled_sideways(page) -> list[str]:
    """The tables wider than the box they scroll in: a column a person must scroll to see. Not
    the statistics' tables of figures, whose columns are read across and scroll by design."""
    return page.evaluate(
        """() => [...document.querySelectorAll('main .table-responsive')]
            .filter(box => !box.querySelector('table.stat-table'))
            .filter(box => box.offsetParent !== null && box.scrollWidth > box.clientWidth + 1)
            .map(box => {
                const table = box.querySelector('table');
                return (table && (table.dataset.testid || table.caption?.innerText)) || 'a table';
            })"""
    )


def _cut_off_choices(page) -> list[str]:
    """The drop-down lists too narrow for the choice they show (its end hidden under the arrow)."""
    return page.evaluate(
        """() => {
            const canvas = document.createElement('canvas').getContext('2d');
            return [...document.querySelectorAll('main select')].filter(select => {
                if (!select.offsetParent || select.multiple) return false;
                if (select.selectedIndex < 0) return false;
                const style = getComputedStyle(select);
                canvas.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
                const text = canvas.measureText(select.options[select.selectedIndex].text).width;
                const room = select.clientWidth - parseFloat(style.paddingLeft)
                    - parseFloat(style.paddingRight);
                return text > room + 1;
            }).map(select => select.name);
        }"""
    )


def _problems(page) -> list[str]:
    problems = []
    if (wider := overflow(page)) > 0:
        problems.append(f"{wider} px wider than the screen")
    if cut_off := _cut_off_controls(page):
        problems.append(f"cut off: {sorted(set(cut_off))}")
    if scrolled := _tables_scrolled_sideways(page):
        problems.append(f"tables to scroll sideways: {scrolled}")
    if narrow := _cut_off_choices(page):
        problems.append(f"choices cut off: {narrow}")
    if untranslated := _untranslated(page):
        problems.append(f"codes or English: {untranslated}")
    return problems


@pytest.mark.parametrize("username", USERS)
def test_the_menu_is_one_line_on_a_landscape_tablet(demo, browser, live_server, username):
    context = browser.new_context(viewport=LANDSCAPE_TABLET, base_url=live_server.url)
    page = context.new_page()
    try:
        _sign_in(page, username)
        found = {}
        for href in every_page(page, details=False):
            problems = _problems(page)
            if _menu_rows(page) != 1:
                problems.append("the menu wraps")
            found[href] = problems
        assert {href: problems for href, problems in found.items() if problems} == {}
        # The name is in the user button's title when the button shows only its icon.
        assert page.get_by_test_id("user-menu").get_attribute("title")
    finally:
        context.close()


@pytest.mark.parametrize("username", USERS)
def test_every_page_of_a_role_fits_a_phone(demo, browser, live_server, username):
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, base_url=live_server.url
    )
    page = context.new_page()
    try:
        _sign_in(page, username)
        found = {href: _problems(page) for href in every_page(page)}
        assert {href: problems for href, problems in found.items() if problems} == {}
    finally:
        context.close()


def test_the_public_pages_fit_a_phone(demo, browser, live_server):
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, base_url=live_server.url
    )
    page = context.new_page()
    try:
        found = {}
        for href in PUBLIC:
            page.goto(href)
            found[href] = _problems(page)
        # An offer's own page, as a citizen finds it in the directory.
        page.goto("/tilbud/")
        hrefs = page.eval_on_selector_all(
            "main a[href^='/tilbud/']", "links => links.map(a => a.getAttribute('href'))"
        )
        href = next(h for h in hrefs if re.fullmatch(r"/tilbud/[0-9a-f-]{36}/", h))
        page.goto(href)
        found[href] = _problems(page)
        assert {href: problems for href, problems in found.items() if problems} == {}
    finally:
        context.close()


def test_the_public_pages_fit_a_landscape_tablet(demo, browser, live_server):
    context = browser.new_context(viewport=LANDSCAPE_TABLET, base_url=live_server.url)
    page = context.new_page()
    try:
        found = {}
        for href in [*PUBLIC, "/tilbud/?area=5000&km=10"]:
            page.goto(href)
            found[href] = _problems(page)
        assert {href: problems for href, problems in found.items() if problems} == {}
    finally:
        context.close()
