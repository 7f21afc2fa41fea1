"""Reads of offers and matches, each scoped to the person asking."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.constants import Role
from accounts.models import User
from offers.constants import MatchStatus
from offers.models import Match, Offer
from referrals.selectors import cases_visible_to, user_team_ids


def offers_managed_by(*, user: User) -> QuerySet[Offer]:
    """A coordinator manages the offers their teams coordinate and their organisations run."""
    if not (user.is_authenticated and user.has_perm("offers.change_offer")):
        return Offer.objects.none()
    if user.is_superuser or user.has_role(Role.ADMIN):
        return Offer.objects.all()
    team_ids = user_team_ids(user)
    return Offer.objects.filter(
        Q(team_id__in=team_ids) | Q(organisation__teams__id__in=team_ids)
    ).distinct()


def offer_managed_get(*, user: User, offer_id) -> Offer:
    try:
        return offers_managed_by(user=user).select_related("organisation", "team").get(pk=offer_id)
    except (Offer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def matches_for_provider(*, user: User) -> QuerySet[Match]:
    """The requests and matches for the offers and volunteers the coordinator manages."""
    if not (user.is_authenticated and user.has_role(Role.COORDINATOR)):
        return Match.objects.none()
    from volunteers.selectors import volunteers_managed_by

    return Match.objects.filter(
        Q(offer__in=offers_managed_by(user=user).values("pk"))
        | Q(volunteer__in=volunteers_managed_by(user=user).values("pk"))
    )


def matches_of_case(*, user: User, case) -> QuerySet[Match]:
    if not cases_visible_to(user=user).filter(pk=case.pk).exists():
        return Match.objects.none()
    return (
        Match.objects.filter(case=case)
        .select_related("offer__organisation", "volunteer")
        .order_by("-created_at")
    )


def provider_match_get(*, user: User, match_id) -> Match:
    try:
        return (
            matches_for_provider(user=user)
            .select_related("citizen", "offer", "volunteer", "case__assignee")
            .get(pk=match_id)
        )
    except (Match.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def open_matches_of_offer(*, offer: Offer) -> QuerySet[Match]:
    return Match.objects.filter(
        offer=offer, status__in=[MatchStatus.FIRST_MEETING, MatchStatus.ACTIVE]
    ).select_related("citizen")
