"""Ending well: closing a case ends or hands over what it holds open (tasks, matches, reminders),
"in a lasting community" means a community beyond the bridge-builder's own, and a
bridge-builder may host a practice community as an offer."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from followups.constants import NotificationStatus, TaskKind, TaskOutcome
from followups.models import Notification, Task
from followups.reminders import reminders_queue, reminders_run
from matching.models import Match
from matching.services import (
    match_accept,
    match_end,
    match_plan_first_meeting,
    match_propose,
    match_record_first_meeting,
    session_record_attendance,
)
from offers.constants import ActivityKind, MatchEndReason, MatchStatus
from offers.models import Offer
from referrals.constants import CaseEventKind, CaseStatus, CloseReason
from referrals.services import case_close
from tests.accounts.factories import UserFactory
from tests.followups.factories import at, make_case, make_task
from tests.offers.factories import offer as make_offer
from tests.offers.factories import weekly
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne Midt")


@pytest.fixture
def builder(team):
    return UserFactory(
        username="sofie", bridge_builder=True, team=team, first_name="Sofie", last_name="Holm"
    )


@pytest.fixture
def colleague(team):
    return UserFactory(username="jens", bridge_builder=True, team=team, first_name="Jens")


@pytest.fixture
def case(team, builder):
    return make_case(team=team, assignee=builder)


def _today():
    """Meeting times: every week on today's weekday, so attendance may be recorded today."""
    return [weekly(timezone.localdate().weekday())]


def _active_match(case, actor, offer=None):
    """A match with a group offer the citizen has been to: its follow-up plan is open."""
    offer = offer or make_offer(title="Gå-klubben Solsikken", capacity=10, schedules=_today())
    match = match_propose(case=case, offer=offer, actor=actor)
    match_accept(match=match, actor=actor)
    match_plan_first_meeting(match=match, at=timezone.now() - timedelta(days=1), actor=actor)
    return match_record_first_meeting(match=match, came=True, actor=actor)


@pytest.fixture
def open_work(case, builder):
    """What a course holds open: a match with its follow-up plan, a task by hand, and a reminder
    about tomorrow's task waiting to be sent."""
    match = _active_match(case, builder)
    by_hand = make_task(assignee=builder, case=case, due_in=1, title="Ring om kørsel")
    reminders_queue(now=at(15))
    assert Notification.objects.filter(
        task=by_hand, status=NotificationStatus.PENDING, recipient=builder
    ).exists()
    return {"match": match, "by_hand": by_hand}


def _open_tasks(case):
    return Task.objects.filter(case=case, done_at__isnull=True)


# --- Ending or handing over ----------------------------------------------------------------------


def test_closing_ends_the_open_tasks_matches_and_reminders(case, builder, open_work):
    assert _open_tasks(case).count() >= 4
    offer = open_work["match"].offer
    offer.refresh_from_db()
    assert offer.places_taken == 1

    case_close(case=case, reason=CloseReason.MOVED, actor=builder)

    assert not _open_tasks(case).exists()
    # each says why it ended: with the course, or with the match that ended with it
    ended = Task.objects.filter(case=case)
    assert {t.data.get("outcome") for t in ended.filter(match__isnull=False)} <= {
        TaskOutcome.CASE_CLOSED,
        TaskOutcome.MATCH_ENDED,
    }
    by_hand = Task.objects.get(pk=open_work["by_hand"].pk)
    assert by_hand.outcome_text == str(TaskOutcome.CASE_CLOSED.label)
    match = Match.objects.get(pk=open_work["match"].pk)
    assert (match.status, match.end_reason) == (MatchStatus.ENDED, MatchEndReason.MOVED)
    offer.refresh_from_db()
    assert offer.places_taken == 0
    assert not Notification.objects.filter(status=NotificationStatus.PENDING).exists()
    # and nothing goes out later about the closed course
    assert reminders_run(now=at(16)).sent == 0


