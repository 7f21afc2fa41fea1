"""The telefonven's story: a volunteer who calls every other Wednesday logs each call on their
phone through their link, without signing in; two calls missed in a row put a follow-up task on
the bridge-builder's list."""

from datetime import time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followups.constants import TaskOrigin
from followups.models import Task
from matching import services
from matching.contact import contact_link_path
from matching.models import ContactLogEntry
from referrals.constants import ConsentPurpose
from referrals.services import case_assign, consent_give
from tests.accounts.factories import UserFactory
from tests.browser.pages import sign_in
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_volunteer

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1024, "height": 768}


def days_ago(days: int):
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def phone_friend():
    """Gudrun's telefonven Maja calls every other week at 10, since four weeks ago: the agreed
    calls were 29 and 15 days ago and yesterday. Sofie is Gudrun's bridge-builder."""
    load_postcodes()
    team = bridge_team(name="Brobyggerne")
    sofie = UserFactory(username="sofie", bridge_builder=True, team=team, first_name="Sofie")
    case = make_referral(team=team, first_name="Gudrun", last_name="Thygesen").referral.case
    case_assign(case=case, assignee=sofie, actor=sofie)
    maja = make_volunteer(
        team=coordination_team(),
        first_name="Maja",
        last_name="Lund",
        roles=["phone_friend"],
        vetted=False,
    )
    match = services.match_propose(case=case, volunteer=maja, role="phone_friend", actor=sofie)
    services.match_accept(match=match, actor=sofie)
    services.match_plan_first_meeting(
        match=match, at=timezone.now() - timedelta(days=29), actor=sofie
    )
    match = services.match_record_first_meeting(match=match, came=True, actor=sofie)
    consent_give(
        citizen=case.citizen,
        purpose=ConsentPurpose.SHARE_VOLUNTEER,
        method="verbal",
        recipient=str(maja),
        recipient_id=maja.pk,
        actor=sofie,
        case=case,
    )
    agreement = services.contact_agreement_set(
        match=match,
        actor=sofie,
        rhythm="biweekly",
        weekday=days_ago(29).weekday(),
        at=time(10),
        channel="phone",
        starts_on=days_ago(29),
    )
    return match, agreement


def _log(page, *, day, outcome: str, topics: str = "") -> None:
    form = page.get_by_test_id("contact-link-form")
    form.get_by_test_id(f"log-date-{day.isoformat()}").tap()
    form.get_by_test_id(f"outcome-{outcome}").tap()
    if topics:
        form.locator("textarea[name=log-topics_next_time]").fill(topics)
    form.locator("button[type=submit]").tap()
    expect(page.get_by_test_id("contact-logged")).to_be_visible()


def test_the_phone_friend_logs_calls_and_two_missed_make_a_task(browser, live_server, phone_friend):
    match, agreement = phone_friend
    missed_tasks = Task.objects.filter(data__origin=TaskOrigin.CONTACT_MISSED_IN_A_ROW)

    # Maja opens her link on her phone: no sign-in, Gudrun's first name only.
    phone = browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, base_url=live_server.url
    )
    phone.set_default_timeout(15_000)
    page = phone.new_page()
    page.goto(contact_link_path(agreement))
    expect(page.get_by_test_id("contact-link-heading")).to_contain_text("Gudrun")
    expect(page.locator("body")).not_to_contain_text("Thygesen")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    # The call four weeks ago happened; they parked a topic for next time.
    _log(page, day=days_ago(29), outcome="done", topics="Barnebarnets bryllup i juni")
    expect(page.get_by_test_id("parked-topics")).to_contain_text("Barnebarnets bryllup i juni")

    # The call two weeks ago did not happen: the topic stays parked, and one miss is no alarm.
    _log(page, day=days_ago(15), outcome="missed")
    expect(page.get_by_test_id("parked-topics")).to_contain_text("Barnebarnets bryllup i juni")
    assert not missed_tasks.exists()

    # Yesterday's did not happen either: two in a row.
    _log(page, day=days_ago(1), outcome="missed")
    assert list(ContactLogEntry.objects.order_by("on").values_list("outcome", "by_link")) == [
        ("done", True),
        ("missed", True),
        ("missed", True),
    ]
    task = missed_tasks.get()
    phone.close()

    # Sofie finds the follow-up task on her list, at her desk.
    desk = browser.new_context(viewport=DESK, has_touch=True, base_url=live_server.url)
    desk.set_default_timeout(15_000)
    page = desk.new_page()
    sign_in(page, "sofie")
    page.goto("/opgaver/")
    row = page.locator(f"#task-{task.pk}")
    expect(row).to_be_visible()
    expect(row).to_contain_text("Maja Lund")
    expect(row).to_contain_text("Gudrun Thygesen")
    expect(page.get_by_test_id("group-today")).to_contain_text("Maja Lund")

    # The case page shows the agreement, the parked topic and the calls not made.
    page.goto(f"/forloeb/{match.case_id}/")
    block = page.get_by_test_id("case-contact")
    expect(block.get_by_test_id("parked-topics")).to_contain_text("Barnebarnets bryllup i juni")
    expect(block.get_by_test_id("missed-in-a-row")).to_be_visible()
    desk.close()
