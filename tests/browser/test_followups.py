from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from followups.models import Task
from tests.accounts.factories import PASSWORD, UserFactory
from tests.followups.factories import make_case, make_task
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signed_in(browser, live_server):
    team = bridge_team(name="Brobyggerne")
    builder = UserFactory(username="sofie", bridge_builder=True, team=team, first_name="Sofie")
    case = make_case(team=team, assignee=builder)
    context = browser.new_context(
        viewport={"width": 768, "height": 1024}, has_touch=True, base_url=live_server.url
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/konto/log-ind/")
    page.get_by_label("Brugernavn").fill("sofie")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").tap()
    expect(page.get_by_test_id("start-heading")).to_be_visible()
    yield page, builder, case
    context.close()


def test_a_task_is_done_in_one_tap_on_my_tasks(signed_in):
    page, builder, case = signed_in
    task = make_task(assignee=builder, case=case, due_in=0, title="Ring til Inger om caféen")
    make_task(assignee=builder, case=case, due_in=-1, title="Følg op på gåturen")

    page.get_by_test_id("main-nav").get_by_role("link", name="Mine opgaver").tap()
    row = page.locator(f"#task-{task.pk}")
    expect(page.get_by_test_id("group-today")).to_contain_text("Ring til Inger om caféen")
    expect(page.get_by_test_id("group-overdue")).to_contain_text("Følg op på gåturen")

    # an optional word about the outcome, then one tap
    row.get_by_placeholder("Resultat (valgfrit)").fill("Hun kommer torsdag")
    url = page.url
    row.get_by_test_id("task-done").tap()

    # the row turns done in place (htmx: no new page), and the task is done
    expect(row).to_contain_text("udført")
    expect(row).to_contain_text("Hun kommer torsdag")
    expect(row.get_by_test_id("task-done")).to_have_count(0)
    assert page.url == url
    task.refresh_from_db()
    assert task.done_at is not None
    assert task.outcome == "Hun kommer torsdag"
    # the other task is untouched
    assert Task.objects.filter(done_at__isnull=True).count() == 1


def test_a_task_is_added_and_done_on_the_case_page(signed_in):
    page, _builder, case = signed_in
    page.goto(f"/forloeb/{case.pk}/")

    block = page.get_by_test_id("case-followup")
    block.get_by_text("Ny opgave").tap()
    form = block.get_by_test_id("case-task-form")
    form.get_by_label("Note").fill("Ring og mind om strikkecaféen")
    due = timezone.localdate() + timedelta(days=30)
    form.get_by_label("Frist").fill(due.isoformat())
    form.get_by_role("button", name="Tilføj opgaven").tap()

    expect(page.get_by_test_id("case-tasks")).to_contain_text("Ring og mind om strikkecaféen")
    page.get_by_test_id("case-tasks").get_by_test_id("task-done").tap()
    expect(page.get_by_test_id("case-tasks")).to_contain_text("udført")
    assert Task.objects.get().done_at is not None
