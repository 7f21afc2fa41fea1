"""What every browser test does the same way."""

from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD


def sign_in(page, username: str) -> None:
    """Sign in on the sign-in page as a person would, and wait for the start page."""
    page.goto("/konto/log-ind/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").tap()
    expect(page.get_by_test_id("start-heading")).to_be_visible()
