"""When a volunteer's certificate (straffeattest, børneattest) counts as valid: one rule, as a
Python test and as a database filter, for the volunteer's page, the matching's ranking and its
database preselection, and proposing a match for a home visit.

A certificate is valid once it was seen and until the end of its renewal day: on the day it is
due for renewal it is still in order, the day after it is not.

It is needed wherever a volunteer comes into a private home: on a home visit (a visiting friend,
a meal friend), and going along with the citizen (a companion) to an offer held in a private
home. The same holds for a match already under way: from BROBYG_VETTING_WARN_DAYS before the
certificate runs out, the match is marked on the case page and the volunteer's page, and the
daily reminder (volunteers/tasks.py) asks the coordinator to renew it and, once it has run out,
the bridge-builder to hold the visits until it is.
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext as _

from referrals.constants import MatchStatus
from volunteers.constants import HOME_VISIT_ROLES, VolunteerRole

# A match under way: the citizen said yes, the first meeting is planned, or they meet.
RUNNING_MATCH_STATUSES = [MatchStatus.ACCEPTED, MatchStatus.FIRST_MEETING, MatchStatus.ACTIVE]


def vetting_valid_on(*, seen: date | None, renewal_due: date | None, on: date) -> bool:
    return bool(seen and renewal_due and renewal_due >= on)


def vetting_valid_q(on: date, prefix: str = "") -> Q:
    """The same rule as a filter; `prefix` for a volunteer reached through a relation
    (e.g. "volunteer__")."""
    return Q(**{f"{prefix}vetting_seen_on__isnull": False, f"{prefix}vetting_renewal_due__gte": on})


def vetting_needed(*, role: str, to_private_home: bool = False) -> bool:
    """Whether a volunteer in `role` comes into a private home: on a home visit, or as a
    companion going along to an offer held in a private home (`to_private_home`)."""
    return role in HOME_VISIT_ROLES or (role == VolunteerRole.COMPANION and to_private_home)


def vetting_needed_q(*, to_private_home, role_field: str = "volunteer_role") -> Q:
    """The same as a filter over matches: `to_private_home` is a boolean expression over the row
    (an Exists: the match's citizen goes to an offer held in a private home)."""
    return Q(**{f"{role_field}__in": sorted(HOME_VISIT_ROLES)}) | (
        Q(**{role_field: VolunteerRole.COMPANION}) & to_private_home
    )


def vetting_expires_on(renewal_due: date) -> date:
    """The first day the certificate is no longer in order."""
    return renewal_due + timedelta(days=1)


def vetting_warn_until(on: date) -> date:
    """A certificate due for renewal on or before this day is about to run out (or has)."""
    return on + timedelta(days=settings.BROBYG_VETTING_WARN_DAYS)


def vetting_warning_q(on: date, prefix: str = "") -> Q:
    """Volunteers whose certificate is missing, has run out, or runs out within
    BROBYG_VETTING_WARN_DAYS of `on`: the filter for vetting_warning_on."""
    return (
        Q(**{f"{prefix}vetting_seen_on__isnull": True})
        | Q(**{f"{prefix}vetting_renewal_due__isnull": True})
        | Q(**{f"{prefix}vetting_renewal_due__lte": vetting_warn_until(on)})
    )


@dataclass(frozen=True)
class VettingWarning:
    """What is wrong with a certificate a match needs: `missing`, `expired` (on `expires_on`)
    or `expiring` (on `expires_on`)."""

    state: str
    expires_on: date | None = None

    @property
    def expired(self) -> bool:
        return self.state in ("missing", "expired")

    @property
    def message(self) -> str:
        """The sentence, in the reader's language, with the date as the reader writes dates."""
        if self.state == "missing":
            return _("No valid certificate – get one before the next visit.")
        when = formats.date_format(self.expires_on, "SHORT_DATE_FORMAT")
        if self.state == "expired":
            return _("Certificate expired on {date} – renew it before the next visit.").format(
                date=when
            )
        return _("Certificate expires on {date} – renew it before then.").format(date=when)

    def __str__(self) -> str:
        return self.message


def vetting_warning_on(
    *, seen: date | None, renewal_due: date | None, on: date
) -> VettingWarning | None:
    """None while the certificate stays in order for more than BROBYG_VETTING_WARN_DAYS after
    `on`; else what is wrong with it."""
    if not (seen and renewal_due):
        return VettingWarning("missing")
    if renewal_due > vetting_warn_until(on):
        return None
    state = "expiring" if vetting_valid_on(seen=seen, renewal_due=renewal_due, on=on) else "expired"
    return VettingWarning(state, vetting_expires_on(renewal_due))
