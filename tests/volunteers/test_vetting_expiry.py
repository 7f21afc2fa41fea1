"""A certificate that runs out while a match is under way (volunteers/vetting.py): the match is
marked on the case page and on the volunteer's page; the daily reminder asks the volunteer's
coordinator to renew it in time and, once it has run out, tells the bridge-builder of each match
that brings the volunteer into a private home. Each task is made once, however often the
reminder runs, and a renewed certificate closes them."""

import threading
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from followups.constants import TaskOrigin, TaskOutcome
from followups.models import Task
from followups.reminders import reminders_run
from matching.models import Match
from matching.services import match_accept, match_propose
from matching.services.vetting import matches_needing_vetting, vetting_needed_for
from referrals.services import case_assign
from tests.accounts.factories import UserFactory
from tests.followups.factories import at
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import (
    coordination_team,
    load_postcodes,
    make_offer,
    make_volunteer,
)
from volunteers.models import Volunteer
from volunteers.services import volunteer_record_vetting
from volunteers.tasks import vetting_reminders_daily
from volunteers.vetting import vetting_needed

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


def _citizen_case(team, builder, first_name):
    case = make_referral(team=team, first_name=first_name).referral.case
    return case_assign(case=case, assignee=builder, actor=builder)


@pytest.fixture
def running():
    """Vera Holm visits Inger (the citizen said yes); Lene leads Vera's volunteer centre."""
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team, first_name="Sofie")
    case = _citizen_case(team, builder, "Inger")
    coordination = coordination_team()
    lead = UserFactory(coordinator=True, team=coordination, lead=True, first_name="Lene")
    UserFactory(coordinator=True, team=coordination, first_name="Anders")
    vera = make_volunteer(
        team=coordination,
        first_name="Vera",
        last_name="Holm",
        roles=["visiting_friend", "phone_friend"],
        capacity=4,
    )
    match = match_accept(
        match=match_propose(case=case, volunteer=vera, actor=builder), actor=builder
    )
    return SimpleNamespace(
        team=team,
        builder=builder,
        case=case,
        coordination=coordination,
        lead=lead,
        vera=vera,
        match=match,
    )


def _renewal_due(volunteer, due):
    Volunteer.objects.filter(pk=volunteer.pk).update(vetting_renewal_due=due)
    volunteer.refresh_from_db()
    return volunteer


def _tasks(origin):
    return Task.objects.filter(data__origin=origin)


def _short(day) -> str:
    return day.strftime("%d.%m.%Y")  # Danish SHORT_DATE_FORMAT, d.m.Y


# --- Which matches need a certificate: one rule -------------------------------------------------


@pytest.mark.parametrize("private_home", [False, True])
@pytest.mark.parametrize(
    "role", ["visiting_friend", "meal_friend", "companion", "phone_friend", "host"]
)
def test_which_matches_need_a_certificate_is_one_rule_in_python_and_sql(role, private_home):
    builder = UserFactory(bridge_builder=True)
    case = make_referral().referral.case
    match_propose(case=case, offer=make_offer(in_private_home=private_home), actor=builder)
    match = match_propose(
        case=case, volunteer=make_volunteer(roles=[role]), role=role, actor=builder
    )

    needed = {
        "rule": vetting_needed(role=role, to_private_home=private_home),
        "proposing": vetting_needed_for(citizen_id=case.citizen_id, role=role),
        "sql": matches_needing_vetting(Match.objects.filter(pk=match.pk)).exists(),
    }

    # In a private home: a home visit always, a companion where the offer is in one.
    expected = role in ("visiting_friend", "meal_friend") or (role == "companion" and private_home)
    assert needed == {"rule": expected, "proposing": expected, "sql": expected}


# --- The mark on the case page and the volunteer's page ----------------------------------------


def test_the_case_page_marks_a_running_home_visit_whose_certificate_has_run_out(client, running):
    _renewal_due(running.vera, TODAY() - timedelta(days=1))
    client.force_login(running.builder)

    page = client.get(reverse("referrals:case_detail", args=[running.case.pk])).content.decode()

    assert f"Attesten udløb den {_short(TODAY())} – forny den før næste besøg." in page


