"""Organisations and teams, and who is on a team: every change to a membership is kept with its
reason."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy

from accounts.constants import MembershipChangeKind
from accounts.models import Membership, MembershipChange, Organisation, Team, User
from audit.constants import AuditAction
from audit.services import audit_record


@transaction.atomic
def organisation_create(
    *, name: str, kind: str, actor: User | None = None, **fields
) -> Organisation:
    organisation = Organisation(name=name, kind=kind, **fields)
    organisation.full_clean()
    organisation.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=organisation)
    return organisation


@transaction.atomic
def team_create(
    *, organisation: Organisation, name: str, kind: str, email: str = "", actor: User | None = None
) -> Team:
    team = Team(organisation=organisation, name=name, kind=kind, email=email)
    team.full_clean()
    team.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=team)
    return team


def _is_self(actor: User | None, user: User) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False) and actor.pk == user.pk


def membership_reason_required(
    *, user: User, is_lead: bool, actor: User | None, current: Membership | None
) -> bool:
    """Whether this change needs a reason: when people widen their own access (join a team,
    or make themselves its lead). A membership opens the team's citizens, so nobody gives it to
    themselves unexplained; the data-protection officer reads the reason."""
    if not _is_self(actor, user):
        return False
    return current is None or (is_lead and not current.is_lead)


SELF_GRANT_REASON_MISSING = gettext_lazy(
    "You are giving yourself access to this team's citizens. Write why (the data-protection "
    "officer sees it), or ask a colleague to add you."
)


def _membership_change(
    *, kind: str, membership: Membership, actor: User | None, reason: str = ""
) -> MembershipChange:
    return MembershipChange.objects.create(
        kind=kind,
        team_id=membership.team_id,
        user_id=membership.user_id,
        is_lead=membership.is_lead,
        actor=actor if actor is not None and actor.is_authenticated else None,
        self_granted=_is_self(actor, membership.user)
        and kind in (MembershipChangeKind.ADDED, MembershipChangeKind.LEAD_GIVEN),
        reason=reason,
    )


@transaction.atomic
def team_add_member(
    *,
    team: Team,
    user: User,
    is_lead: bool = False,
    reason: str = "",
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> Membership:
    """Add the user to the team, or change whether they lead it if they are already in it.

    Every change is kept as a MembershipChange and in the audit trail. Someone who adds
    themself (or makes themself lead) must say why.
    """
    reason = (reason or "").strip()
    current = Membership.objects.select_for_update().filter(team=team, user=user).first()
    if not reason and membership_reason_required(
        user=user, is_lead=is_lead, actor=actor, current=current
    ):
        raise ValidationError({"reason": SELF_GRANT_REASON_MISSING})
    if current is None:
        membership = Membership.objects.create(
            team=team,
            user=user,
            is_lead=is_lead,
            granted_by=actor if actor is not None and actor.is_authenticated else None,
            reason=reason,
        )
        audit_record(actor=actor, action=AuditAction.CREATE, obj=membership, request=request)
        _membership_change(
            kind=MembershipChangeKind.ADDED, membership=membership, actor=actor, reason=reason
        )
        return membership
    membership = current
    if membership.is_lead != is_lead:
        membership.is_lead = is_lead
        membership.save(update_fields=["is_lead", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=membership,
            fields=["is_lead"],
            request=request,
        )
        _membership_change(
            kind=MembershipChangeKind.LEAD_GIVEN if is_lead else MembershipChangeKind.LEAD_TAKEN,
            membership=membership,
            actor=actor,
            reason=reason,
        )
    return membership


@transaction.atomic
def team_remove_member(
    *, team: Team, user: User, actor: User | None = None, request: HttpRequest | None = None
) -> None:
    membership = Membership.objects.select_for_update().filter(team=team, user=user).first()
    if membership is None:
        return
    audit_record(actor=actor, action=AuditAction.DELETE, obj=membership, request=request)
    _membership_change(kind=MembershipChangeKind.REMOVED, membership=membership, actor=actor)
    membership.delete()
