from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import Language, MembershipChangeKind, ReminderPreference, Role
from accounts.models import Membership, MembershipChange, Organisation, Team, User
from accounts.roles import STAFF_ROLES
from audit.constants import AuditAction
from audit.services import audit_record


def _validate_roles(roles: Iterable[str]) -> list[str]:
    roles = list(roles)
    unknown = sorted(set(roles) - set(Role.values))
    if unknown:
        raise ValidationError(
            {"roles": _("Unknown role: %(roles)s") % {"roles": ", ".join(unknown)}}
        )
    return roles


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    roles: Iterable[str] = (),
    preferred_language: str = "da",
    actor: User | None = None,
) -> User:
    roles = _validate_roles(roles)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("A user with this username already exists.")})
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        preferred_language=preferred_language,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=user)
    user_set_roles(user=user, roles=roles, actor=actor)
    return user


@transaction.atomic
def user_set_roles(*, user: User, roles: Iterable[str], actor: User | None = None) -> User:
    """Give the user exactly these roles. Holders of an admin role may use the Django admin."""
    roles = set(_validate_roles(roles))
    changed = []
    current = set(user.groups.filter(name__in=Role.values).values_list("name", flat=True))
    if current != roles:
        # Groups that are not roles (if an operator made any) are left as they are.
        others = list(user.groups.exclude(name__in=Role.values))
        user.groups.set([*others, *Group.objects.filter(name__in=roles)])
        changed.append("groups")
    is_staff = user.is_superuser or any(role in STAFF_ROLES for role in roles)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
        changed.append("is_staff")
    user.__dict__.pop("_roles_cache", None)
    if changed:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, fields=changed)
    return user


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


@transaction.atomic
def user_set_language(*, user: User, language: str) -> User:
    """Remember the language a person chose, so reminders and e-mails come in it too."""
    if language not in Language.values:
        raise ValidationError({"language": _("Unknown language.")})
    if user.preferred_language != language:
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        audit_record(actor=user, action=AuditAction.UPDATE, obj=user, fields=["preferred_language"])
    return user


@transaction.atomic
def user_deactivate(*, user: User, actor: User | None = None) -> User:
    """Stop a person signing in; their history (cases, audit trail) stays theirs."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, fields=["is_active"])
    return user


@transaction.atomic
def user_set_reminder_preferences(
    *, user: User, preference: str, sms: bool, phone: str, actor: User | None = None
) -> User:
    """How the person wants their follow-up reminders: one per task or a daily digest, and
    whether by SMS too."""
    phone = (phone or "").strip()
    errors = {}
    if preference not in ReminderPreference.values:
        errors["reminder_preference"] = [_("Choose how you want your reminders.")]
    if sms and not phone:
        errors["phone"] = [_("Give a mobile phone for reminders by SMS.")]
    if errors:
        raise ValidationError(errors)
    values = {"reminder_preference": preference, "reminder_sms": sms, "phone": phone}
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, values[name])
        user.save(update_fields=changed)
        audit_record(actor=actor or user, action=AuditAction.UPDATE, obj=user, fields=changed)
    return user


# --- Two-factor sign-in (TOTP) ------------------------------------------------------------------


@dataclass(frozen=True)
class TwoFactorResult:
    verified: bool
    # When too many wrong codes were given: the moment another try is allowed.
    locked_until: datetime | None = None


def _clean_token(token: str) -> str:
    return "".join(str(token or "").split())


@transaction.atomic
def two_factor_enrolment_start(*, user: User) -> TOTPDevice:
    """The not yet confirmed authenticator whose key the set-up page shows.

    The same key is shown until the user confirms it with a code, so reloading the page does
    not invalidate a QR code the person has already scanned.
    """
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(
            {"token": _("Two-factor sign-in is already set up. An administrator can reset it.")}
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Brobyg", confirmed=False)
    return device


def _verify(*, user: User, device: TOTPDevice, token: str) -> TwoFactorResult:
    # TOTPDevice.verify_token counts failures on the device itself (exponential back-off), and
    # refuses a code that was used before: a code seen over someone's shoulder is worthless.
    allowed, info = device.verify_is_allowed()
    if not allowed:
        return TwoFactorResult(verified=False, locked_until=(info or {}).get("locked_until"))
    return TwoFactorResult(verified=device.verify_token(_clean_token(token)))


def two_factor_enrolment_confirm(
    *, user: User, token: str, request: HttpRequest | None = None
) -> TwoFactorResult:
    """Confirm the new authenticator with its first code; the sign-in is then verified too.

    Not one transaction on purpose: a wrong code's failure count must be kept, not rolled back.
    """
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("id")
            .first()
        )
        if device is None:
            raise ValidationError({"token": _("Start the set-up again.")})
        result = _verify(user=user, device=device, token=token)
        if result.verified:
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(
                actor=user, action=AuditAction.TWO_FACTOR_ENROLLED, obj=user, request=request
            )
        else:
            audit_record(
                actor=user, action=AuditAction.TWO_FACTOR_FAILED, obj=user, request=request
            )
    if result.verified and request is not None:
        otp_login(request, device)
    return result


def two_factor_verify(
    *, user: User, token: str, request: HttpRequest | None = None
) -> TwoFactorResult:
    """Check the code from the user's authenticator; on success the session is verified."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("id")
            .first()
        )
        if device is None:
            raise ValidationError({"token": _("Set up two-factor sign-in first.")})
        result = _verify(user=user, device=device, token=token)
        audit_record(
            actor=user,
            action=AuditAction.TWO_FACTOR_VERIFIED
            if result.verified
            else AuditAction.TWO_FACTOR_FAILED,
            obj=user,
            request=request,
        )
    if result.verified and request is not None:
        otp_login(request, device)
    return result


@transaction.atomic
def two_factor_reset(*, user: User, actor: User | None, request: HttpRequest | None = None) -> int:
    """Remove the user's authenticators (a lost phone); they set up a new one at next sign-in."""
    deleted, _counts = TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action=AuditAction.TWO_FACTOR_RESET, obj=user, request=request)
    return deleted


@transaction.atomic
def user_set_two_factor_exempt(*, user: User, exempt: bool, actor: User | None) -> User:
    """Mark an account as a shared tablet account that signs in without a second factor."""
    if exempt and user.has_role(Role.ADMIN):
        raise ValidationError(
            {"two_factor_exempt": _("An administrator always signs in with two factors.")}
        )
    if user.two_factor_exempt != exempt:
        user.two_factor_exempt = exempt
        user.save(update_fields=["two_factor_exempt"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=user, fields=["two_factor_exempt"])
    return user
