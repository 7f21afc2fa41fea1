from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import User
from audit.constants import AuditAction
from audit.models import AuditEvent
from followups.constants import NotificationStatus
from followups.models import Notification, Task
from followups.reminders import reminders_queue
from referrals.services import citizen_set_home_care_team
from tests.accounts.factories import TeamFactory, UserFactory
from tests.followups.factories import at, make_case, make_task
from tests.referrals.factories import bridge_team
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne")


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team)


@pytest.fixture
def case(team, builder):
    return make_case(team=team, assignee=builder)


@pytest.fixture
def client(builder):
    client = Client()
    client.force_login(builder)
    return client


def _titles(response, group):
    return [t.title for g in response.context["groups"] if g.key == group for t in g.tasks]


def test_my_tasks_groups_overdue_today_this_week_and_later(client, case, builder):
    today = timezone.localdate()
    days_left_in_week = 6 - today.weekday()
    make_task(assignee=builder, case=case, due_in=-2, title="Forsinket")
    make_task(assignee=builder, case=case, due_in=0, title="I dag")
    make_task(assignee=builder, case=case, due_in=days_left_in_week + 1, title="Næste uge")
    if days_left_in_week:
        make_task(assignee=builder, case=case, due_in=days_left_in_week, title="Søndag")
    make_task(assignee=UserFactory(bridge_builder=True), case=case, title="En andens")

    response = client.get("/opgaver/")

    assert response.status_code == 200
    assert _titles(response, "overdue") == ["Forsinket"]
    assert _titles(response, "today") == ["I dag"]
    assert _titles(response, "week") == (["Søndag"] if days_left_in_week else [])
    assert _titles(response, "later") == ["Næste uge"]
    assert "En andens" not in response.content.decode()


def test_dates_are_danish(client, case, builder):
    task = make_task(assignee=builder, case=case, due_in=0)
    danish_weekdays = ["mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"]

    content = client.get("/opgaver/").content.decode()

    assert f"{danish_weekdays[task.due.weekday()]} {task.due.day}." in content


def test_done_in_one_tap_with_htmx_swaps_the_row(client, case, builder):
    task = make_task(assignee=builder, case=case)

    response = client.post(
        f"/opgaver/{task.pk}/udfoert/", {"outcome": "Kom med til caféen"}, HTTP_HX_REQUEST="true"
    )

    assert response.status_code == 200
    assert response.templates[0].name == "followups/_task_row.html"
    assert f'id="task-{task.pk}"' in response.content.decode()
    task.refresh_from_db()
    assert task.done_at is not None
    assert (task.outcome, task.done_by) == ("Kom med til caféen", builder)


def test_done_without_javascript_comes_back_to_the_page(client, case, builder):
    task = make_task(assignee=builder, case=case)

    response = client.post(f"/opgaver/{task.pk}/udfoert/", {"next": "/opgaver/"})

    assert response.status_code == 302
    assert response.url == "/opgaver/"
    assert Task.objects.get().done_at is not None
    assert Task.objects.get().outcome == ""


def test_done_never_redirects_off_site(client, case, builder):
    task = make_task(assignee=builder, case=case)
    response = client.post(f"/opgaver/{task.pk}/udfoert/", {"next": "https://evil.example/"})
    assert response.url == "/opgaver/"


def test_a_task_by_hand_on_my_tasks(client, case, builder):
    due = timezone.localdate() + timedelta(days=2)

    response = client.post(
        "/opgaver/ny/",
        {
            "task-citizen": str(case.citizen_id),
            "task-kind": "call_citizen",
            "task-note": "Ring om gåturen",
            "task-due": due.isoformat(),
            "task-assignee": builder.pk,
        },
    )

    assert response.status_code == 302
    task = Task.objects.get()
    assert (task.case, task.title, task.due) == (case, "Ring om gåturen", due)


def test_a_task_by_hand_with_errors_shows_them_on_the_form(client, case, builder):
    response = client.post(
        "/opgaver/ny/",
        {
            "task-citizen": str(case.citizen_id),
            "task-kind": "call_citizen",
            "task-due": (timezone.localdate() - timedelta(days=1)).isoformat(),
            "task-assignee": builder.pk,
        },
    )

    assert response.status_code == 400
    assert "due" in response.context["form"].errors
    assert not Task.objects.exists()


def test_my_tasks_query_count_is_the_same_for_1_and_many(case, builder, django_assert_num_queries):
    def fresh_client():
        client = Client()
        client.force_login(User.objects.get(pk=builder.pk))
        return client

    # 1 session, 2 user, 3-4 own and group permissions, 5 the caller's teams, 6 open tasks with
    # citizen and case, 7 tasks done lately, 8 their roles, 9 the citizens for the form,
    # 10 the access log for the tasks and the citizens the form names, 11 the colleagues for
    # the form, 12-14 saving the session
    make_task(assignee=builder, case=case)
    client = fresh_client()
    with django_assert_num_queries(14):
        response = client.get("/opgaver/")
    assert sum(len(g.tasks) for g in response.context["groups"]) == 1
    for i in range(39):
        make_task(assignee=builder, case=case, due_in=i % 10)
    client = fresh_client()
    with django_assert_num_queries(14):
        response = client.get("/opgaver/")
    assert sum(len(g.tasks) for g in response.context["groups"]) == 40


