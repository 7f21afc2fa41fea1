"""What the matching page offers to do with a match (offers.presentation.match_actions) is what
the services accept: every step offered at a status succeeds on a fresh match at that status,
every step not offered is refused, and the page shows the buttons of the steps offered."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from matching import services
from matching.forms import MatchEndForm
from matching.models import Match
from matching.presentation import MATCH_ACTIONS, match_actions, provider_actions
from offers.constants import MatchEndReason, MatchStatus
from referrals.constants import CaseEventKind
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import load_postcodes, make_offer

pytestmark = pytest.mark.django_db

# The steps of a match the matching page can post (offers/urls.py's match_action), offered at
# each status.
OFFERED = {
    MatchStatus.PROPOSED: {"accept", "decline", "end"},
    MatchStatus.ACCEPTED: {"meeting", "end"},
    MatchStatus.FIRST_MEETING: {"meeting", "came", "missed", "end"},
    MatchStatus.ACTIVE: {"end"},
    MatchStatus.ENDED: set(),
}


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture
def team():
    return bridge_team()


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team)


def _match_at(status: str, *, team, actor) -> Match:
    """A fresh match brought to `status` by the services, as a bridge-builder would."""
    case = make_referral(team=team).referral.case
    match = services.match_propose(case=case, offer=make_offer(capacity=3), actor=actor)
    if status == MatchStatus.ENDED:
        return services.match_end(match=match, reason=MatchEndReason.OTHER, actor=actor)
    if status in (MatchStatus.ACCEPTED, MatchStatus.FIRST_MEETING, MatchStatus.ACTIVE):
        match = services.match_accept(match=match, actor=actor)
    if status in (MatchStatus.FIRST_MEETING, MatchStatus.ACTIVE):
        # An hour ago: whether the citizen came is recorded from the meeting's day.
        match = services.match_plan_first_meeting(
            match=match, at=timezone.now() - timedelta(hours=1), actor=actor
        )
    if status == MatchStatus.ACTIVE:
        match = services.match_record_first_meeting(match=match, came=True, actor=actor)
    assert match.status == status
    return match


def _take(action: str, *, match: Match, actor) -> None:
    """The service each step calls, as matching/views/matching.py's match_action calls it."""
    if action == "accept":
        services.match_accept(match=match, actor=actor)
    elif action == "decline":
        services.match_end(match=match, reason=MatchEndReason.CITIZEN_DECLINED, actor=actor)
    elif action == "meeting":
        services.match_plan_first_meeting(
            match=match, at=timezone.now() + timedelta(days=5), actor=actor
        )
    elif action in ("came", "missed"):
        services.match_record_first_meeting(match=match, came=action == "came", actor=actor)
    elif action == "end":
        services.match_end(match=match, reason=MatchEndReason.LASTING, actor=actor)
    else:
        raise AssertionError(action)


def _lines(match: Match) -> int:
    return match.case.events.filter(kind=CaseEventKind.MATCH).count()


@pytest.mark.parametrize("status", MatchStatus.values)
def test_the_steps_offered_at_each_status(status, team, builder):
    match = _match_at(status, team=team, actor=builder)

    assert match_actions(match=match, user=builder).offered == OFFERED[status]


@pytest.mark.parametrize(
    ("status", "action"),
    [(status, action) for status in MatchStatus.values for action in sorted(OFFERED[status])],
)
def test_a_step_offered_is_one_the_services_accept(status, action, team, builder):
    match = _match_at(status, team=team, actor=builder)
    lines = _lines(match)

    _take(action, match=match, actor=builder)

    # Every step the services take is a line on the case's timeline.
    assert _lines(match) == lines + 1


# The citizen's no is a way to end the match (match_end with the reason "the citizen said no"),
# which the services take at any open status, as they take "end". The page offers it as a
# button of its own while the proposal waits for the citizen's answer, and afterwards as a
# reason in the form that ends the match: that pair is tested below, not here.
NOT_OFFERED = [
    (status, action)
    for status in MatchStatus.values
    for action in MATCH_ACTIONS
    if action not in OFFERED[status] and not (action == "decline" and "end" in OFFERED[status])
]


