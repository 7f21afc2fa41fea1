"""The main pages work under the Content-Security-Policy: no violation in Chromium's console."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from referrals.models import Case
from screening.models import TriageScheme

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False


def _pages():
    case = Case.objects.filter(assignee__username="brobygger").first()
    scheme = TriageScheme.objects.get(name="Trafiklys")
    citizen = case.citizen if case.citizen.home_care_team_id else None
    from referrals.models import Citizen

    home_citizen = citizen or Citizen.objects.filter(home_care_team__isnull=False).first()
    return {
        None: ["/konto/log-ind/", "/henvis/", "/api/docs/", "/tilbud/"],
        "brobygger": [
            "/",
            "/forloeb/",
            "/forloeb/team/",
            f"/forloeb/{case.pk}/",
            f"/forloeb/{case.pk}/borger/",
            f"/forloeb/{case.pk}/match/",
            "/frivillige/venteliste/",
            "/opgaver/",
            "/henvisninger/",
        ],
        "hjemmepleje": [
            "/screening/",
            "/screening/tavle/",
            "/screening/borgere/ny/",
            f"/screening/borgere/{home_citizen.pk}/",
            f"/screening/borgere/{home_citizen.pk}/screen/",
        ],
        "laege": ["/henvisninger/ny/"],
        "koordinator": [
            "/koordinering/",
            "/koordinering/tilbud/",
            "/koordinering/tilbud/nyt/",
            "/frivillige/",
            "/frivillige/ny/",
        ],
        "admin": [
            "/statistik/",
            "/revision/",
            "/databeskyttelse/",
            "/databeskyttelse/sletning/",
            f"/databeskyttelse/borgere/{case.citizen_id}/",
            f"/databeskyttelse/borgere/{case.citizen_id}/adgang/",
            f"/databeskyttelse/borgere/{case.citizen_id}/indsigt/",
            "/django-admin/",
            "/django-admin/accounts/user/",
            f"/django-admin/screening/triagescheme/{scheme.pk}/change/",
        ],
    }


def test_main_pages_raise_no_csp_violation(demo, browser, live_server):
    for username, urls in _pages().items():
        context = browser.new_context(
            viewport={"width": 768, "height": 1024}, has_touch=True, base_url=live_server.url
        )
        page = context.new_page()
        violations = []
        page.on(
            "console",
            lambda message, found=violations: (
                found.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        if username:
            page.goto("/konto/log-ind/")
            page.get_by_label("Brugernavn").fill(username)
            page.get_by_label("Adgangskode").fill("brobyg-demo")
            page.get_by_role("button", name="Log ind").click()
            expect(page.get_by_test_id("start-heading")).to_be_visible()
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, (username, url, response.status)
            page.wait_for_load_state("networkidle")
        assert violations == [], (username, violations)
        context.close()


def test_the_api_documentation_renders_under_the_policy(browser, live_server):
    page = browser.new_page(base_url=live_server.url)
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Brobyg API")
    page.close()
