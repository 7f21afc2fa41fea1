"""Exit criteria on the plan: the bridge-builder's role ends when the citizen carries on without
them (seed 002's "klare afslutningskriterier"). Each criterion is ticked with who and when, on
the timeline and in the audit trail; closing as "in a lasting community" with criteria unticked
needs an explicit "close anyway"."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from audit.constants import AuditAction
from audit.models import AuditEvent
from referrals.constants import CaseEventAction, CaseEventKind, CloseReason, ExitCriterionKind
from referrals.models import CaseEvent
from referrals.services import (
    case_close,
    case_exit_criteria,
    exit_criteria_unmet,
    exit_criterion_tick,
    exit_criterion_untick,
)
from tests.accounts.factories import UserFactory
from tests.followups.factories import make_case
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne Syd")


@pytest.fixture
def builder(team):
    return UserFactory(
        username="bente", bridge_builder=True, team=team, first_name="Bente", last_name="Bro"
    )


@pytest.fixture
def case(team, builder):
    return make_case(team=team, assignee=builder)


def _tick_all(case, actor, but=()):
    for criterion in ExitCriterionKind.values:
        if criterion not in but:
            exit_criterion_tick(case=case, criterion=criterion, actor=actor)


def _da(criterion) -> str:
    """A criterion's label as the Danish page and messages say it."""
    with translation.override("da"):
        return str(ExitCriterionKind(criterion).label)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


# --- The service ---------------------------------------------------------------------------------


def test_a_new_case_has_every_exit_criterion_unticked(case):
    checklist = case_exit_criteria(case=case)

    assert [item.criterion for item in checklist] == ExitCriterionKind.values
    assert not any(item.met for item in checklist)


def test_ticking_a_criterion_keeps_who_and_when_and_is_audited_and_on_the_timeline(case, builder):
    tick = exit_criterion_tick(case=case, criterion=ExitCriterionKind.CONTACT_PERSON, actor=builder)

    item = next(i for i in case_exit_criteria(case=case) if i.criterion == "contact_person")
    assert item.met and item.tick.ticked_by == builder and item.tick.ticked_at
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(tick.pk), subject_id=case.citizen_id
    ).exists()
    event = CaseEvent.objects.get(case=case, data__action=CaseEventAction.EXIT_CRITERION_MET)
    # data, not a sentence: the line is made in the reader's language
    assert event.kind == CaseEventKind.PLAN
    assert event.data["criterion"] == "contact_person" and event.detail == ""
    with translation.override("en"):
        assert event.text == "Exit criterion met: Has a contact person in the community"


def test_ticking_twice_makes_one_tick_and_one_line(case, builder):
    exit_criterion_tick(case=case, criterion="transport", actor=builder)
    exit_criterion_tick(case=case, criterion="transport", actor=builder)

    assert case.exit_criteria.count() == 1
    assert CaseEvent.objects.filter(data__action=CaseEventAction.EXIT_CRITERION_MET).count() == 1


def test_unticking_removes_the_tick_and_says_so_on_the_timeline(case, builder):
    tick = exit_criterion_tick(case=case, criterion="transport", actor=builder)

    exit_criterion_untick(case=case, criterion="transport", actor=builder)

    assert not case.exit_criteria.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE, object_id=str(tick.pk)).exists()
    event = CaseEvent.objects.get(data__action=CaseEventAction.EXIT_CRITERION_UNMET)
    assert event.actor == builder
    with translation.override("en"):
        assert event.text == (
            "Exit criterion no longer met: Can get there on their own, or transport is arranged"
        )


def test_an_unknown_criterion_or_a_closed_case_is_refused(case, builder):
    with pytest.raises(ValidationError) as unknown:
        exit_criterion_tick(case=case, criterion="feels_better", actor=builder)
    assert "criterion" in unknown.value.message_dict

    case_close(case=case, reason=CloseReason.MOVED, actor=builder)
    with pytest.raises(ValidationError) as closed:
        exit_criterion_tick(case=case, criterion="transport", actor=builder)
    assert "criterion" in closed.value.message_dict


# --- Closing "in a lasting community" ------------------------------------------------------------


