"""Offers the HSDS import held for review, who finds them, and how a coordinator takes one on.

An offer the import creates is held (OfferStatus.FOR_REVIEW, why in Offer.review_reasons) when
no coordinating team keeps it up to date (the import was given none, and its organisation has
no coordinating team of its own), or when the service names no place and does not say that it
is by phone or online. Held, it is in no directory, no export and no matching: nobody vouches for
it yet, and a place-less service would otherwise reach every citizen as if by phone.

Coordinators and admins find held offers with offers_held_for_review. One of a team that keeps
it makes it active from the offer's page (offer_set_status, which takes it out of review only
once it has a team); one without takes it on for their own team with offer_review_release.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.constants import Role
from accounts.models import Team, User
from accounts.selectors import user_team_ids
from audit.constants import AuditAction
from audit.services import audit_record
from offers.constants import OfferStatus
from offers.models import Offer
from offers.services import offer_set_status

NO_TEAM = "no_team"
NO_PLACE = "no_place"

# Why an offer is held, by the code kept in Offer.review_reasons, in the order they are shown.
HELD_BECAUSE = {
    NO_TEAM: gettext_lazy("No coordinating team keeps it up to date: choose one."),
    NO_PLACE: gettext_lazy(
        "No place is given, and the service does not say it is by phone or online: give the "
        "address, or check that it is by phone or online."
    ),
}


def review_reason_texts(offer: Offer) -> list[str]:
    """Why the offer is held, in the reader's language."""
    return [str(HELD_BECAUSE[code]) for code in offer.review_reasons if code in HELD_BECAUSE]


def _is_admin(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.ADMIN)


def offers_held_for_review(*, user: User) -> QuerySet[Offer]:
    """The held offers the user may take on or make active: an admin sees every one; a
    coordinator those of their teams and organisations, and those no team keeps yet."""
    if not (user.is_authenticated and user.has_perm("offers.change_offer")):
        return Offer.objects.none()
    held = Offer.objects.filter(status=OfferStatus.FOR_REVIEW)
    if not _is_admin(user):
        team_ids = user_team_ids(user)
        held = held.filter(
            Q(team__isnull=True) | Q(team_id__in=team_ids) | Q(organisation__teams__id__in=team_ids)
        ).distinct()
    return held.select_related("organisation", "team").order_by("created_at", "title", "pk")


def offers_held() -> QuerySet[Offer]:
    """Every held offer, for the operator at the command line (manage.py hsds_review)."""
    return (
        Offer.objects.filter(status=OfferStatus.FOR_REVIEW)
        .select_related("organisation", "team")
        .order_by("created_at", "title", "pk")
    )


def offer_held_get(*, user: User, offer_id) -> Offer:
    try:
        return offers_held_for_review(user=user).get(pk=offer_id)
    except (Offer.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None


@transaction.atomic
def offer_hold_for_review(*, offer: Offer, reasons: list[str], actor: User | None) -> Offer:
    """Hold the offer out of the directory, the export and matching, saying why, until a
    coordinator has looked at it."""
    reasons = [code for code in HELD_BECAUSE if code in reasons]
    offer = offer_set_status(offer=offer, status=OfferStatus.FOR_REVIEW, actor=actor)
    if offer.review_reasons != reasons:
        offer.review_reasons = reasons
        offer.save(update_fields=["review_reasons", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=["review_reasons"])
    return offer


@transaction.atomic
def offer_review_assign_team(*, offer: Offer, team: Team, actor: User | None) -> Offer:
    """Give a held offer the coordinating team that will keep it up to date. It stays held:
    one of the team makes it active when they have looked at it."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != OfferStatus.FOR_REVIEW:
        raise ValidationError({"status": _("The offer is not held for review.")})
    if offer.team_id == team.pk:
        return offer
    offer.team = team
    offer.review_reasons = [code for code in offer.review_reasons if code != NO_TEAM]
    offer.save(update_fields=["team", "review_reasons", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=["team"])
    return offer


@transaction.atomic
def offer_review_release(*, offer: Offer, team: Team, actor: User | None) -> Offer:
    """A coordinator takes a held offer on for their team and makes it active: from now on it
    is in the directory and in matching, and the team keeps it up to date. `actor` None is the
    operator at the command line."""
    if actor is not None:
        if not offers_held_for_review(user=actor).filter(pk=offer.pk).exists():
            raise PermissionDenied
        if not (_is_admin(actor) or team.pk in user_team_ids(actor)):
            raise PermissionDenied
    offer = offer_review_assign_team(offer=offer, team=team, actor=actor)
    return offer_set_status(offer=offer, status=OfferStatus.ACTIVE, actor=actor)
