"""Suggestions: for one citizen, offers, volunteers and other citizens ranked with reasons.

Hard limits are filters (a wheelchair, contact by phone only for a citizen who would take part so,
an offer in season); everything else is a score between 0 and 100 made of parts (the citizen's
own words, interests, distance, time, target group, age, places, and the barriers a person can
solve) whose values become sentences a bridge-builder can read ("2,1 km fra hjemmet", "fælles
interesse: havearbejde", "mangler transport: aftal et lift") and a list of what the score is made
of. The database narrows the candidates and scores them with the same parts (parts.py, each
written once as SQL and once in Python, side by side); the ranking runs over the best rows in
Python, which writes the reasons.

scoring.py holds what the rankings share; parts.py the parts of an offer's score; stems.py reads
the citizen's words; groups.py the target groups the citizen is in; offers.py, volunteers.py and
citizens.py rank one kind each; suggestions.py puts them together.
"""

from matching.ranking.scoring import CANDIDATE_LIMIT, PRESELECT, Suggestion
from matching.ranking.suggestions import companions_read, suggestions_for, suggestions_ranked

__all__ = [
    "CANDIDATE_LIMIT",
    "PRESELECT",
    "Suggestion",
    "companions_read",
    "suggestions_for",
    "suggestions_ranked",
]
