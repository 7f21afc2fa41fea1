"""What closing a case asks of its matches: "in a lasting community" names a community beyond the
bridge-builder's own, and the matches end with the course unless they are handed over. Both run
inside referrals.services.case_close, which calls them through the hooks MatchingConfig.ready
hands in (referrals builds below matching and does not import it)."""

import re

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

from accounts.models import User
from matching.models import Match
from matching.services.matches import match_end
from offers.constants import BRIDGE_BUILDER_HOSTED_KINDS, MatchEndReason, MatchStatus
from offers.models import Offer
from referrals.constants import CloseReason


def _digits(phone: str) -> str:
    """The last eight digits: the same Danish number however it is written (+45, spaces)."""
    return re.sub(r"\D", "", phone or "")[-8:]


def offer_hosted_by(offer: Offer, user: User | None) -> bool:
    """A community the person hosts themself: the offer names them as its host or contact (by
    name, e-mail or phone), or it is a network café or practice community of one of their
    teams."""
    if user is None:
        return False
    email = (user.email or "").strip().casefold()
    if email and email == (offer.contact_email or "").strip().casefold():
        return True
    phone = _digits(getattr(user, "phone", ""))
    if len(phone) == 8 and phone in {_digits(offer.host_phone), _digits(offer.contact_phone)}:
        return True
    name = user.get_full_name().strip().casefold()
    if name and name == (offer.host_name or "").strip().casefold():
        return True
    return bool(
        offer.team_id
        and set(offer.activity_kinds or []) & BRIDGE_BUILDER_HOSTED_KINDS
        and user.memberships.filter(team_id=offer.team_id).exists()
    )


def case_close_lasting_community_check(*, case, reason: str, actor: User) -> None:
    """ "In a lasting community" means a community beyond the bridge-builder's own (seed 002's
    exit criteria): refused when every community the citizen is matched with is one the
    bridge-builder hosts. A citizen matched with no offer may have found their community
    elsewhere; that is not refused."""
    if reason != CloseReason.LASTING_COMMUNITY:
        return
    communities = [
        match.offer
        for match in Match.objects.filter(case_id=case.pk, offer__isnull=False)
        .filter(~Q(status=MatchStatus.ENDED) | Q(end_reason=MatchEndReason.LASTING))
        .select_related("offer")
        .order_by("created_at")
    ]
    if not communities:
        return
    bridge_builders = [person for person in (case.assignee, actor) if person is not None]
    own = [
        offer
        for offer in communities
        if any(offer_hosted_by(offer, person) for person in bridge_builders)
    ]
    if len(own) < len(communities):
        return
    raise ValidationError(
        {
            "reason": _(
                "“In a lasting community” means a community beyond your own: %(offers)s is "
                "hosted by you or your team. Help the citizen on to another community first, "
                "or choose another reason."
            )
            % {"offers": ", ".join(f"«{offer.title}»" for offer in dict.fromkeys(own))}
        }
    )


# Why the matches end when the course ends: the case's reason, as far as a match can say it.
MATCH_END_REASON_ON_CLOSE = {
    CloseReason.LASTING_COMMUNITY: MatchEndReason.LASTING,
    CloseReason.DECLINED: MatchEndReason.CITIZEN_DECLINED,
    CloseReason.MOVED: MatchEndReason.MOVED,
}


def case_close_matches(*, case, actor: User, hand_over_to: User | None = None) -> None:
    """The case's open matches end with the course, each freeing its place (for the next on the
    offer's waiting list) and ending its tasks; handed over, they go on with the colleague, who
    now has the case. A case closed as continued in another record's case keeps them."""
    if hand_over_to is not None or case.close_reason == CloseReason.MERGED:
        return
    reason = MATCH_END_REASON_ON_CLOSE.get(case.close_reason, MatchEndReason.OTHER)
    for match in Match.objects.filter(case_id=case.pk).exclude(status=MatchStatus.ENDED):
        match_end(match=match, reason=reason, actor=actor)
