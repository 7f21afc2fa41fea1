from django.db import models
from django.utils.translation import gettext_lazy as _

# A match's steps, why one ended and the kinds of suggestion are defined in referrals (the case's
# timeline says them too); the open steps in offers (an offer's free places count them).
from offers.constants import OPEN_MATCH_STATUSES as OPEN_MATCH_STATUSES
from referrals.constants import MatchEndReason as MatchEndReason
from referrals.constants import MatchStatus as MatchStatus
from referrals.constants import SuggestionKind as SuggestionKind

MATCH_TRANSITIONS = {
    MatchStatus.PROPOSED: {MatchStatus.ACCEPTED, MatchStatus.ENDED},
    MatchStatus.ACCEPTED: {MatchStatus.FIRST_MEETING, MatchStatus.ENDED},
    MatchStatus.FIRST_MEETING: {MatchStatus.ACTIVE, MatchStatus.FIRST_MEETING, MatchStatus.ENDED},
    MatchStatus.ACTIVE: {MatchStatus.ENDED},
    MatchStatus.ENDED: set(),
}


class ProviderResponse(models.TextChoices):
    PENDING = "pending", _("Awaiting an answer")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
