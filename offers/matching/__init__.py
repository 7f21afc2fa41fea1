"""Suggestions: for one citizen, offers, volunteers and other citizens ranked with reasons.

Hard needs are filters; everything else is a weighted score between 0 and 100 whose parts
become sentences a bridge-builder can read ("2,1 km fra hjemmet", "fælles interesse:
havearbejde"). The database narrows the candidates (active, places left, nearby postcodes,
wheelchair/transport); the ranking runs over those rows in Python, which keeps the rules in one
readable place.

scoring.py holds what the rankings share; offers.py, volunteers.py and citizens.py rank one kind
each; suggestions.py puts them together.
"""

from offers.matching.scoring import CANDIDATE_LIMIT, PRESELECT, Suggestion
from offers.matching.suggestions import companions_read, suggestions_for, suggestions_ranked

__all__ = [
    "CANDIDATE_LIMIT",
    "PRESELECT",
    "Suggestion",
    "companions_read",
    "suggestions_for",
    "suggestions_ranked",
]
