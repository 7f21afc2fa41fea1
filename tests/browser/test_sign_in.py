import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

# username → (start page heading, menu entries the role sees)
EXPECTED = {
    "brobygger": (
        "Mine borgere",
        ["Start", "Mine borgere", "Team", "Mine opgaver", "Venteliste", "Henvis", "Henvisninger"],
    ),
    "hjemmepleje": (
        "Screening",
        ["Start", "Mine opgaver", "Screening", "Tavle", "Henvis", "Henvisninger"],
    ),
    "koordinator": (
        "Tilbud og frivillige",
        [
            "Start",
            "Mine opgaver",
            "Forespørgsler",
            "Vores tilbud",
            "Frivillige",
            "Venteliste",
            "Uopfyldte behov",
        ],
    ),
    "laege": ("Henvisninger", ["Start", "Henvis", "Henvisninger"]),
    "admin": (
        "Administration",
        [
            "Start",
            "Uopfyldte behov",
            "Statistik",
            "Revisionslog",
            "Databeskyttelse",
            "Administration",
        ],
    ),
}


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False


@pytest.mark.parametrize("username", list(EXPECTED))
def test_each_demo_user_signs_in_on_a_tablet_and_sees_their_start_page(demo, tablet, username):
    heading, menu = EXPECTED[username]

    tablet.goto("/")
    tablet.get_by_label("Brugernavn").fill(username)
    tablet.get_by_label("Adgangskode").fill("brobyg-demo")
    tablet.get_by_role("button", name="Log ind").tap()

    expect(tablet.get_by_test_id("start-heading")).to_have_text(heading)
    expect(tablet.get_by_test_id("main-nav").get_by_role("link")).to_have_text(menu)

    # Everything a finger presses is at least 44 px tall.
    for control in tablet.locator("nav a.nav-link, button, .btn").all():
        if control.is_visible():
            assert control.bounding_box()["height"] >= 44, control.inner_text()

    tablet.get_by_test_id("user-menu").tap()
    tablet.get_by_role("button", name="Log ud").tap()
    expect(tablet.get_by_role("heading", name="Log ind")).to_be_visible()
    tablet.goto("/")
    expect(tablet).to_have_url(re.compile(r"/konto/log-ind/\?next=/$"))