def test_the_case_page_marks_a_certificate_that_runs_out_within_the_warning_days(client, running):
    due = TODAY() + timedelta(days=10)
    _renewal_due(running.vera, due)
    client.force_login(running.builder)

    page = client.get(reverse("referrals:case_detail", args=[running.case.pk])).content.decode()

    assert f"Attesten udløber den {_short(due + timedelta(days=1))} – forny den" in page


def test_no_mark_while_the_certificate_is_in_order_beyond_the_warning_days(client, running):
    _renewal_due(running.vera, TODAY() + timedelta(days=settings.BROBYG_VETTING_WARN_DAYS + 1))
    client.force_login(running.builder)

    page = client.get(reverse("referrals:case_detail", args=[running.case.pk])).content.decode()

    assert "Attesten udløb" not in page
    assert 'data-testid="vetting-warning"' not in page


def test_a_phone_friend_needs_no_certificate_so_nothing_is_marked(client, running):
    # given: a second citizen whom Vera calls by phone; her certificate has run out
    other = _citizen_case(running.team, running.builder, "Karl")
    match_accept(
        match=match_propose(
            case=other, volunteer=running.vera, role="phone_friend", actor=running.builder
        ),
        actor=running.builder,
    )
    _renewal_due(running.vera, TODAY() - timedelta(days=1))
    client.force_login(running.builder)

    page = client.get(reverse("referrals:case_detail", args=[other.pk])).content.decode()

    assert "Attesten udløb" not in page


def test_the_volunteers_page_marks_the_certificate_and_the_visit_that_needs_it(client, running):
    _renewal_due(running.vera, TODAY() - timedelta(days=1))
    client.force_login(running.lead)

    page = client.get(reverse("volunteers:detail", args=[running.vera.pk])).content.decode()

    assert f"Attesten udløb den {_short(TODAY())} – forny den før næste besøg." in page
    assert 'data-testid="vetting-needed"' in page  # the match with Inger, by its reference


# --- The daily reminder ------------------------------------------------------------------------


def test_the_coordinator_is_asked_once_to_renew_a_certificate_about_to_run_out(running):
    due = TODAY() + timedelta(days=20)
    _renewal_due(running.vera, due)

    vetting_reminders_daily()
    vetting_reminders_daily()

    (task,) = _tasks(TaskOrigin.VETTING_RENEWAL)
    assert task.assignee == running.lead  # the team's lead coordinator
    assert task.team == running.coordination
    assert task.due == due
    # The task is about the volunteer: it names no citizen to the coordinator.
    assert task.citizen is None and task.case is None
    assert "Vera Holm" in task.heading
    assert _short(due) in task.heading
    assert not _tasks(TaskOrigin.VETTING_EXPIRED).exists()  # still in order


def test_nobody_is_asked_while_the_certificate_is_in_order_beyond_the_warning_days(running):
    _renewal_due(running.vera, TODAY() + timedelta(days=settings.BROBYG_VETTING_WARN_DAYS + 1))

    vetting_reminders_daily()

    assert not Task.objects.filter(data__origin__startswith="vetting").exists()


