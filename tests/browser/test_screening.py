import pytest
from playwright.sync_api import expect

from followups.models import Task
from referrals.models import Referral
from screening.models import Screening
from tests.accounts.factories import PASSWORD, TeamFactory, UserFactory
from tests.referrals.factories import bridge_team
from tests.screening.factories import home_care_citizen

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def home_care(browser, live_server):
    team = TeamFactory(home_care=True, name="Hjemmeplejen Nord")
    bridge_team(name="Brobyggerne")
    UserFactory(username="hanne", home_care=True, team=team, first_name="Hanne")
    citizen = home_care_citizen(team=team, first_name="Edith", last_name="Jørgensen")
    context = browser.new_context(
        viewport={"width": 768, "height": 1024}, has_touch=True, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/konto/log-ind/")
    page.get_by_label("Brugernavn").fill("hanne")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").tap()
    expect(page.get_by_test_id("start-heading")).to_be_visible()
    yield page, citizen, context
    context.close()


def _answer(page, often=(3, 3, 2)):
    for item, value in zip(["lack_companionship", "left_out", "isolated"], often, strict=True):
        page.locator(f"label[for={item}-{value}]").tap()


def test_a_home_care_worker_screens_on_the_tablet_sees_the_colour_and_refers(home_care):
    page, citizen, _context = home_care
    page.goto(f"/screening/borgere/{citizen.pk}/screen/")

    # All three questions and their answers are on the screen without scrolling.
    for item in ["lack_companionship", "left_out", "isolated"]:
        box = page.locator(f"label[for={item}-3]").bounding_box()
        assert box["y"] + box["height"] <= 1024
        assert box["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    _answer(page, often=(3, 3, 2))
    page.locator("#finish").tap()

    expect(page.get_by_test_id("result-score")).to_contain_text("8")
    expect(page.get_by_test_id("result-colour")).to_have_text("Rød")
    expect(page.locator("#result-step")).to_contain_text("Tilbyd en henvisning")

    refer = page.get_by_test_id("refer-form")
    refer.locator("#id_consent_given").check()
    refer.locator("#id_note").fill("Vil gerne ud at gå.")
    refer.locator("#refer").tap()
    expect(page.get_by_test_id("citizen-heading")).to_have_text("Edith Jørgensen")

    screening = Screening.objects.get()
    assert (screening.score, screening.triage_code) == (8, "red")
    assert Task.objects.filter(screening=screening).exists()
    referral = Referral.objects.get()
    assert referral.citizen == citizen
    assert referral.source == "home_care"


def test_a_screening_finished_offline_is_sent_once_when_the_connection_is_back(home_care):
    page, citizen, context = home_care
    page.goto(f"/screening/borgere/{citizen.pk}/screen/")
    _answer(page, often=(1, 2, 1))

    # The connection drops in the middle of the visit.
    context.set_offline(True)
    page.locator("label[for=isolated-2]").tap()
    page.locator("#finish").tap()

    expect(page.get_by_test_id("pending")).to_be_visible()
    assert Screening.objects.count() == 0
    waiting = page.evaluate("BrobygOutbox.all().then(function (e) { return e.length; })")
    assert waiting == 1

    # Back online: it goes by itself, and only once, even if it is pushed again.
    context.set_offline(False)
    expect(page.get_by_test_id("result-score")).to_contain_text("5")
    # Pushed once more, nothing is left to send.
    assert page.evaluate("BrobygOutbox.flush()") == []
    expect(page.get_by_test_id("pending")).to_be_hidden()

    assert Screening.objects.count() == 1
    assert Screening.objects.get().score == 5
    assert page.evaluate("BrobygOutbox.all().then(function (e) { return e.length; })") == 0


def test_the_board_meeting_on_a_tablet_gives_a_screening_and_prints_a_colour_a_page(home_care):
    from datetime import timedelta

    from django.utils import timezone

    from screening.services import screening_record

    page, citizen, _context = home_care
    worker = citizen.home_care_team.members.get()
    screening_record(
        citizen=citizen,
        answers={"lack_companionship": 3, "left_out": 3, "isolated": 3},
        screened_by=worker,
        screened_at=timezone.now() - timedelta(days=120),
    )
    home_care_citizen(team=citizen.home_care_team, first_name="Aldrig")

    page.goto("/screening/tavle/")
    groups = page.get_by_test_id("board-group")
    expect(groups).to_have_count(2)
    red = groups.first
    expect(red).to_have_attribute("data-code", "red")
    expect(red).to_contain_text("Edith")
    expect(red).to_contain_text("Skal screenes")  # 120 days: due again
    red.get_by_label("Screen Edith Jørgensen i denne uge").check()
    page.get_by_test_id("assign-form").get_by_role("button", name="Tildel").tap()
    expect(page.get_by_text("Hanne screener Edith")).to_be_visible()
    assert Task.objects.filter(citizen=citizen, kind="rescreen", done_at__isnull=True).exists()

    # Printed, each colour starts a page and the assign controls are left out.
    page.emulate_media(media="print")
    assert page.locator(".board-assign").first.is_hidden()
    breaks = page.evaluate(
        "Array.from(document.querySelectorAll('[data-testid=board-group]'))"
        ".map(function (g) { return getComputedStyle(g).breakAfter; })"
    )
    assert breaks == ["page", "auto"]
