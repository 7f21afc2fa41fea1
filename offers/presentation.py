"""What the matching page offers to do with each match, decided here by the rules the services
enforce (offers/services.py's match_* functions, MATCH_TRANSITIONS), so that the template only
shows the buttons of the steps offered and decides nothing."""

from dataclasses import dataclass, fields

from accounts.models import User
from offers.constants import MATCH_TRANSITIONS, MatchStatus, OfferStatus, ProviderResponse
from offers.models import Match, Offer
from offers.services.offers import OFFER_STATUS_STEPS

# The steps of a match the page posts to offers:match_action, by the name in its address.
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
    # Whether the citizen came to the first meeting (match_record_first_meeting).
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
    # The matching page's actions (offers/views/matching.py) require this permission.
    if not user.has_perm("offers.add_match"):
        return MatchActions()
    steps = MATCH_TRANSITIONS[match.status]
    answer = MatchStatus.ACCEPTED in steps
    meeting_planned = match.status == MatchStatus.FIRST_MEETING
    return MatchActions(
        accept=answer,
        decline=answer,
        meeting=MatchStatus.FIRST_MEETING in steps,
        # match_record_first_meeting takes only a match whose first meeting is planned.
        came=meeting_planned,
        missed=meeting_planned,
        end=MatchStatus.ENDED in steps,
        meeting_planned=meeting_planned,
    )


@dataclass(frozen=True)
class ProviderActions:
    """What the coordinator's requests page offers the offer's or the volunteer's side."""

    # Confirm or decline the request (match_respond): while no answer is given and the citizen
    # has not yet come to the first meeting (nor the match ended).
    respond: bool = False
    # Whether the citizen came to the first meeting (match_record_first_meeting).
    first_meeting_outcome: bool = False


def provider_actions(*, match: Match) -> ProviderActions:
    """The steps the requests page offers for `match`: those the services would take now."""
    return ProviderActions(
        respond=match.provider_response == ProviderResponse.PENDING
        and match.status not in (MatchStatus.ACTIVE, MatchStatus.ENDED),
        first_meeting_outcome=match.status == MatchStatus.FIRST_MEETING,
    )


@dataclass(frozen=True)
class OfferStatusSteps:
    """The status steps the offer's page offers: those offer_set_status takes from here."""

    pause: bool = False
    activate: bool = False
    archive: bool = False


def offer_status_steps(*, offer: Offer) -> OfferStatusSteps:
    steps = OFFER_STATUS_STEPS.get(offer.status, set())
    return OfferStatusSteps(
        pause=OfferStatus.PAUSED in steps,
        activate=OfferStatus.ACTIVE in steps,
        archive=OfferStatus.ARCHIVED in steps,
    )