def test_once_it_has_run_out_each_running_home_visit_gets_one_task_for_its_bridge_builder(
    running,
):
    # given: Vera also visits Karl (said yes), is only proposed to Ole, and calls Eva by phone
    karl = _citizen_case(running.team, running.builder, "Karl")
    karl_match = match_accept(
        match=match_propose(case=karl, volunteer=running.vera, actor=running.builder),
        actor=running.builder,
    )
    ole = _citizen_case(running.team, running.builder, "Ole")
    match_propose(case=ole, volunteer=running.vera, actor=running.builder)
    eva = _citizen_case(running.team, running.builder, "Eva")
    match_accept(
        match=match_propose(
            case=eva, volunteer=running.vera, role="phone_friend", actor=running.builder
        ),
        actor=running.builder,
    )
    _renewal_due(running.vera, TODAY() - timedelta(days=1))

    # when: the reminder runs twice
    vetting_reminders_daily()
    vetting_reminders_daily()

    # then: one task per running home visit, for its bridge-builder, on its case
    expired = _tasks(TaskOrigin.VETTING_EXPIRED)
    assert {(t.match_id, t.case_id, t.assignee_id) for t in expired} == {
        (running.match.pk, running.case.pk, running.builder.pk),
        (karl_match.pk, karl.pk, running.builder.pk),
    }
    assert all(t.due == TODAY() and "Vera Holm" in t.heading for t in expired)
    # and the coordinator is asked to renew it, once
    assert _tasks(TaskOrigin.VETTING_RENEWAL).count() == 1


def test_a_renewed_certificate_closes_the_reminders_and_a_later_expiry_asks_again(running):
    _renewal_due(running.vera, TODAY() - timedelta(days=1))
    vetting_reminders_daily()

    # when: the coordinator records the new certificate, and the reminder runs again
    vera = volunteer_record_vetting(
        volunteer=running.vera, data={"vetting_seen_on": TODAY()}, actor=running.lead
    )
    vetting_reminders_daily()

    # then: both tasks are done, said to be so by the renewal
    tasks = Task.objects.filter(data__origin__in=["vetting_renewal", "vetting_expired"])
    assert tasks.count() == 2
    assert all(t.done_at is not None for t in tasks)
    assert {t.outcome_text for t in tasks} == {str(TaskOutcome.CERTIFICATE_RENEWED.label)}

    # and the renewed certificate, in its turn about to run out, is a new reminder
    _renewal_due(vera, TODAY() + timedelta(days=5))
    vetting_reminders_daily()
    assert _tasks(TaskOrigin.VETTING_RENEWAL).filter(done_at__isnull=True).count() == 1


def test_the_renewal_reminder_goes_to_the_coordinator_without_naming_a_citizen(client, running):
    _renewal_due(running.vera, TODAY())  # in order today, not tomorrow
    vetting_reminders_daily()

    # when: the follow-up reminders go out in the morning
    reminders_run(now=at(9))

    # then: Lene is reminded about Vera's certificate, and no citizen is named
    (message,) = [m for m in mail.outbox if m.to == [running.lead.email]]
    assert "Vera Holm" in message.body
    assert "Inger" not in message.subject + message.body
    client.force_login(running.lead)
    (task,) = _tasks(TaskOrigin.VETTING_RENEWAL)
    for url in (reverse("followups:my_tasks"), reverse("followups:task_detail", args=[task.pk])):
        page = client.get(url).content.decode()
        assert "Vera Holm" in page
        assert "Inger" not in page


def test_the_daily_reminder_is_on_beats_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "volunteers.tasks.vetting_reminders_daily" in tasks


@pytest.mark.django_db(transaction=True)
def test_two_reminder_runs_at_the_same_moment_make_each_task_once():
    """Two threads, two connections, real PostgreSQL row locks: the second run waits for the
    first and then finds its tasks."""
    load_postcodes()
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team)
    coordination = coordination_team()
    UserFactory(coordinator=True, team=coordination)
    vera = make_volunteer(team=coordination, capacity=2)
    for name in ("Inger", "Karl"):
        case = _citizen_case(team, builder, name)
        match_accept(match=match_propose(case=case, volunteer=vera, actor=builder), actor=builder)
    _renewal_due(vera, TODAY() - timedelta(days=1))
    barrier = threading.Barrier(2)
    made = []

    def run():
        try:
            barrier.wait(timeout=10)
            made.append(vetting_reminders_daily())
        finally:
            close_old_connections()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(made) == [0, 3]  # one renewal for the coordinator, one per running visit
    assert _tasks(TaskOrigin.VETTING_RENEWAL).count() == 1
    assert _tasks(TaskOrigin.VETTING_EXPIRED).count() == 2
