"""The board meeting on a tablet held sideways (1024×768): Greve moves a citizen black → purple →
pink by its procedure without a new screening each time, and Sorø's change form sets yellow."""

import pytest
from playwright.sync_api import expect

from screening.models import Screening, TeamScreeningSettings, TriageScheme, TriageState
from tests.accounts.factories import TeamFactory, UserFactory
from tests.browser.pages import overflow, sign_in
from tests.screening.factories import home_care_citizen

pytestmark = pytest.mark.django_db(transaction=True)

LANDSCAPE = {"width": 1024, "height": 768}


@pytest.fixture
def landscape(browser, live_server):
    contexts = []

    def open_page():
        context = browser.new_context(viewport=LANDSCAPE, has_touch=True, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _row(page, name: str):
    return page.get_by_test_id("board-row").filter(has_text=name)


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= LANDSCAPE["width"]


def test_greve_moves_a_citizen_black_purple_pink_on_the_board_without_new_screenings(
    landscape,
):
    team = TeamFactory(home_care=True, name="Hjemmeplejen Greve")
    TeamScreeningSettings.objects.create(
        team=team, scheme=TriageScheme.objects.get(name="Arbejdsgang")
    )
    UserFactory(username="yasemin", home_care=True, team=team, first_name="Yasemin")
    gerda = home_care_citizen(team=team, first_name="Gerda", last_name="Holm")
    screenings = Screening.objects.count()

    page = landscape()
    sign_in(page, "yasemin")
    page.goto("/screening/tavle/")
    _fits(page)

    for step, code in [
        ("Mistanke", "black"),
        ("Bekræftet", "purple"),
        ("Vi arbejder på det", "pink"),
    ]:
        move = _row(page, "Gerda").get_by_role("button", name=step)
        box = move.bounding_box()
        assert box["x"] + box["width"] <= LANDSCAPE["width"]
        assert box["height"] >= 30
        move.tap()
        group = page.locator(f"[data-testid=board-group][data-code={code}]")
        expect(group).to_contain_text("Gerda Holm")
        expect(_row(page, "Gerda").get_by_test_id("triage-how")).to_contain_text(step)
        _fits(page)

    # pink: the next step of working on it, and only the procedure's steps from pink
    row = _row(page, "Gerda")
    expect(row).to_contain_text("Følg op på aktiviteten.")
    expect(row.get_by_test_id("triage-move")).to_have_count(2)
    assert Screening.objects.count() == screenings
    states = TriageState.objects.filter(citizen=gerda).order_by("set_at")
    assert [s.colour.code for s in states] == ["black", "purple", "pink"]

    # the citizen's page shows the same colour and offers the same steps
    page.goto(f"/screening/borgere/{gerda.pk}/")
    card = page.get_by_test_id("triage-card")
    expect(card.get_by_test_id("triage-colour")).to_contain_text("Lyserød")
    expect(card.get_by_test_id("triage-move")).to_have_count(2)


def test_soroe_fills_in_its_change_form_and_the_board_shows_yellow(landscape):
    team = TeamFactory(home_care=True, name="Hjemmeplejen Sorø")
    UserFactory(username="bente", home_care=True, team=team, first_name="Bente")
    citizen = home_care_citizen(team=team, first_name="Karen", last_name="Lund")

    page = landscape()
    sign_in(page, "bente")
    page.goto(f"/screening/borgere/{citizen.pk}/")
    page.get_by_test_id("other-instrument").filter(has_text="Ændringsskema").tap()
    expect(page.get_by_test_id("instrument-name")).to_contain_text("Ændringsskema")

    page.locator("label[for=close_relations-1]").tap()
    page.locator("label[for=contact_seeking-2]").tap()
    page.locator("label[for=reports_loneliness-1]").tap()
    page.locator("#finish").tap()

    expect(page.get_by_test_id("result-colour")).to_have_text("Gul")
    expect(page.get_by_test_id("result-score")).to_have_text("")
    expect(page.locator("#result-step")).to_contain_text("aktivitet")

    page.goto("/screening/tavle/")
    yellow = page.locator("[data-testid=board-group][data-code=yellow]")
    expect(yellow).to_contain_text("Karen Lund")
    expect(_row(page, "Karen").get_by_test_id("triage-how")).to_contain_text("Ændringsskema")
    _fits(page)
    # A screening of its own kind, not a UCLA-3.
    assert Screening.objects.get().instrument.code == "aendringsskema"


PHONE = {"width": 390, "height": 844}


def test_the_board_fits_a_phone_with_every_tick_box_in_reach(browser, live_server):
    team = TeamFactory(home_care=True, name="Hjemmeplejen Greve")
    TeamScreeningSettings.objects.create(
        team=team, scheme=TriageScheme.objects.get(name="Arbejdsgang")
    )
    UserFactory(username="yasemin", home_care=True, team=team, first_name="Yasemin")
    for name in ("Gerda", "Hans", "Inger"):
        home_care_citizen(team=team, first_name=name, last_name="Christophersen-Holm")
    context = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, "yasemin")
        page.goto("/screening/tavle/")

        # Nothing makes the page wider than the phone: no sideways scrolling of the whole page.
        assert overflow(page) <= 0
        ticks = page.locator("[data-testid=board-row] input[name=citizens]")
        expect(ticks).to_have_count(3)
        for index in range(3):
            tick = ticks.nth(index)
            tick.scroll_into_view_if_needed()
            expect(tick).to_be_visible()
            box = tick.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        # The steps of the procedure are in reach too.
        move = _row(page, "Gerda").get_by_role("button", name="Mistanke")
        box = move.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
        ticks.first.tap()
        expect(ticks.first).to_be_checked()
    finally:
        context.close()


def test_show_more_adds_the_next_rows_of_a_colour_in_place(landscape):
    from screening.views import BOARD_ROWS

    team = TeamFactory(home_care=True, name="Hjemmeplejen Greve")
    UserFactory(username="yasemin", home_care=True, team=team, first_name="Yasemin")
    for n in range(BOARD_ROWS + 4):
        home_care_citizen(team=team, first_name="Borger", last_name=f"Nr{n:03}")

    page = landscape()
    sign_in(page, "yasemin")
    page.goto("/screening/tavle/")
    group = page.locator("[data-testid=board-group][data-code='']")
    expect(group.get_by_test_id("board-row")).to_have_count(BOARD_ROWS)

    group.get_by_test_id("board-more").get_by_role("link").tap()

    expect(group.get_by_test_id("board-row")).to_have_count(BOARD_ROWS + 4)
    expect(group.get_by_test_id("board-more")).to_have_count(0)
    assert page.url.endswith("/screening/tavle/")  # added in place, not a new page
    # The rows added can be ticked and given like the others.
    group.get_by_label(f"Screen Borger Nr{BOARD_ROWS + 3:03} i denne uge").check()
    page.get_by_test_id("assign-form").get_by_role("button", name="Tildel").tap()
    expect(page.get_by_text(f"Yasemin screener Borger Nr{BOARD_ROWS + 3:03}")).to_be_visible()
    _fits(page)