@pytest.mark.parametrize(("status", "action"), NOT_OFFERED)
def test_a_step_not_offered_is_refused(status, action, team, builder):
    match = _match_at(status, team=team, actor=builder)
    lines = _lines(match)

    try:
        _take(action, match=match, actor=builder)
    except ValidationError:
        refused = True
    else:
        refused = False

    match.refresh_from_db()
    assert (match.status, _lines(match)) == (status, lines)
    # Ending an ended match does nothing rather than fail (a second click on "End").
    assert refused or (status == MatchStatus.ENDED and action in ("end", "decline"))


@pytest.mark.parametrize("status", [MatchStatus.ACCEPTED, MatchStatus.FIRST_MEETING])
def test_after_the_answer_the_citizens_no_ends_the_match_with_its_reason(status, team, builder):
    match = _match_at(status, team=team, actor=builder)
    actions = match_actions(match=match, user=builder)

    assert not actions.decline
    assert actions.end
    assert MatchEndReason.CITIZEN_DECLINED in dict(MatchEndForm.base_fields["reason"].choices)


def test_someone_who_may_not_match_is_offered_nothing(team, builder):
    match = _match_at(MatchStatus.PROPOSED, team=team, actor=builder)
    home_care = UserFactory(home_care=True)

    assert match_actions(match=match, user=home_care).offered == set()


def test_moving_a_planned_first_meeting_is_told_from_planning_one(team, builder):
    accepted = _match_at(MatchStatus.ACCEPTED, team=team, actor=builder)
    planned = _match_at(MatchStatus.FIRST_MEETING, team=team, actor=builder)

    assert not match_actions(match=accepted, user=builder).meeting_planned
    assert match_actions(match=planned, user=builder).meeting_planned


@pytest.mark.parametrize("status", [s for s in MatchStatus.values if s != MatchStatus.ENDED])
def test_the_matching_page_shows_the_buttons_of_the_steps_offered(client, status, team, builder):
    match = _match_at(status, team=team, actor=builder)
    client.force_login(builder)

    page = client.get(reverse("matching:case_matching", args=[match.case_id])).content.decode()

    shown = {
        action
        for action in MATCH_ACTIONS
        if reverse("matching:match_action", args=[match.case_id, match.pk, action]) in page
    }
    assert shown == OFFERED[status]
    summary = (
        "Flyt det første møde" if status == MatchStatus.FIRST_MEETING else "Aftal det første møde"
    )
    assert (summary in page) == ("meeting" in OFFERED[status])


@pytest.mark.parametrize("status", MatchStatus.values)
@pytest.mark.parametrize("answered", [False, True])
def test_the_requests_page_offers_what_the_services_accept(status, answered, team, builder):
    # given a match at each status, with or without the provider's answer
    match = _match_at(status, team=team, actor=builder)
    if answered and status not in (MatchStatus.ACTIVE, MatchStatus.ENDED):
        services.match_respond(match=match, confirmed=True, actor=builder)
        match.refresh_from_db()
    steps = provider_actions(match=match)

    # then answering is offered exactly when the service takes an answer that changes anything
    # (a second answer to an answered request is not offered)
    if steps.respond:
        services.match_respond(match=match, confirmed=True, actor=builder)
    elif status in (MatchStatus.ACTIVE, MatchStatus.ENDED):
        # under way (the first meeting answered it) or over: nothing to answer
        with pytest.raises(ValidationError):
            services.match_respond(match=match, confirmed=True, actor=builder)
    elif status == MatchStatus.FIRST_MEETING:
        # planned: the meeting answers the request, and the page offers its outcome instead
        assert steps.first_meeting_outcome
    else:
        assert answered
    # and whether the citizen came is offered exactly when the service records it
    fresh = Match.objects.get(pk=match.pk)
    if steps.first_meeting_outcome:
        services.match_record_first_meeting(match=fresh, came=True, actor=builder)
    else:
        with pytest.raises(ValidationError):
            services.match_record_first_meeting(match=fresh, came=True, actor=builder)
