"""All suggestions for one citizen, and the read of the companions a person was shown."""

from audit.services import audit_read_many
from matching.ranking.citizens import _rank_citizens
from matching.ranking.offers import _rank_offers
from matching.ranking.scoring import Suggestion, _context, _nearby_postcodes
from matching.ranking.volunteers import _rank_volunteers
from offers.constants import SuggestionKind
from referrals.models import Citizen


def suggestions_for(*, citizen: Citizen, visible_citizens=None) -> dict[str, list[Suggestion]]:
    """Ranked offers, volunteers and like-minded citizens for one citizen, each with reasons.

    `visible_citizens` is the caller's scope for other citizens (None: no citizens)."""
    ctx = _context(citizen)
    nearby = _nearby_postcodes(ctx)
    return {
        SuggestionKind.OFFER: _rank_offers(ctx, nearby),
        SuggestionKind.VOLUNTEER: _rank_volunteers(ctx, nearby),
        SuggestionKind.CITIZEN: _rank_citizens(ctx, nearby, visible_citizens),
    }


def companions_read(*, actor, suggestions: list[Suggestion], request=None) -> None:
    """Showing another citizen as a possible companion shows their name, age and wishes: a read
    of their record, logged under each of them."""
    audit_read_many(
        actor=actor,
        objs=[Citizen(pk=s.id) for s in suggestions if s.kind == SuggestionKind.CITIZEN],
        request=request,
    )


def suggestions_ranked(groups: dict[str, list[Suggestion]]) -> list[Suggestion]:
    """The groups as one list, best first (the API's shape)."""
    return sorted(
        (s for group in groups.values() for s in group),
        key=lambda s: (-s.score, s.kind, str(s.title)),
    )


def suggestions_of_kind(
    *, citizen: Citizen, visible_citizens=None, kind: str = ""
) -> list[Suggestion]:
    """All suggestions for `citizen`, or those of one kind, best first."""
    groups = suggestions_for(citizen=citizen, visible_citizens=visible_citizens)
    return suggestions_ranked({kind: groups[kind]} if kind else groups)
