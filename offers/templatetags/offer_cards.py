"""Parts of an offer's or a match's card that several pages show alike, made in one place:
`{% load offer_cards %}`."""

from django import template

from offers.constants import ActivityKind
from offers.models import Offer

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
