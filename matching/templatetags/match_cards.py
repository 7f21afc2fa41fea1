"""How a match shows wherever it is listed: whose answer it waits for, and its first meeting."""

from django import template

from matching.models import Match
from matching.presentation import match_awaiting as awaiting

register = template.Library()


@register.simple_tag
def match_awaiting(match: Match) -> str:
    """Whose answer the match waits for ("" when nobody's), beside its status wherever a match
    is shown: `{% match_awaiting m as awaiting %}`."""
    return awaiting(match)


@register.inclusion_tag("matching/_first_meeting.html")
def first_meeting(match: Match) -> dict:
    """When the citizen meets the offer or volunteer the first time, and who goes along: on the
    bridge-builder's matching page and the coordinator's requests alike. The page wraps it and
    shows it only when a first meeting is set."""
    return {"match": match}
