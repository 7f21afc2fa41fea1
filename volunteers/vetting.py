"""When a volunteer's certificate (straffeattest, børneattest) counts as valid: one rule, as a
Python test and as a database filter, for the volunteer's page, the matching's ranking and its
database preselection, and proposing a match for a home visit.

A certificate is valid once it was seen and until the end of its renewal day: on the day it is
due for renewal it is still in order, the day after it is not.
"""

from datetime import date

from django.db.models import Q


def vetting_valid_on(*, seen: date | None, renewal_due: date | None, on: date) -> bool:
    return bool(seen and renewal_due and renewal_due >= on)


def vetting_valid_q(on: date, prefix: str = "") -> Q:
    """The same rule as a filter; `prefix` for a volunteer reached through a relation
    (e.g. "volunteer__")."""
    return Q(**{f"{prefix}vetting_seen_on__isnull": False, f"{prefix}vetting_renewal_due__gte": on})