def test_closing_hands_the_open_work_over_to_a_colleague(case, builder, colleague, open_work):
    before = set(_open_tasks(case).values_list("pk", flat=True))

    case_close(
        case=case,
        reason=CloseReason.LASTING_COMMUNITY,
        actor=builder,
        hand_over_to=colleague,
        close_anyway=True,
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.assignee == colleague
    assert set(_open_tasks(case).values_list("pk", flat=True)) == before
    assert set(_open_tasks(case).values_list("assignee__username", flat=True)) == {"jens"}
    match = Match.objects.get(pk=open_work["match"].pk)
    assert match.status == MatchStatus.ACTIVE
    # the reminder waiting for the former bridge-builder is not sent; the colleague gets theirs
    assert not Notification.objects.filter(
        recipient=builder, status=NotificationStatus.PENDING
    ).exists()
    reminders_run(now=at(16))
    assert set(
        Notification.objects.filter(status=NotificationStatus.SENT).values_list(
            "recipient__username", flat=True
        )
    ) == {"jens"}
    assert case.events.filter(kind=CaseEventKind.ASSIGNMENT, assignee=colleague).exists()


def test_the_work_is_handed_over_only_to_a_bridge_builder_on_the_case_team(
    case, builder, open_work
):
    elsewhere = UserFactory(bridge_builder=True, team=bridge_team(name="Andre"))
    carer = UserFactory(home_care=True, team=case.team)

    for person in (elsewhere, carer, builder):
        with pytest.raises(ValidationError) as refused:
            case_close(case=case, reason=CloseReason.MOVED, actor=builder, hand_over_to=person)
        assert "hand_over_to" in refused.value.message_dict

    case.refresh_from_db()
    assert case.is_open
    assert _open_tasks(case).filter(assignee=builder).exists()


def test_a_missed_session_after_the_close_makes_no_task_for_the_former_bridge_builder(
    case, builder, open_work
):
    match = open_work["match"]
    coordinator = UserFactory(coordinator=True)

    case_close(case=case, reason=CloseReason.MOVED, actor=builder)
    # the coordinator's attendance list was opened before the close
    session_record_attendance(
        offer=match.offer, on=timezone.localdate(), attended={match.pk: False}, actor=coordinator
    )

    assert not Task.objects.filter(kind=TaskKind.AFTER_MISSED_SESSION).exists()
    assert not Task.objects.filter(assignee=builder, done_at__isnull=True).exists()


def test_a_missed_session_after_a_hand_over_is_the_colleagues(case, builder, colleague, open_work):
    match = open_work["match"]
    coordinator = UserFactory(coordinator=True)

    case_close(case=case, reason=CloseReason.MOVED, actor=builder, hand_over_to=colleague)
    session_record_attendance(
        offer=match.offer, on=timezone.localdate(), attended={match.pk: False}, actor=coordinator
    )

    missed = Task.objects.get(kind=TaskKind.AFTER_MISSED_SESSION)
    assert missed.assignee == colleague


def test_ending_a_match_closes_its_open_tasks(case, builder, open_work):
    match = open_work["match"]
    assert Task.objects.filter(match=match, done_at__isnull=True).count() >= 3

    match_end(match=match, reason=MatchEndReason.NOT_A_FIT, actor=builder)

    assert not Task.objects.filter(match=match, done_at__isnull=True).exists()
    assert {t.data.get("outcome") for t in Task.objects.filter(match=match)} == {
        TaskOutcome.MATCH_ENDED
    }
    # the task that is not about the match stays
    assert Task.objects.get(pk=open_work["by_hand"].pk).done_at is None


# --- The case page ------------------------------------------------------------------------------


def test_the_case_page_shows_what_is_open_before_the_close_and_hands_it_over(
    case, builder, colleague, open_work
):
    client = Client()
    client.force_login(builder)

    page = client.get(reverse("referrals:case_detail", args=[case.pk]))

    content = page.content.decode()
    assert 'data-testid="close-open-work"' in content
    assert "Ring om kørsel" in content  # the open task
    assert "Gå-klubben Solsikken" in content  # the open match
    form = page.context["close_form"]
    assert {value for value, _label in form.fields["open_work"].choices} == {"end", "hand_over"}
    assert list(form.fields["hand_over_to"].queryset) == [colleague]

    # handing over without saying to whom is refused, and nothing is closed
    refused = client.post(
        reverse("referrals:case_close", args=[case.pk]),
        {"close-reason": "moved", "close-open_work": "hand_over"},
    )
    assert refused.status_code == 400
    case.refresh_from_db()
    assert case.is_open

    done = client.post(
        reverse("referrals:case_close", args=[case.pk]),
        {
            "close-reason": "moved",
            "close-open_work": "hand_over",
            "close-hand_over_to": colleague.pk,
        },
    )
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert set(_open_tasks(case).values_list("assignee__username", flat=True)) == {"jens"}


def test_closing_from_the_case_page_ends_the_open_work_by_default(case, builder, open_work):
    client = Client()
    client.force_login(builder)

    response = client.post(
        reverse("referrals:case_close", args=[case.pk]),
        {"close-reason": "no_contact", "close-open_work": "end"},
    )

    assert response.status_code == 302
    assert not _open_tasks(case).exists()
    assert Match.objects.get().status == MatchStatus.ENDED


# --- "In a lasting community" --------------------------------------------------------------------


def test_a_community_the_bridge_builder_hosts_is_not_a_lasting_community(case, builder):
    own = make_offer(title="Sofies øvefællesskab", contact_email=builder.email)
    _active_match(case, builder, offer=own)

    with pytest.raises(ValidationError) as refused:
        case_close(case=case, reason=CloseReason.LASTING_COMMUNITY, actor=builder)

    assert "reason" in refused.value.message_dict
    assert "Sofies øvefællesskab" in " ".join(refused.value.messages)
    case.refresh_from_db()
    assert case.is_open


def test_the_network_cafe_of_the_bridge_builders_own_team_is_not_a_lasting_community(
    team, case, builder
):
    cafe = make_offer(title="Netværkscaféen", team=team, activity_kinds=[ActivityKind.NETWORK_CAFE])
    _active_match(case, builder, offer=cafe)

    with pytest.raises(ValidationError):
        case_close(case=case, reason=CloseReason.LASTING_COMMUNITY, actor=builder)

    # another reason is fine, and so is a community beyond the bridge-builder's own
    case_close(case=case, reason=CloseReason.MOVED, actor=builder)


def test_a_community_beyond_the_bridge_builders_own_is_a_lasting_community(case, builder):
    _active_match(
        case, builder, offer=make_offer(title="Sofies øvefællesskab", host_name="Sofie Holm")
    )
    _active_match(case, builder, offer=make_offer(title="Havefællesskabet"))

    case = case_close(
        case=case, reason=CloseReason.LASTING_COMMUNITY, actor=builder, close_anyway=True
    )

    assert case.close_reason == CloseReason.LASTING_COMMUNITY


def test_the_close_form_says_why_a_lasting_community_is_refused(case, builder):
    _active_match(case, builder, offer=make_offer(title="Sofies café", contact_email=builder.email))
    client = Client()
    client.force_login(builder)

    response = client.post(
        reverse("referrals:case_close", args=[case.pk]),
        {"close-reason": "lasting_community", "close-open_work": "end"},
    )

    assert response.status_code == 400
    assert "Sofies café" in " ".join(response.context["close_form"].errors["reason"])


# --- A bridge-builder hosts a practice community -------------------------------------------------


def _offer_form(organisation, **overrides):
    data = {
        "organisation": organisation.pk,
        "title": "Øvefællesskabet på biblioteket",
        "description": "Vi øver os i at være sammen med andre, i vores eget tempo.",
        "strategy": "skills_training",
        "activity_kinds": [ActivityKind.PRACTICE_COMMUNITY],
        "postcode": "5000",
        "price_kind": "free",
        "is_public": "on",
        "schedule-TOTAL_FORMS": "0",
        "schedule-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return data


def test_a_bridge_builder_creates_a_practice_community_for_their_own_team(team, builder):
    client = Client()
    client.force_login(builder)

    assert client.get(reverse("offers:offer_create")).status_code == 200
    response = client.post(reverse("offers:offer_create"), _offer_form(team.organisation))

    assert response.status_code == 302
    offer = Offer.objects.get()
    assert offer.team == team
    assert offer.activity_kinds == [ActivityKind.PRACTICE_COMMUNITY]
    # it is a community the bridge-builder hosts: not a lasting one for their citizens
    case = make_case(team=team, assignee=builder)
    _active_match(case, builder, offer=offer)
    with pytest.raises(ValidationError):
        case_close(case=case, reason=CloseReason.LASTING_COMMUNITY, actor=builder)


def test_a_bridge_builder_creates_a_network_cafe_but_no_other_kind_of_offer(team, builder):
    client = Client()
    client.force_login(builder)

    cafe = client.post(
        reverse("offers:offer_create"),
        _offer_form(team.organisation, activity_kinds=[ActivityKind.NETWORK_CAFE], title="Café"),
    )
    walk = client.post(
        reverse("offers:offer_create"),
        _offer_form(team.organisation, activity_kinds=[ActivityKind.EXERCISE], title="Gåtur"),
    )
    mixed = client.post(
        reverse("offers:offer_create"),
        _offer_form(
            team.organisation,
            activity_kinds=[ActivityKind.NETWORK_CAFE, ActivityKind.EXERCISE],
            title="Café med gåtur",
        ),
    )

    assert cafe.status_code == 302
    assert (walk.status_code, mixed.status_code) == (400, 400)
    assert "activity_kinds" in walk.context["form"].errors
    assert list(Offer.objects.values_list("title", flat=True)) == ["Café"]
