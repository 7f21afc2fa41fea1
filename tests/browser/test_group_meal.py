"""The meal group of seed 003 ("Mad og mennesker"), end to end on a landscape screen (1024×768):
the coordinator makes "hold 3" on the offer's page — a host whose certificate is missing is
refused with the reason, a host with a valid one is taken — adds two meal friends and three
guests from their matches with the offer, and sees who is in it, named only with the guest's
consent to share with the offer. The guest's bridge-builder then finds the group on the case
page."""

import re

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from matching.models import MatchGroup
from matching.services import match_propose
from referrals.constants import ConsentPurpose
from referrals.services import case_assign, consent_give
from tests.accounts.factories import UserFactory
from tests.browser.pages import sign_in
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import (
    coordination_team,
    load_postcodes,
    make_offer,
    make_volunteer,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LANDSCAPE = {"width": 1024, "height": 768}


@pytest.fixture
def screen(browser, live_server):
    def open_screen():
        context = browser.new_context(viewport=LANDSCAPE, has_touch=True, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page

    contexts, errors = [], []
    yield open_screen
    for context in contexts:
        context.close()
    assert errors == []


def _in_english(page, live_server) -> None:
    """The new pages' words are checked in English, one click away from Danish."""
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def _meal_with_three_guests():
    """Dansk Folkehjælp's meal in a host's home, two meal friends, two hosts (one without a
    certificate), and three guests proposed by their bridge-builder; Mona and Søren agreed to
    share with the meal, Karen not yet."""
    load_postcodes()
    team, centre = bridge_team(), coordination_team()
    builder = UserFactory(username="brobygger", bridge_builder=True, team=team)
    UserFactory(username="koordinator", coordinator=True, team=centre)
    offer = make_offer(
        title="Mad og mennesker",
        team=centre,
        capacity=6,
        in_private_home=True,
        activity_kinds=["food"],
    )
    for first, last in (("Maja", "Holm"), ("Kirsten", "Berg")):
        make_volunteer(team=centre, first_name=first, last_name=last, roles=["meal_friend"])
    make_volunteer(team=centre, first_name="Lise", last_name="Vang", roles=["host"])
    make_volunteer(team=centre, first_name="Ole", last_name="Dam", roles=["host"], vetted=False)
    cases = {}
    for name in ("Mona", "Søren", "Karen"):
        case = make_referral(team=team, first_name=name).referral.case
        case_assign(case=case, assignee=builder, actor=builder)
        if name != "Karen":
            consent_give(
                citizen=case.citizen,
                purpose=ConsentPurpose.SHARE_OFFER,
                method="verbal",
                recipient=offer.title,
                recipient_id=offer.pk,
                actor=builder,
            )
        match_propose(case=case, offer=offer, actor=builder)
        cases[name] = case
    return offer, cases


def test_the_coordinator_makes_the_meal_group_and_the_guest_sees_it_on_her_case(
    screen, live_server
):
    offer, cases = _meal_with_three_guests()
    today = timezone.localdate()

    # given the coordinator on the offer's page
    page = screen()
    sign_in(page, "koordinator")
    _in_english(page, live_server)
    page.goto(f"/koordinering/tilbud/{offer.pk}/")
    section = page.get_by_test_id("offer-groups")
    expect(section).to_be_visible()

    # when she makes "hold 3" with a host who has no certificate
    section.get_by_label("Name").fill("Mad og mennesker – hold 3")
    section.get_by_label("Citizens in the group").fill("3")
    section.get_by_label("From").fill(today.isoformat())
    section.get_by_label("Until").fill((today + relativedelta(months=6)).isoformat())
    section.get_by_label("How often they meet").fill("Twice a month, at the host's")
    section.get_by_label("Host").select_option(label="Ole Dam")
    section.get_by_test_id("create-group").click()

    # then she is refused with the reason, and no group is made
    form = page.get_by_test_id("group-form")
    expect(form).to_contain_text(
        "The host's certificate is missing or expired: the group cannot meet in their home."
    )
    assert not MatchGroup.objects.exists()

    # when she takes the host with a valid certificate instead
    form.get_by_label("Host").select_option(label="Lise Vang")
    form.get_by_test_id("create-group").click()

    # then the group's page shows it, with its host
    expect(page.get_by_test_id("group-name")).to_have_text("Mad og mennesker – hold 3")
    volunteers = page.get_by_test_id("group-volunteers")
    expect(volunteers).to_contain_text("Lise Vang")

    # when she adds the two meal friends
    for name in ("Maja Holm", "Kirsten Berg"):
        adding = page.get_by_test_id("add-volunteer")
        adding.get_by_label("Volunteer").select_option(label=name)
        adding.get_by_label("As").select_option(value="meal_friend")
        adding.get_by_role("button").click()
        expect(page.get_by_test_id("group-volunteers")).to_contain_text(name)

    # and the three guests from their matches with the meal
    for _guest in range(3):
        adding = page.get_by_test_id("add-citizen")
        adding.get_by_label("Citizen").select_option(index=1)
        adding.get_by_role("button").click()
        expect(page.get_by_test_id("group-citizen")).to_have_count(_guest + 1)

    # then the roster names Mona and Søren, and Karen only as a citizen
    citizens = page.get_by_test_id("group-citizens")
    expect(citizens).to_contain_text("Mona")
    expect(citizens).to_contain_text("Søren")
    expect(citizens).not_to_contain_text("Karen")
    expect(citizens).to_contain_text("A citizen (no consent to share yet)")
    expect(page.get_by_test_id("group-volunteer")).to_have_count(3)
    expect(page.get_by_test_id("group-full")).to_be_visible()
    # and the page fits the screen: nothing to scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # and the offer's page shows the group
    page.goto(f"/koordinering/tilbud/{offer.pk}/")
    expect(page.get_by_test_id("offer-group")).to_contain_text("Mad og mennesker – hold 3")

    # when Mona's bridge-builder opens her case
    builder_page = screen()
    sign_in(builder_page, "brobygger")
    _in_english(builder_page, live_server)
    builder_page.goto(f"/forloeb/{cases['Mona'].pk}/")

    # then her match with the meal says which group she is in, and with whom
    line = builder_page.get_by_test_id("case-matches").locator("li", has_text="Mad og mennesker")
    expect(line.get_by_test_id("match-group")).to_contain_text("Mad og mennesker – hold 3")
    expect(line).to_contain_text(re.compile(r"Lise Vang \(host\)"))
    expect(line).to_contain_text("Maja Holm")
