"""The timeline and the tasks are written as data and read in the reader's language: a line written
while one person works in Danish reads in English for a colleague who chose English, and back."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import formats, timezone, translation
from rest_framework.test import APIClient

from core.personal_data import section
from followups.constants import TaskKind
from followups.models import Task
from followups.services import task_create_by_hand, task_plan_create
from referrals import services
from referrals.constants import CaseEventAction, CaseEventKind, ConsentMethod, ConsentPurpose
from referrals.identity import citizen_merge
from referrals.models import CaseEvent, PossibleDuplicate
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.screening.factories import screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne")


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team, lead=True)


def _client(user, language: str) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _timeline_work(*, case, actor):
    """A morning's work on a case: the lines the timeline shows under the kind's name."""
    person = services.network_person_add(
        case=case, kind="neighbour", name="Jens Lund", closeness=2, actor=actor
    )
    services.network_person_remove(case=case, person=person, actor=actor)
    step = services.plan_step_add(
        case=case, description="Ring til caféen om torsdag", responsible="Bent", actor=actor
    )
    services.plan_step_complete(step=step, actor=actor)
    consent = services.consent_give(
        citizen=case.citizen,
        purpose=ConsentPurpose.COMPANION,
        method=ConsentMethod.VERBAL,
        actor=actor,
        case=case,
    )
    services.consent_withdraw(consent=consent, actor=actor)
    services.referral_details_use(
        referral=case.referrals.get(), fields=["phone", "address"], actor=actor
    )
    screen(citizen=case.citizen, by=actor, answers=(2, 2, 2))


def test_a_timeline_written_in_danish_reads_in_english(team, builder):
    with translation.override("da"):
        case = make_referral(team=team).referral.case
        _timeline_work(case=case, actor=builder)

    page = _client(builder, "en").get(f"/forloeb/{case.pk}/").content.decode()

    for line in [
        "Neighbour: Jens Lund",
        "removed: Jens Lund",
        "Ring til caféen om torsdag",
        "done: Ring til caféen om torsdag",
        "withdrawn",
        "phone, address",
        "UCLA-3 score 6",
    ]:
        assert line in page, line
    for danish in ["Nabo: Jens Lund", "fjernet:", "udført:", "trukket tilbage", "UCLA-3-score"]:
        assert danish not in page, danish


def test_a_timeline_written_in_english_reads_in_danish(team, builder):
    with translation.override("en"):
        case = make_referral(team=team).referral.case
        _timeline_work(case=case, actor=builder)

    page = _client(builder, "da").get(f"/forloeb/{case.pk}/").content.decode()

    for line in [
        "Nabo: Jens Lund",
        "fjernet: Jens Lund",
        "udført: Ring til caféen om torsdag",
        "trukket tilbage",
        "telefon, adresse",
        "UCLA-3-score 6",
    ]:
        assert line in page, line
    for english in ["Neighbour: Jens", "removed:", "done: Ring", "withdrawn", "UCLA-3 score"]:
        assert english not in page, english


def test_what_a_person_typed_is_kept_as_typed(team, builder):
    with translation.override("da"):
        case = make_referral(team=team).referral.case
        services.plan_step_add(
            case=case, description="Følg Inger til koret", responsible="Bent", actor=builder
        )
    event = case.events.get(kind=CaseEventKind.PLAN)

    assert event.detail == "Følg Inger til koret"
    with translation.override("en"):
        assert event.text == "Følg Inger til koret"


def test_a_merge_is_dated_in_the_readers_way(team, builder):
    first = make_referral(team=team, first_name="Åse", last_name="Berg").referral
    services.case_close(case=first.case, reason="moved", actor=builder)
    second = make_referral(
        team=team, first_name="Åse", last_name="Berg", birth_date=first.citizen.birth_date
    ).referral
    with translation.override("da"):
        citizen_merge(duplicate=PossibleDuplicate.objects.get(), actor=builder)
    event = CaseEvent.objects.get(data__action=CaseEventAction.RECORDS_MERGED)

    made = timezone.localdate(second.citizen.created_at)
    with translation.override("en"):
        day = formats.date_format(made, "SHORT_DATE_FORMAT")
        assert event.text == f"merged with the record made on {day}"
    with translation.override("da"):
        assert event.text == f"samlet med registreringen fra {made:%d.%m.%Y}"


def test_tasks_written_in_danish_read_in_english_on_my_tasks_and_in_the_api(team, builder):
    with translation.override("da"):
        case = make_referral(team=team).referral.case
        services.case_assign(case=case, assignee=builder, actor=builder)
        task_plan_create(
            citizen=case.citizen,
            case=case,
            team=team,
            assignee=builder,
            first_meeting_on=timezone.localdate() - timedelta(days=7),
            actor=builder,
        )
        task_create_by_hand(
            actor=builder,
            citizen=case.citizen,
            case=case,
            assignee=None,
            kind=TaskKind.CALL_CITIZEN,
            due=timezone.localdate(),
        )
        # A screening made for it fulfils the "screen again" of the plan.
        screen(citizen=case.citizen, by=builder, task=Task.objects.get(kind=TaskKind.RESCREEN))

    page = _client(builder, "en").get("/opgaver/").content.decode()

    assert "Follow up on the first meeting: did the citizen go" in page
    assert "Call the citizen" in page
    assert "Følg op" not in page
    assert "Ring til borgeren" not in page

    rescreen = Task.objects.get(kind=TaskKind.RESCREEN)
    api = APIClient()
    api.force_authenticate(builder)
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    row = api.get(f"/api/v1/tasks/{rescreen.pk}/").json()
    assert row["note"].startswith("Last follow-up: screen again with UCLA-3")
    assert row["outcome"] == "Screened."
    api.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    row = api.get(f"/api/v1/tasks/{rescreen.pk}/").json()
    assert row["note"].startswith("Sidste opfølgning: screen igen med UCLA-3")
    assert row["outcome"] == "Screenet."


def test_tasks_written_in_english_read_in_danish_on_the_task_page(team, builder):
    with translation.override("en"):
        case = make_referral(team=team).referral.case
        task = task_create_by_hand(
            actor=builder,
            citizen=case.citizen,
            case=case,
            assignee=None,
            kind=TaskKind.CALL_CITIZEN,
            due=timezone.localdate(),
        )

    page = _client(builder, "da").get(f"/opgaver/{task.pk}/").content.decode()

    assert "Ring til borgeren" in page
    assert "Call the citizen" not in page


def test_anonymising_takes_the_names_out_of_the_timelines_data(team, builder):
    case = make_referral(team=team).referral.case
    services.network_person_add(
        case=case, kind="friend", name="Jens Lund", closeness=2, actor=builder
    )
    services.plan_step_add(
        case=case, description="Ring til Jens", responsible="Bent", actor=builder
    )

    section("cases").anonymise(case.citizen)

    for event in case.events.all():
        assert "Jens" not in str(event.data) and "Jens" not in event.detail
        assert "Jens" not in event.text