def test_my_tasks_writes_the_access_log_for_each_citizen_shown(client, case, builder):
    other_case = make_case(team=case.team, assignee=builder)
    make_task(assignee=builder, case=case)
    make_task(assignee=builder, case=other_case, due_in=3)

    client.get("/opgaver/")

    for citizen_id in (case.citizen_id, other_case.citizen_id):
        assert AuditEvent.objects.filter(
            action=AuditAction.READ, subject_id=citizen_id, actor=builder
        ).exists()


def test_the_citizens_named_in_the_new_task_form_are_in_the_access_log():
    home_team = TeamFactory(home_care=True)
    nurse = UserFactory(home_care=True, team=home_team)
    citizen = home_care_citizen(team=home_team)
    client = Client()
    client.force_login(nurse)

    response = client.get("/opgaver/")

    assert citizen.first_name in response.content.decode()  # in the citizen picker
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, subject_id=citizen.pk, actor=nurse
    ).exists()


# --- The case page -------------------------------------------------------------------------------


def test_the_case_page_lists_the_tasks_and_the_change_in_score(client, case, builder):
    make_task(assignee=builder, case=case, title="Følg op på spisevenner")
    screen(citizen=case.citizen, by=builder, answers=(3, 3, 2))
    screen(citizen=case.citizen, by=builder, answers=(2, 2, 1))

    content = client.get(f"/forloeb/{case.pk}/").content.decode()

    assert "Følg op på spisevenner" in content
    assert "UCLA-3: 8 → 5 (−3)" in content


def test_the_case_page_shows_no_change_before_a_re_screening(client, case, builder):
    screen(citizen=case.citizen, by=builder, answers=(3, 3, 2))
    content = client.get(f"/forloeb/{case.pk}/").content.decode()
    assert 'data-testid="ucla-change"' not in content
    assert 'data-testid="case-followup"' in content


def test_the_case_page_shows_only_the_tasks_the_bridge_builder_may_open(client, case, builder):
    # given a home-care team's own task about the same citizen, and the case's task
    home_team = TeamFactory(home_care=True)
    citizen_set_home_care_team(citizen=case.citizen, team=home_team, actor=None)
    nurse = UserFactory(home_care=True, team=home_team)
    make_task(assignee=nurse, citizen=case.citizen, team=home_team, title="Skift forbinding")
    make_task(assignee=builder, case=case, title="Følg op på spisevenner")

    # when the bridge-builder opens the case
    response = client.get(f"/forloeb/{case.pk}/")

    # then they see the case's task, not one they could neither open nor complete
    content = response.content.decode()
    assert "Følg op på spisevenner" in content
    assert "Skift forbinding" not in content


def test_a_task_by_hand_from_the_case_page_goes_back_there(client, case, builder):
    url = f"/forloeb/{case.pk}/#followup"
    response = client.post(
        "/opgaver/ny/",
        {
            "task-citizen": str(case.citizen_id),
            "task-kind": "other",
            "task-due": timezone.localdate().isoformat(),
            "task-assignee": builder.pk,
            "next": url,
        },
    )
    assert (response.status_code, response.url) == (302, url)
    assert Task.objects.get().case == case

    # and with an error, back there too, saying what is wrong
    response = client.post(
        "/opgaver/ny/",
        {"task-citizen": str(case.citizen_id), "task-kind": "other", "next": url},
        follow=True,
    )
    assert Task.objects.count() == 1
    assert any("Frist" in str(m) for m in response.context["messages"])


def test_planning_the_follow_up_from_the_case_page(client, case, builder):
    meeting = timezone.localdate()
    response = client.post(
        f"/opgaver/plan/{case.pk}/", {"plan-first_meeting_on": meeting.isoformat()}
    )
    assert response.status_code == 302
    assert sorted((t.due - meeting).days for t in Task.objects.filter(case=case)) == [7, 28, 91]


# --- Navigation, settings, log -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        ("bridge_builder", True),
        ("home_care", True),
        ("coordinator", True),
        ("referrer", False),
        ("admin", False),
    ],
)
def test_my_tasks_is_in_the_menu_of_the_roles_with_tasks(role, shown):
    client = Client()
    client.force_login(UserFactory(role=role))
    response = client.get("/")
    labels = [str(item["label"]) for item in response.context["nav_items"]]
    assert ("Mine opgaver" in labels) is shown


def test_reminder_preferences_are_saved(client, builder):
    response = client.post(
        "/opgaver/paamindelser/",
        {"reminder_preference": "digest", "reminder_sms": "on", "phone": "+45 20 30 40 50"},
    )
    assert response.status_code == 302
    builder.refresh_from_db()
    assert (builder.reminder_preference, builder.reminder_sms, builder.phone) == (
        "digest",
        True,
        "+45 20 30 40 50",
    )


def test_sms_without_a_phone_is_refused(client, builder):
    response = client.post(
        "/opgaver/paamindelser/", {"reminder_preference": "each", "reminder_sms": "on"}
    )
    assert response.status_code == 400
    assert "phone" in response.context["form"].errors
    builder.refresh_from_db()
    assert builder.reminder_sms is False


def test_the_reminder_log_shows_attempts_and_errors_to_the_administrator(case, builder):
    make_task(assignee=builder, case=case)
    reminders_queue(now=at(9))
    Notification.objects.update(
        status=NotificationStatus.FAILED, attempts=6, last_error="SMTPDataError: 451 busy"
    )
    admin = UserFactory(admin=True)
    client = Client()
    client.force_login(admin)

    content = client.get("/opgaver/beskeder/", {"status": "failed"}).content.decode()

    assert "SMTPDataError: 451 busy" in content
    assert ">6<" in content
