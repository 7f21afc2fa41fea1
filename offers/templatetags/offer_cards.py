"""Parts of an offer's or a match's card that several pages show alike, made in one place:
`{% load offer_cards %}`."""

from django import template

from offers.constants import ActivityKind
from offers.models import Match, Offer
from offers.presentation import match_awaiting as awaiting

register = template.Library()


@register.inclusion_tag("offers/_offer_badges.html")
def offer_badges(offer: Offer) -> dict:
    """The badges under an offer's title in the directory's list and on the offer's page: its
    strategy, its kinds of activity (known ones, in the reader's language) and, for staff who
    see internal offers, that it is not shown to the public."""
    labels = dict(ActivityKind.choices)
    return {
        "offer": offer,
        "activity_labels": [labels[kind] for kind in offer.activity_kinds if kind in labels],
    }


@register.simple_tag
def match_awaiting(match: Match) -> str:
    """Whose answer the match waits for ("" when nobody's), beside its status wherever a match
    is shown: `{% match_awaiting m as awaiting %}`."""
    return awaiting(match)


@register.inclusion_tag("offers/_first_meeting.html")
def first_meeting(match: Match) -> dict:
    """When the citizen meets the offer or volunteer the first time, and who goes along: on the
    bridge-builder's matching page and the coordinator's requests alike. The page wraps it and
    shows it only when a first meeting is set."""
    return {"match": match}
