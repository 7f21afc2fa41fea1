"""What the matching page offers to do with each match, decided here by the rules the services
enforce (matching.services' match_* functions, MATCH_TRANSITIONS), so that the template only
shows the buttons of the steps offered and decides nothing."""

from dataclasses import dataclass, fields
from itertools import chain

from django.utils.translation import gettext as _

from accounts.models import User
from matching.constants import MATCH_TRANSITIONS, ProviderResponse
from matching.models import Match
from matching.selectors import ANSWERED_BY_THE_REQUEST
from matching.services.matches import first_meeting_outcome_open
from offers.constants import MatchStatus

# The steps of a match the page posts to matching:match_action, by the name in its address.
MATCH_ACTIONS = ("accept", "decline", "meeting", "came", "missed", "end")


@dataclass(frozen=True)
class MatchActions:
    """One flag per step (named as in MATCH_ACTIONS): whether the page offers it now."""

    # The citizen's answer to the proposal: yes (match_accept) or no (match_end, the citizen
    # said no). After it the no is a reason in the form that ends the match.
    accept: bool = False
    decline: bool = False
    # Plan the first meeting, or move it once planned (match_plan_first_meeting).
    meeting: bool = False
    # Whether the citizen came to the first meeting (match_record_first_meeting): from the
    # meeting's day.
    came: bool = False
    missed: bool = False
    # End the match (match_end).
    end: bool = False
    # A first meeting is planned already: the meeting step moves it.
    meeting_planned: bool = False

    @property
    def offered(self) -> set[str]:
        return {f.name for f in fields(self) if f.name in MATCH_ACTIONS and getattr(self, f.name)}


def match_actions(*, match: Match, user: User) -> MatchActions:
    """The steps the page offers for `match` to `user`: those the services would take now."""
    # The matching page's actions (matching/views/matching.py) require this permission.
    if not user.has_perm("matching.add_match"):
        return MatchActions()
    steps = MATCH_TRANSITIONS[match.status]
    answer = MatchStatus.ACCEPTED in steps
    meeting_planned = match.status == MatchStatus.FIRST_MEETING
    # match_record_first_meeting takes only a planned first meeting whose day has come.
    outcome = first_meeting_outcome_open(match)
    return MatchActions(
        accept=answer,
        decline=answer,
        meeting=MatchStatus.FIRST_MEETING in steps,
        came=outcome,
        missed=outcome,
        end=MatchStatus.ENDED in steps,
        meeting_planned=meeting_planned,
    )


@dataclass(frozen=True)
class ProviderActions:
    """What the coordinator's requests page offers the offer's or the volunteer's side: the
    actions of the section the match is in (matching.selectors.provider_request_section)."""

    # Confirm or decline the request (match_respond): a new request, not yet answered, whose
    # first meeting is not yet planned.
    respond: bool = False
    # Whether the citizen came to the first meeting (match_record_first_meeting): from the
    # meeting's day.
    first_meeting_outcome: bool = False


def provider_actions(*, match: Match) -> ProviderActions:
    """The steps the requests page offers for `match`: those the services would take now."""
    return ProviderActions(
        respond=match.provider_response == ProviderResponse.PENDING
        and match.status in ANSWERED_BY_THE_REQUEST,
        first_meeting_outcome=first_meeting_outcome_open(match),
    )


def provider_requests_mark_steps(sections: dict[str, list[Match]]) -> dict[str, list[Match]]:
    """Mark each match of the requests page's sections (matching.selectors.provider_requests)
    with the actions of its section (`steps`)."""
    for match in chain.from_iterable(sections.values()):
        match.steps = provider_actions(match=match)
    return sections


def match_awaiting(match: Match) -> str:
    """Whose answer the match waits for, in the reader's language ("" when nobody's): the
    citizen's to a proposal, the offer's coordinator's or the volunteer's to a request (until
    the first meeting is planned, which answers it)."""
    waiting = []
    if match.status == MatchStatus.PROPOSED:
        waiting.append(_("Awaiting the citizen's answer"))
    if (
        match.provider_response == ProviderResponse.PENDING
        and match.status in ANSWERED_BY_THE_REQUEST
    ):
        waiting.append(
            _("Awaiting the volunteer's answer")
            if match.volunteer_id
            else _("Awaiting the coordinator's answer")
        )
    return " · ".join(waiting)
