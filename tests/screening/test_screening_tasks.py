"""What a screening does to the citizen's tasks: it fulfils the "screen again" it answers and
never the follow-up plan's three-month re-screening early (the outcome measurement); a colour's
"refer to a bridge-builder" is given only to a citizen without an open case, and is done by the
referral, wherever it is made."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from rest_framework.test import APIClient

from followups.constants import TaskKind, TaskOrigin
from followups.models import Task
from followups.services import task_create_by_hand, task_plan_create
from referrals.services import case_assign, referral_create
from screening import services
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db

RED, YELLOW, GREEN = (3, 3, 2), (2, 2, 2), (1, 1, 1)


@pytest.fixture
def builders():
    return bridge_team()


@pytest.fixture
def builder(builders):
    return UserFactory(bridge_builder=True, team=builders)


@pytest.fixture
def citizen(team):
    return home_care_citizen(team=team)


def _open_case(citizen, builder, builders):
    """The citizen referred to the bridge-builders, and their case given to `builder`."""
    case = referral_create(
        known_citizen=citizen,
        source="home_care",
        reason="Sidder meget alene.",
        consent_given=True,
        consent_method="verbal",
        referrer=builder,
        team=builders,
    ).referral.case
    case_assign(case=case, assignee=builder, actor=builder)
    return case


def _plan(citizen, case, builder, *, met_days_ago: int) -> Task:
    """The follow-up plan after a first meeting; its three-month re-screening."""
    tasks = task_plan_create(
        citizen=citizen,
        case=case,
        team=case.team,
        assignee=builder,
        first_meeting_on=timezone.localdate() - timedelta(days=met_days_ago),
        actor=builder,
    )
    [outcome] = [t for t in tasks if t.data.get("origin") == TaskOrigin.PLAN_RESCREEN]
    return outcome


def _open(task: Task) -> bool:
    task.refresh_from_db()
    return task.done_at is None


# --- (a) "screen again" -------------------------------------------------------------------------


def test_an_ordinary_screening_leaves_the_three_month_re_screening_open(
    team, worker, builder, builders, citizen
):
    # given the plan's re-screening due in about two months, and "screen this week" from the board
    case = _open_case(citizen, builder, builders)
    outcome = _plan(citizen, case, builder, met_days_ago=30)
    this_week = services.rescreen_assign(citizen=citizen, team=team, assignee=worker, actor=worker)

    # when home care screens the citizen this week
    screen(citizen=citizen, by=worker, answers=YELLOW)

    # then "screen this week" is done, and the outcome measurement stays for its own screening
    assert not _open(this_week)
    assert _open(outcome)


def test_a_screening_made_for_the_re_screening_fulfils_it(builder, builders, citizen):
    case = _open_case(citizen, builder, builders)
    outcome = _plan(citizen, case, builder, met_days_ago=30)

    screen(citizen=citizen, by=builder, answers=GREEN, task=outcome)

    assert not _open(outcome)
    with translation.override("en"):
        assert Task.objects.get(pk=outcome.pk).outcome_text == "Screened."


def test_a_screening_from_two_weeks_before_the_re_screening_is_due_is_that_re_screening(
    worker, builder, builders, citizen
):
    case = _open_case(citizen, builder, builders)
    soon = _plan(citizen, case, builder, met_days_ago=91 - services.OUTCOME_WINDOW_DAYS)
    assert soon.due == timezone.localdate() + timedelta(days=services.OUTCOME_WINDOW_DAYS)

    screen(citizen=citizen, by=worker, answers=GREEN)

    assert not _open(soon)


def test_a_screening_before_that_leaves_it_open(worker, builder, builders, citizen):
    case = _open_case(citizen, builder, builders)
    later = _plan(citizen, case, builder, met_days_ago=90 - services.OUTCOME_WINDOW_DAYS)

    screen(citizen=citizen, by=worker, answers=GREEN)

    assert _open(later)


def test_the_tablet_opened_from_the_task_screens_for_it(builder, builders, citizen):
    case = _open_case(citizen, builder, builders)
    outcome = _plan(citizen, case, builder, met_days_ago=30)
    web = Client()
    web.force_login(builder)

    page = web.get(f"/screening/borgere/{citizen.pk}/").content.decode()
    tablet = web.get(f"/screening/borgere/{citizen.pk}/screen/", {"opgave": str(outcome.pk)})
    api = APIClient()
    api.force_authenticate(builder)
    response = api.post(
        "/api/v1/screenings/",
        {
            "citizen": str(citizen.pk),
            "answers": {"lack_companionship": 1, "left_out": 2, "isolated": 1},
            "task": str(outcome.pk),
        },
        format="json",
    )

    assert f"?opgave={outcome.pk}" in page
    assert f'data-task="{outcome.pk}"' in tablet.content.decode()
    assert response.status_code == 201, response.json()
    assert not _open(outcome)


def test_a_task_that_is_not_the_citizens_re_screening_is_refused(
    team, worker, builder, builders, citizen
):
    other = home_care_citizen(team=team)
    theirs = services.rescreen_assign(citizen=other, team=team, assignee=worker, actor=worker)
    api = APIClient()
    api.force_authenticate(worker)
    body = {"citizen": str(citizen.pk), "answers": {"lack_companionship": 1, "left_out": 2}}

    wrong_citizen = api.post("/api/v1/screenings/", {**body, "task": str(theirs.pk)}, format="json")
    unknown = api.post(
        "/api/v1/screenings/",
        {**body, "task": "00000000-0000-0000-0000-000000000000"},
        format="json",
    )
    tablet = Client()
    tablet.force_login(worker)
    page = tablet.get(f"/screening/borgere/{citizen.pk}/screen/", {"opgave": str(theirs.pk)})

    assert wrong_citizen.status_code == 400 and "task" in wrong_citizen.json()
    assert unknown.status_code == 400 and "task" in unknown.json()
    assert page.status_code == 404
    assert _open(theirs)


# --- (b) "refer to a bridge-builder" only without an open case -----------------------------------


def test_red_offers_a_referral_to_a_citizen_without_a_case(worker, citizen):
    result = services.screening_record(
        citizen=citizen,
        answers=dict(zip(["lack_companionship", "left_out", "isolated"], RED, strict=True)),
        screened_by=worker,
    )

    assert result.task is not None
    assert result.task.title.startswith("Tilbyd en henvisning")
    assert result.task.assignee == worker


def test_red_does_not_offer_a_referral_to_a_citizen_who_has_an_open_case(
    worker, builder, builders, citizen
):
    _open_case(citizen, builder, builders)

    screening = screen(citizen=citizen, by=worker, answers=RED)

    assert screening.triage_code == "red"
    assert not Task.objects.filter(kind=TaskKind.TRIAGE_NEXT_STEP, done_at__isnull=True).exists()


def test_other_next_steps_still_go_to_the_bridge_builder_who_has_the_case(
    worker, builder, builders, citizen
):
    case = _open_case(citizen, builder, builders)

    screen(citizen=citizen, by=worker, answers=YELLOW)

    [task] = Task.objects.filter(kind=TaskKind.TRIAGE_NEXT_STEP, done_at__isnull=True)
    assert (task.assignee, task.case) == (builder, case)


# --- (c) a referral is the step done --------------------------------------------------------------


def test_referring_from_the_tablet_completes_the_referral_step(worker, builders, citizen):
    screening = screen(citizen=citizen, by=worker, answers=RED)
    [step] = Task.objects.filter(kind=TaskKind.TRIAGE_NEXT_STEP)

    services.screening_refer(screening=screening, actor=worker, consent_given=True)

    assert not _open(step)
    with translation.override("da"):
        assert Task.objects.get(pk=step.pk).outcome_text == (
            translation.gettext("The citizen was referred to a bridge-builder.")
        )
    with translation.override("en"):
        assert (
            Task.objects.get(pk=step.pk).outcome_text
            == "The citizen was referred to a bridge-builder."
        )


def test_a_referral_made_elsewhere_completes_the_referral_step(worker, builders, citizen):
    screen(citizen=citizen, by=worker, answers=RED)
    [step] = Task.objects.filter(kind=TaskKind.TRIAGE_NEXT_STEP)
    gp = UserFactory(referrer=True)

    # the citizen's GP refers them, knowing nothing of the screening
    referral_create(
        known_citizen=citizen,
        source="gp",
        reason="Enke siden foråret.",
        consent_given=True,
        consent_method="written",
        referrer=gp,
        team=builders,
    )

    assert not _open(step)


def test_a_referral_leaves_other_next_steps_open(worker, builders, citizen):
    screen(citizen=citizen, by=worker, answers=YELLOW)
    [step] = Task.objects.filter(kind=TaskKind.TRIAGE_NEXT_STEP)

    referral_create(
        known_citizen=citizen,
        source="gp",
        reason="Enke siden foråret.",
        consent_given=True,
        consent_method="written",
        team=builders,
    )

    assert _open(step)


def test_screen_this_week_given_again_replaces_the_first_and_never_the_re_screening(
    team, worker, builder, builders, citizen
):
    case = _open_case(citizen, builder, builders)
    outcome = _plan(citizen, case, builder, met_days_ago=30)
    colleague = UserFactory(home_care=True, team=team)
    first = services.rescreen_assign(citizen=citizen, team=team, assignee=worker, actor=worker)

    second = services.rescreen_assign(citizen=citizen, team=team, assignee=colleague, actor=worker)

    assert not _open(first)
    assert _open(second)
    assert _open(outcome)


def test_screen_this_week_replaces_a_screen_again_added_by_hand(team, worker, citizen):
    by_hand = task_create_by_hand(
        actor=worker,
        citizen=citizen,
        assignee=worker,
        kind=TaskKind.RESCREEN,
        due=timezone.localdate() + timedelta(days=20),
    )

    services.rescreen_assign(citizen=citizen, team=team, assignee=worker, actor=worker)

    assert not _open(by_hand)
