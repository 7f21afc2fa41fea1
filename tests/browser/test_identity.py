"""Settling who a citizen is, by hand on a tablet held sideways (1024×768): a possible duplicate
merged, another team's request granted, and a referrer's phone number taken into the record."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals import identity, services
from referrals.constants import CaseStatus, CloseReason, DuplicateStatus
from referrals.models import Case, Citizen, CitizenTeam, PossibleDuplicate
from tests.accounts.factories import TeamFactory, UserFactory
from tests.browser.pages import sign_in
from tests.referrals.factories import bridge_team, make_referral
from tests.screening.factories import home_care_citizen, screen

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LANDSCAPE = {"width": 1024, "height": 768}
BORN = date(1941, 3, 14)
CPR = "140341-1234"


@pytest.fixture
def open_tablet(browser, live_server):
    contexts = []

    def open_page():
        context = browser.new_context(viewport=LANDSCAPE, has_touch=True, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _fits_the_width(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= LANDSCAPE["width"]


def test_a_bridge_builder_merges_a_possible_duplicate_and_chooses_the_case_that_goes_on(
    open_tablet,
):
    team = bridge_team(name="Brobyggerne Nord")
    builder = UserFactory(
        username="brobygger", bridge_builder=True, team=team, first_name="Birte", last_name="Bro"
    )
    worker = UserFactory(home_care=True, team=TeamFactory(home_care=True, name="Hjemmeplejen"))
    earlier = make_referral(
        team=team, first_name="Bent", last_name="Lund", birth_date=BORN, phone=""
    ).referral
    newer = make_referral(
        team=team,
        source="relative",
        first_name="Bent",
        last_name="Lund",
        birth_date=BORN,
        phone="+45 30 30 30 30",
    ).referral
    duplicate = PossibleDuplicate.objects.get()
    assert (duplicate.other_id, duplicate.citizen_id) == (earlier.citizen_id, newer.citizen_id)
    # The earlier course is under way; each record has a screening of its own.
    services.case_assign(case=earlier.case, assignee=builder, actor=builder)
    services.case_change_status(case=earlier.case, status=CaseStatus.CONTACTED, actor=builder)
    screen(
        citizen=earlier.citizen,
        by=worker,
        answers=(1, 1, 1),
        screened_at=timezone.now() - timedelta(days=30),
    )
    screen(citizen=newer.citizen, by=worker, answers=(3, 3, 3))

    # The team board says there is something to settle, and leads there.
    page = open_tablet()
    sign_in(page, "brobygger")
    page.get_by_test_id("main-nav").get_by_role("link", name="Team", exact=True).tap()
    banner = page.get_by_test_id("to-settle")
    expect(banner).to_contain_text("1 mulig dublet")
    banner.get_by_role("link", name="Afklar dem").tap()
    expect(page).to_have_url(re.compile(r"/afklaring/$"))
    expect(page.get_by_role("heading", name="Til afklaring")).to_be_visible()
    duplicates = page.get_by_test_id("possible-duplicates")
    expect(duplicates).to_contain_text("Bent Lund")
    _fits_the_width(page)

    # The two records side by side.
    duplicates.get_by_role("link", name="Sammenlign").tap()
    records = page.get_by_test_id("duplicate-record")
    expect(records).to_have_count(2)
    expect(records.first).to_contain_text("Tidligere")
    expect(records.nth(1)).to_contain_text("+45 30 30 30 30")
    _fits_the_width(page)

    # Merging without saying which open case goes on is explained, and nothing is merged.
    form = page.get_by_test_id("duplicate-form")
    form.get_by_label("Ja: saml registreringerne", exact=False).check()
    form.get_by_role("button", name="Gem svaret").tap()
    expect(form.get_by_text("Vælg hvilket forløb der fortsætter")).to_be_visible()
    assert not Citizen.objects.filter(merged_into__isnull=False).exists()

    # The case under way goes on.
    form = page.get_by_test_id("duplicate-form")
    form.get_by_label("Ja: saml registreringerne", exact=False).check()
    form.get_by_label("Kontaktet", exact=False).check()
    form.get_by_role("button", name="Gem svaret").tap()
    expect(page.get_by_text("Registreringerne er samlet i Bent Lund")).to_be_visible()
    expect(page.get_by_test_id("possible-duplicates")).to_contain_text("Ingen mulige dubletter")

    duplicate.refresh_from_db()
    assert duplicate.status == DuplicateStatus.MERGED
    closed = Case.objects.get(pk=newer.case_id)
    assert closed.status == CaseStatus.CLOSED
    assert closed.close_reason == CloseReason.MERGED

    # The kept record's case holds what the merged record had: its screening and referral.
    page.get_by_test_id("main-nav").get_by_role("link", name="Team", exact=True).tap()
    expect(page.get_by_test_id("to-settle")).to_have_count(0)
    rows = page.get_by_test_id("team-row")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name="Bent Lund").tap()
    expect(page.get_by_test_id("case-heading")).to_have_text("Bent Lund")
    assert page.url.endswith(f"/forloeb/{earlier.case_id}/")
    expect(page.get_by_test_id("ucla-change")).to_contain_text("UCLA-3: 3 → 9")
    # The merged record's phone is not copied in: it is offered as the referrer's information.
    expect(page.get_by_role("link", name="+45 30 30 30 30")).to_have_count(0)
    expect(page.get_by_test_id("referrer-details")).to_contain_text("+45 30 30 30 30")
    expect(
        page.locator("#referrals"), "the relative's referral of the merged record is shown"
    ).to_contain_text("Pårørende")


def test_home_care_grants_another_teams_request_and_that_team_sees_the_citizen(open_tablet):
    home_a = TeamFactory(home_care=True, name="Hjemmeplejen Vest")
    home_b = TeamFactory(home_care=True, name="Hjemmeplejen Øst")
    UserFactory(username="hanne", home_care=True, team=home_a, first_name="Hanne")
    asker = UserFactory(username="ole", home_care=True, team=home_b, first_name="Ole")
    citizen = home_care_citizen(
        team=home_a, first_name="Edith", last_name="Jørgensen", cpr=CPR, birth_date=BORN
    )
    identity.team_access_request(
        citizen=citizen, team=home_b, actor=asker, reason="Flytter ind hos datteren i Øst."
    )

    # The asking team sees nothing of the citizen before the answer.
    other = open_tablet()
    sign_in(other, "ole")
    other.goto("/screening/")
    expect(other.get_by_text("Edith Jørgensen")).to_have_count(0)

    # Home care of team A answers the request.
    page = open_tablet()
    sign_in(page, "hanne")
    page.goto("/afklaring/")
    requests = page.get_by_test_id("access-requests")
    expect(requests).to_contain_text("Edith Jørgensen")
    expect(requests).to_contain_text("Hjemmeplejen Øst")
    expect(requests).to_contain_text("Flytter ind hos datteren i Øst.")
    _fits_the_width(page)
    requests.get_by_role("button", name="Giv adgang").tap()
    expect(page.get_by_text("Teamet har fået adgang.")).to_be_visible()
    expect(page.get_by_test_id("access-requests")).to_contain_text("Ingen anmodninger venter")

    # Now team B has the citizen in its list, and team A still has them.
    other.goto("/screening/")
    expect(other.get_by_test_id("citizen-table")).to_contain_text("Edith Jørgensen")
    citizen.refresh_from_db()
    assert citizen.home_care_team == home_a
    assert CitizenTeam.objects.filter(citizen=citizen, team=home_b).exists()


def test_the_referrers_new_phone_number_is_taken_into_the_record_with_one_tap(open_tablet):
    team = bridge_team(name="Brobyggerne Nord")
    builder = UserFactory(username="brobygger", bridge_builder=True, team=team)
    same = {"first_name": "Inger", "last_name": "Madsen", "cpr": CPR, "birth_date": BORN}
    first = make_referral(team=team, phone="+45 20 30 40 50", address="Åvej 2", **same)
    case = first.referral.case
    services.case_assign(case=case, assignee=builder, actor=builder)

    page = open_tablet()
    sign_in(page, "brobygger")
    page.goto(f"/forloeb/{case.pk}/")
    expect(page.get_by_test_id("case-heading")).to_have_text("Inger Madsen")
    expect(page.get_by_test_id("referrer-details")).to_have_count(0)

    # A second referral of the same person (same CPR number) brings another phone number.
    second = make_referral(team=team, phone="+45 99 88 77 66", address="Åvej 2", **same)
    assert second.attached_to_existing
    assert second.referral.case_id == case.pk

    page.reload()
    details = page.get_by_test_id("referrer-details")
    expect(details).to_be_visible()
    expect(details.get_by_role("heading")).to_have_text("Henviserens oplysninger")
    expect(details).to_contain_text("+45 99 88 77 66")
    expect(details).to_contain_text("+45 20 30 40 50")
    _fits_the_width(page)
    details.get_by_role("button", name="Brug denne").tap()

    expect(page.get_by_text("Borgerens oplysninger er opdateret.")).to_be_visible()
    expect(page.get_by_role("link", name="+45 99 88 77 66")).to_be_visible()
    expect(page.get_by_test_id("timeline")).to_contain_text("oplysninger overtaget: telefon")
    case.citizen.refresh_from_db()
    assert case.citizen.phone == "+45 99 88 77 66"