def test_closing_in_a_lasting_community_with_criteria_unticked_is_refused_and_lists_them(
    case, builder
):
    _tick_all(case, builder, but=["contact_person", "follow_up_done"])

    with pytest.raises(ValidationError) as refused:
        case_close(case=case, reason=CloseReason.LASTING_COMMUNITY, actor=builder)

    with translation.override("en"):
        assert exit_criteria_unmet(case=case) == [
            "Has a contact person in the community",
            "The follow-up after 3 months is done",
        ]
    message = " ".join(refused.value.message_dict["close_anyway"])
    assert _da("contact_person") in message and _da("follow_up_done") in message
    assert _da("transport") not in message
    case.refresh_from_db()
    assert case.is_open


def test_close_anyway_closes_in_a_lasting_community_with_criteria_unticked(case, builder):
    case = case_close(
        case=case, reason=CloseReason.LASTING_COMMUNITY, actor=builder, close_anyway=True
    )

    assert not case.is_open and case.close_reason == CloseReason.LASTING_COMMUNITY


def test_with_every_criterion_ticked_it_closes_without_asking(case, builder):
    _tick_all(case, builder)

    case = case_close(case=case, reason=CloseReason.LASTING_COMMUNITY, actor=builder)

    assert case.close_reason == CloseReason.LASTING_COMMUNITY


def test_other_reasons_do_not_ask_about_exit_criteria(case, builder):
    case = case_close(case=case, reason=CloseReason.MOVED, actor=builder)

    assert case.close_reason == CloseReason.MOVED


# --- The page ------------------------------------------------------------------------------------


def test_the_plan_shows_the_checklist_and_a_tick_shows_who_and_when(case, builder):
    client = _client(builder)
    url = reverse("referrals:case_detail", args=[case.pk])

    before = client.get(url).content.decode()
    assert _da("contact_person") in before
    assert before.count('data-met="no"') == len(ExitCriterionKind.values)

    response = client.post(
        reverse("referrals:case_exit_criterion", args=[case.pk]),
        {"criterion": "contact_person", "met": "on"},
    )
    assert response.status_code == 302
    after = client.get(url).content.decode()
    assert after.count('data-met="yes"') == 1
    assert "Bente Bro" in after

    client.post(
        reverse("referrals:case_exit_criterion", args=[case.pk]), {"criterion": "contact_person"}
    )
    assert not case.exit_criteria.exists()


def test_another_teams_bridge_builder_cannot_tick(case):
    stranger = UserFactory(bridge_builder=True, team=bridge_team())

    response = _client(stranger).post(
        reverse("referrals:case_exit_criterion", args=[case.pk]),
        {"criterion": "contact_person", "met": "on"},
    )

    assert response.status_code == 404
    assert not case.exit_criteria.exists()


def test_the_close_form_lists_the_unticked_criteria_and_asks_to_close_anyway(case, builder):
    _tick_all(case, builder, but=["transport"])
    client = _client(builder)

    page = client.get(reverse("referrals:case_detail", args=[case.pk])).content.decode()
    assert 'data-testid="close-exit-criteria"' in page
    assert page.count('data-testid="unmet-exit-criterion"') == 1
    assert _da("transport") in page
    assert 'name="close-close_anyway"' in page

    refused = client.post(
        reverse("referrals:case_close", args=[case.pk]),
        {"close-reason": "lasting_community", "close-open_work": "end"},
    )
    assert refused.status_code == 400
    errors = refused.context["close_form"].errors["close_anyway"]
    assert _da("transport") in " ".join(errors)
    case.refresh_from_db()
    assert case.is_open

    closed = client.post(
        reverse("referrals:case_close", args=[case.pk]),
        {"close-reason": "lasting_community", "close-open_work": "end", "close-close_anyway": "on"},
    )
    assert closed.status_code == 302
    case.refresh_from_db()
    assert case.close_reason == CloseReason.LASTING_COMMUNITY


def test_the_close_form_does_not_ask_when_every_criterion_is_ticked(case, builder):
    _tick_all(case, builder)

    page = _client(builder).get(reverse("referrals:case_detail", args=[case.pk])).content.decode()

    assert 'data-testid="close-exit-criteria"' not in page
