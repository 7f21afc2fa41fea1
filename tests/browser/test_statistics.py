import re

import pytest
from playwright.sync_api import expect

from tests.accounts.factories import PASSWORD, UserFactory
from tests.stats.dataset import build

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_admin_narrows_the_statistics_on_a_tablet_and_downloads_them(browser, live_server):
    build()
    UserFactory(username="agnete", admin=True, first_name="Agnete")
    context = browser.new_context(
        viewport={"width": 768, "height": 1024}, has_touch=True, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.goto("/konto/log-ind/")
    page.get_by_label("Brugernavn").fill("agnete")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").tap()
    expect(page.get_by_test_id("start-heading")).to_be_visible()

    page.goto("/statistik/")
    expect(page.get_by_test_id("stats-heading")).to_have_text("Statistik")
    page.get_by_label("Fra måned").fill("2025-01")
    page.get_by_label("Til og med måned").fill("2025-03")
    page.get_by_label("Opdelt pr.").select_option("quarter")
    page.get_by_role("button", name="Vis").tap()

    source = page.get_by_test_id("table-referrals_by_source")
    expect(source.locator("tbody tr").first).to_contain_text("1. kvt. 2025")
    # 21 referrals in all, published as a multiple of 5 near it
    total = source.locator("tbody tr").first.locator("td").last
    expect(total).to_have_text(re.compile(r"^(15|20|25|30)$"))
    expect(page.get_by_test_id("table-severe_over_time").locator("svg")).to_be_visible()
    # The page fits a tablet held upright: tables scroll inside their card, not the page.
    assert page.evaluate("document.documentElement.scrollWidth") <= 768

    with page.expect_download() as download:
        page.get_by_test_id("export-csv").tap()
    assert download.value.suggested_filename == "brobyg-statistik-2025-01-2025-03.csv"
    # the whole file, so the export has finished before the test's data are taken away
    with open(download.value.path(), encoding="utf-8-sig") as exported:
        assert "1. kvt. 2025" in exported.read()
    assert violations == []
    context.close()
