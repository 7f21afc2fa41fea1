"""The bridge-builder closes a case on a small laptop screen: sees what is still open, hands it
over to a colleague, and the colleague has the tasks."""

import pytest
from playwright.sync_api import expect

from followups.models import Task
from matching.services import match_propose
from referrals.constants import CaseStatus
from tests.accounts.factories import UserFactory
from tests.browser.pages import sign_in
from tests.followups.factories import make_case, make_task
from tests.offers.factories import offer as make_offer
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1024, "height": 768}


@pytest.fixture
def laptop(browser, live_server):
    pages = []

    def open_page():
        context = browser.new_context(viewport=LAPTOP, has_touch=True, base_url=live_server.url)
        context.set_default_timeout(15_000)
        pages.append(context)
        return context.new_page()

    yield open_page
    for context in pages:
        context.close()


def test_the_bridge_builder_hands_the_open_work_over_when_closing(laptop):
    team = bridge_team(name="Brobyggerne")
    sofie = UserFactory(username="sofie", bridge_builder=True, team=team, first_name="Sofie")
    jens = UserFactory(
        username="jens", bridge_builder=True, team=team, first_name="Jens", last_name="Kjær"
    )
    case = make_case(team=team, assignee=sofie)
    make_task(assignee=sofie, case=case, due_in=2, title="Ring til Inger om caféen")
    make_task(assignee=sofie, case=case, due_in=9, title="Følg Inger til strikkecaféen")
    match_propose(case=case, offer=make_offer(title="Strikkecaféen"), actor=sofie)

    page = laptop()
    sign_in(page, "sofie")
    page.goto(f"/forloeb/{case.pk}/")

    # what is open is shown before the close
    open_work = page.get_by_test_id("close-open-work")
    open_work.scroll_into_view_if_needed()
    expect(open_work.get_by_test_id("open-task")).to_have_count(2)
    expect(open_work).to_contain_text("Ring til Inger om caféen")
    expect(open_work).to_contain_text("Følg Inger til strikkecaféen")
    expect(open_work.get_by_test_id("open-match")).to_contain_text("Strikkecaféen")

    # she chooses a reason and to hand it all over to Jens
    form = page.get_by_test_id("close-form")
    form.locator('select[name="close-reason"]').select_option("moved")
    form.locator('input[name="close-open_work"][value="hand_over"]').check()
    form.locator('select[name="close-hand_over_to"]').select_option(str(jens.pk))
    page.once("dialog", lambda dialog: dialog.accept())
    form.locator('button[type="submit"]').click()

    expect(page.get_by_test_id("close-form")).to_have_count(0)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert set(
        Task.objects.filter(case=case, done_at__isnull=True).values_list(
            "assignee__username", flat=True
        )
    ) == {"jens"}

    # Jens has the tasks on his own list
    other = laptop()
    sign_in(other, "jens")
    other.goto("/opgaver/")
    expect(other.locator("main")).to_contain_text("Ring til Inger om caféen")
    expect(other.locator("main")).to_contain_text("Følg Inger til strikkecaféen")
