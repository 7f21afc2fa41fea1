"""An offer paused or stopped tells those it leaves without: each matched citizen's
bridge-builder gets a task to find the citizen another offer, and the offer's other
coordinators are told (of the offer and how many, never of whom)."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from followups.constants import NotificationStatus, ReminderKind, TaskKind, TaskOrigin
from followups.models import Notification, Task
from followups.reminders import reminders_run
from matching.services import match_end, match_propose
from offers.constants import MatchEndReason, OfferStatus
from offers.services import offer_set_status
from tests.accounts.factories import TeamFactory, UserFactory
from tests.followups.factories import at, make_case
from tests.offers.factories import offer as make_offer
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    bridges = bridge_team(name="Brobyggerne")
    sofie = UserFactory(username="sofie", bridge_builder=True, team=bridges)
    jens = UserFactory(username="jens", bridge_builder=True, team=bridges)
    centre = TeamFactory(name="Frivilligcentret", kind="volunteer_coordination")
    anna = UserFactory(username="anna", coordinator=True, team=centre)
    bo = UserFactory(username="bo", coordinator=True, team=centre)
    walk = make_offer(title="Gå-klubben Solsikken", team=centre, organisation=centre.organisation)
    cases = [make_case(team=bridges, assignee=sofie), make_case(team=bridges, assignee=jens)]
    matches = [match_propose(case=case, offer=walk, actor=case.assignee) for case in cases]
    return {
        "offer": walk,
        "cases": cases,
        "matches": matches,
        "sofie": sofie,
        "jens": jens,
        "anna": anna,
        "bo": bo,
    }


def _tasks(origin):
    return Task.objects.filter(data__origin=origin, done_at__isnull=True)


def test_pausing_an_offer_gives_each_matched_citizens_bridge_builder_a_task(world):
    offer_set_status(offer=world["offer"], status=OfferStatus.PAUSED, actor=world["anna"])

    tasks = _tasks(TaskOrigin.OFFER_PAUSED)
    assert {(t.assignee.username, t.case_id, t.match_id) for t in tasks} == {
        ("sofie", world["cases"][0].pk, world["matches"][0].pk),
        ("jens", world["cases"][1].pk, world["matches"][1].pk),
    }
    task = tasks.first()
    assert task.kind == TaskKind.FIND_ANOTHER_OFFER
    assert task.due == timezone.localdate()
    # the event is data: the offer's title and what happened, the sentence made when read
    assert task.data == {"origin": TaskOrigin.OFFER_PAUSED, "offer": "Gå-klubben Solsikken"}
    assert task.title == ""
    assert "Gå-klubben Solsikken" in task.heading


def test_the_offers_other_coordinators_are_told_without_naming_a_citizen(world):
    offer_set_status(offer=world["offer"], status=OfferStatus.ARCHIVED, actor=world["anna"])

    (told,) = _tasks(TaskOrigin.OFFER_ARCHIVED_MATCHES)
    assert told.assignee == world["bo"]  # anna stopped it herself
    assert told.citizen is None and told.case is None
    assert told.data["count"] == 2
    assert "Gå-klubben Solsikken" in told.heading
    assert _tasks(TaskOrigin.OFFER_ARCHIVED).count() == 2
    # bo opens it from his list: the offer, and no one's name
    client = Client()
    client.force_login(world["bo"])
    page = client.get(reverse("followups:task_detail", args=[told.pk])).content.decode()
    assert "Gå-klubben Solsikken" in page
    for case in world["cases"]:
        assert case.citizen.first_name not in page
    listed = client.get("/opgaver/").context["groups"]
    assert told.pk in {task.pk for group in listed for task in group.tasks}


def test_they_are_told_by_the_days_reminder(world):
    offer_set_status(offer=world["offer"], status=OfferStatus.PAUSED, actor=world["anna"])

    reminders_run(now=at(9))

    sent = Notification.objects.filter(kind=ReminderKind.DUE, status=NotificationStatus.SENT)
    assert set(sent.values_list("recipient__username", flat=True)) == {"sofie", "jens", "bo"}
    to_bo = next(m for m in mail.outbox if m.to == [world["bo"].email])
    for case in world["cases"]:
        assert case.citizen.first_name not in to_bo.subject + to_bo.body


def test_pausing_twice_tells_once_and_ended_matches_are_not_told(world):
    match_end(match=world["matches"][1], reason=MatchEndReason.NOT_A_FIT, actor=world["jens"])

    offer_set_status(offer=world["offer"], status=OfferStatus.PAUSED, actor=world["anna"])
    offer_set_status(offer=world["offer"], status=OfferStatus.ACTIVE, actor=world["anna"])
    offer_set_status(offer=world["offer"], status=OfferStatus.PAUSED, actor=world["anna"])

    assert list(_tasks(TaskOrigin.OFFER_PAUSED).values_list("assignee__username", flat=True)) == [
        "sofie"
    ]
    assert _tasks(TaskOrigin.OFFER_PAUSED_MATCHES).count() == 1


def test_an_offer_without_matches_tells_nobody(world):
    quiet = make_offer(title="Strikkecaféen")

    offer_set_status(offer=quiet, status=OfferStatus.ARCHIVED, actor=world["anna"])

    assert not Task.objects.filter(kind=TaskKind.FIND_ANOTHER_OFFER).exists()


def test_the_coordinators_pause_button_tells_them(world):
    client = Client()
    client.force_login(world["anna"])

    response = client.post(
        reverse("offers:offer_status", args=[world["offer"].pk]), {"action": "paused"}
    )

    assert response.status_code == 302
    assert _tasks(TaskOrigin.OFFER_PAUSED).count() == 2
    # the bridge-builder opens the task and reaches the case from it
    bridge = Client()
    bridge.force_login(world["sofie"])
    task = _tasks(TaskOrigin.OFFER_PAUSED).get(assignee=world["sofie"])
    page = bridge.get(reverse("followups:task_detail", args=[task.pk]))
    assert page.status_code == 200
    assert "Gå-klubben Solsikken" in page.content.decode()
