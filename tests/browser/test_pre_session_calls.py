"""Before tomorrow's session of the café: the coordinator opens the pickup list on a landscape
screen (1024×768) and sees Mona, who needs a lift and has one arranged; the daily task has put
the call "Kommer du i morgen?" on her bridge-builder's tasks."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followups.constants import TaskKind
from followups.models import Task
from matching.services import (
    match_accept,
    match_plan_first_meeting,
    match_profile_save,
    match_propose,
    match_record_first_meeting,
)
from matching.tasks import session_calls_daily
from referrals.constants import ConsentPurpose
from referrals.services import case_assign, consent_give
from tests.accounts.factories import UserFactory
from tests.browser.pages import sign_in
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

LANDSCAPE = {"width": 1024, "height": 768}


@pytest.fixture
def screen(browser, live_server):
    def open_screen():
        context = browser.new_context(viewport=LANDSCAPE, has_touch=True, base_url=live_server.url)
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    contexts = []
    yield open_screen
    for context in contexts:
        context.close()


def _mona_comes_to_the_cafe():
    load_postcodes()
    team, coordination = bridge_team(), coordination_team()
    builder = UserFactory(username="brobygger", bridge_builder=True, team=team)
    UserFactory(username="koordinator", coordinator=True, team=coordination)
    tomorrow = timezone.localdate() + timedelta(days=1)
    offer = make_offer(
        title="Livshistorisk Café",
        team=coordination,
        call_before_sessions=True,
        schedules=[{"frequency": "weekly", "weekday": tomorrow.weekday(), "starts_at": time(14)}],
    )
    case = make_referral(team=team, first_name="Mona", needs_transport=True).referral.case
    case_assign(case=case, assignee=builder, actor=builder)
    consent_give(
        citizen=case.citizen,
        purpose=ConsentPurpose.SHARE_OFFER,
        method="verbal",
        recipient=offer.title,
        recipient_id=offer.pk,
        actor=builder,
    )
    match_profile_save(
        citizen=case.citizen, data={"transport_arranged_by": "Naboen Jens"}, actor=builder
    )
    match = match_propose(case=case, offer=offer, actor=builder)
    match_accept(match=match, actor=builder)
    match_plan_first_meeting(match=match, at=timezone.now(), actor=builder)
    return offer, match_record_first_meeting(match=match, came=True, actor=builder)


def test_the_coordinator_sees_who_needs_a_lift_and_the_call_is_on_the_task_list(screen):
    # given Mona comes to the café, meeting tomorrow, and the daily task has run
    offer, match = _mona_comes_to_the_cafe()
    assert session_calls_daily() == 1
    call = Task.objects.get(kind=TaskKind.CALL_BEFORE_SESSION)

    # when the coordinator opens the pickup list from the offer
    page = screen()
    sign_in(page, "koordinator")
    page.goto(f"/koordinering/tilbud/{offer.pk}/")
    page.get_by_test_id("pickup-list-link").click()

    # then tomorrow's session lists Mona, her lift and who drives
    expect(page.get_by_test_id("pickup-list")).to_be_visible()
    row = page.get_by_test_id(f"pickup-{match.pk}")
    expect(row).to_contain_text("Mona")
    expect(row.get_by_test_id("needs-transport")).to_contain_text("Naboen Jens")
    expect(page.get_by_test_id("sessions").locator(".active")).to_have_count(1)
    # and the list fits the screen: nothing to scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # and the call before the session is on Mona's bridge-builder's tasks for today
    builder_page = screen()
    sign_in(builder_page, "brobygger")
    builder_page.goto("/opgaver/")
    today = builder_page.get_by_test_id("group-today")
    expect(today.locator(f"#task-{call.pk}")).to_contain_text("Livshistorisk Café")
