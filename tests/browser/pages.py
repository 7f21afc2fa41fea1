"""What every browser test does the same way."""

import re
import uuid

from django.urls import NoReverseMatch, reverse
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD


def sign_in(page, username: str) -> None:
    """Sign in on the sign-in page as a person would, and wait for the start page."""
    page.goto("/konto/log-ind/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").tap()
    expect(page.get_by_test_id("start-heading")).to_be_visible()


# The pages behind a menu page's links that a role's walk-through opens once each: the first
# case, citizen, offer, volunteer... the role is shown, found through the links as a person would.
DETAIL_PAGES = [
    "referrals:case_detail",
    "matching:case_matching",
    "referrals:referral_detail",
    "referrals:identity_queue",
    "screening:citizen_detail",
    "followups:task_detail",
    "offers:offer_edit",
    "matching:group_detail",
    "volunteers:detail",
    "volunteers:request_detail",
    "directory:offer",
]
# Django's admin and the API's documentation are in the menu but are not Brobyg's pages.
NOT_BROBYG = ("/django-admin", "/api/")


def overflow(page) -> int:
    """How many pixels the page is wider than the screen: 0 when nothing sticks out."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def _address_pattern(name: str) -> re.Pattern:
    """The addresses of a named page, whatever its id."""
    any_id = uuid.UUID(int=0)
    try:
        address = re.escape(reverse(name))
    except NoReverseMatch:
        address = re.escape(reverse(name, args=[any_id]))
    return re.compile(address.replace(re.escape(str(any_id)), "[0-9a-f-]{36}") + "$")


def menu_pages(page) -> list[str]:
    hrefs = page.eval_on_selector_all(
        "[data-testid=main-nav] a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
    )
    return [href for href in hrefs if not href.startswith(NOT_BROBYG)]


def every_page(page, *, details: bool = True):
    """Open each page of the signed-in person's menu, then (with details) one page of each kind in
    DETAIL_PAGES that those pages link to; yield each address while its page is open."""
    patterns = {name: _address_pattern(name) for name in DETAIL_PAGES} if details else {}
    hrefs = menu_pages(page)
    found: set[str] = set()
    for href in hrefs:  # the list grows with the detail pages found on the way
        page.goto(href)
        yield href
        links = page.eval_on_selector_all(
            "main a[href^='/']", "links => links.map(a => a.getAttribute('href'))"
        )
        for link in links:
            name = next((n for n, p in patterns.items() if p.match(link)), None)
            if name and name not in found:
                found.add(name)
                hrefs.append(link)
