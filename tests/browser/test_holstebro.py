"""Holstebro's way, end to end at 1024×768: the team lead imports the hours of home help from
the care system, the board lists everyone with at least 2 hours a week as due, home care screens
one of them ("hardly ever" to every question), and the ambassador (nøgleperson) finds that
screening in the quality-check queue and marks it checked."""

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from accounts.constants import Role
from screening.models import HomeHelpHours, QualityCheck, TeamScreeningSettings, TriageScheme
from tests.accounts.factories import TeamFactory, UserFactory
from tests.browser.pages import sign_in
from tests.screening.factories import home_care_citizen

pytestmark = pytest.mark.django_db(transaction=True)

SCREEN = {"width": 1024, "height": 768}
CSV = (
    "\ufeffcpr;timer_pr_uge;gyldig_fra\r\n"
    "030234-1234;3;01-03-2026\r\n"
    "120938-2345;2,0;01-03-2026\r\n"
    "011229-3456;1,5;01-03-2026\r\n"
).encode()


@pytest.fixture
def holstebro(live_server):
    team = TeamFactory(home_care=True, name="Hjemmeplejen Holstebro")
    TeamScreeningSettings.objects.create(
        team=team,
        scheme=TriageScheme.objects.get(is_default=True),
        screen_from_home_help_hours=Decimal(2),
    )
    UserFactory(username="lise", home_care=True, team=team, lead=True, first_name="Lise")
    UserFactory(username="conny", home_care=True, team=team, first_name="Conny")
    UserFactory(username="nanna", role=Role.AMBASSADOR, team=team, first_name="Nanna")
    people = {}
    for first, cpr, birth in [
        ("Edith", "030234-1234", date(1934, 2, 3)),
        ("Verner", "120938-2345", date(1938, 9, 12)),
        ("Gudrun", "011229-3456", date(1929, 12, 1)),
        ("Kaj", "180440-1122", date(1940, 4, 18)),  # not in the file: no hours known
    ]:
        people[first] = home_care_citizen(
            team=team, first_name=first, last_name="Holm", cpr=cpr, birth_date=birth
        )
    return people


@pytest.fixture
def open_as(browser, live_server):
    contexts = []

    def open_(username):
        context = browser.new_context(viewport=SCREEN, has_touch=True, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        sign_in(page, username)
        return page

    yield open_
    for context in contexts:
        context.close()


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= SCREEN["width"]


def test_holstebro_imports_hours_screens_who_is_due_and_the_ambassador_checks(holstebro, open_as):
    # The team lead imports the hours from the care system's CSV, from the board.
    lead = open_as("lise")
    lead.goto("/screening/tavle/")
    lead.get_by_test_id("import-hours").click()
    expect(lead.get_by_test_id("import-heading")).to_be_visible()
    lead.locator("input[name=file]").set_input_files(
        {"name": "timer.csv", "mimeType": "text/csv", "buffer": CSV}
    )
    lead.locator("#import-upload").click()

    # The preview shows what will be stored; nothing is stored yet.
    expect(lead.get_by_test_id("import-row")).to_have_count(3)
    expect(lead.get_by_test_id("import-preview")).to_contain_text("Edith Holm")
    _fits(lead)
    assert not HomeHelpHours.objects.exists()
    lead.locator("#import-confirm").click()

    # The board lists those with at least 2 hours a week as due, and no one else.
    due = lead.get_by_test_id("due-citizen")
    expect(due).to_have_count(2)
    expect(lead.get_by_test_id("due-list")).to_contain_text("Edith Holm")
    expect(lead.get_by_test_id("due-list")).to_contain_text("Verner Holm")
    expect(lead.get_by_test_id("due-list")).not_to_contain_text("Gudrun")
    expect(lead.get_by_test_id("due-list")).not_to_contain_text("Kaj")
    _fits(lead)
    assert HomeHelpHours.objects.count() == 3

    # Home care screens Edith: "hardly ever" to every question.
    worker = open_as("conny")
    worker.goto("/screening/tavle/")
    worker.get_by_test_id("due-list").get_by_role("link", name="Edith Holm").click()
    expect(worker.get_by_test_id("citizen-heading")).to_contain_text("Edith Holm")
    worker.goto(f"/screening/borgere/{holstebro['Edith'].pk}/screen/")
    for item in ["lack_companionship", "left_out", "isolated"]:
        worker.locator(f"label[for={item}-1]").tap()
    worker.locator("#finish").tap()
    expect(worker.get_by_test_id("result-score")).to_contain_text("3")

    # The ambassador finds it in the quality-check queue on the start page and marks it.
    ambassador = open_as("nanna")
    row = ambassador.get_by_test_id("quality-row").filter(has_text="Edith Holm")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("quality-reasons")).not_to_be_empty()
    _fits(ambassador)
    row.locator("input[value=fine]").check()
    row.get_by_test_id("quality-save").click()

    expect(ambassador.get_by_test_id("queue-empty")).to_be_visible()
    expect(ambassador.get_by_test_id("quality-checked")).to_contain_text("Edith Holm")
    check = QualityCheck.objects.get(screening__citizen=holstebro["Edith"])
    assert (check.outcome, check.checked_by.username) == ("fine", "nanna")
