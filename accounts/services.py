import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import (
    ApiScope,
    ApiTokenKind,
    Language,
    MembershipChangeKind,
    ReminderPreference,
    Role,
)
from accounts.models import (
    ApiToken,
    Membership,
    MembershipChange,
    Organisation,
    Team,
    TwoFactorEnrolment,
    User,
)
from accounts.roles import STAFF_ROLES
from accounts.selectors import (
    api_token_key_hash,
    api_token_session_fingerprint,
    user_requires_two_factor,
    user_two_factor_device,
)
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


# The set-up code an administrator gives: 12 characters that cannot be mistaken for each other
# when read out (no 0/O, 1/I), about 60 bits.
SET_UP_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
SET_UP_CODE_LENGTH = 12
SET_UP_CODE_MAX_WRONG = 5


def _set_up_code_normalise(code: str) -> str:
    return "".join(ch for ch in str(code or "").upper() if ch.isalnum())


def set_up_code_hash(code: str) -> str:
    return hashlib.sha256(_set_up_code_normalise(code).encode()).hexdigest()


def set_up_code_format(code: str) -> str:
    """The code in groups of four, as it is shown and read out: ABCD-EFGH-JKLM."""
    code = _set_up_code_normalise(code)
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@dataclass(frozen=True)
class IssuedSetUpCode:
    enrolment: TwoFactorEnrolment
    # Shown once, to the administrator who issued it; only its hash is kept.
    code: str


@transaction.atomic
def two_factor_code_issue(
    *, user: User, actor: User | None, request: HttpRequest | None = None
) -> IssuedSetUpCode:
    """A one-time code with which the person may set up their authenticator app.

    Any earlier unused code of the person stops working. Refused for someone who has an
    authenticator already (reset it first), for a shared tablet account and for a
    deactivated account.
    """
    if not user.is_active:
        raise ValidationError(_("%(user)s is deactivated.") % {"user": user.username})
    if user.two_factor_exempt:
        raise ValidationError(
            _("%(user)s is a shared tablet account and signs in without two-factor.")
            % {"user": user.username}
        )
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValidationError(
            _("%(user)s has an authenticator already. Reset two-factor sign-in first.")
            % {"user": user.username}
        )
    now = timezone.now()
    TwoFactorEnrolment.objects.filter(user=user, used_at=None, revoked_at=None).update(
        revoked_at=now
    )
    code = "".join(secrets.choice(SET_UP_CODE_ALPHABET) for _i in range(SET_UP_CODE_LENGTH))
    enrolment = TwoFactorEnrolment.objects.create(
        user=user,
        code_hash=set_up_code_hash(code),
        issued_by=actor if actor is not None and actor.is_authenticated else None,
        expires_at=now + timedelta(hours=settings.BROBYG_TWO_FACTOR_CODE_HOURS),
    )
    audit_record(actor=actor, action=AuditAction.TWO_FACTOR_CODE_ISSUED, obj=user, request=request)
    return IssuedSetUpCode(enrolment=enrolment, code=set_up_code_format(code))


def _open_set_up_codes(user: User):
    return TwoFactorEnrolment.objects.filter(
        user=user, used_at=None, revoked_at=None, expires_at__gt=timezone.now()
    )


def two_factor_code_check(*, user: User, code: str) -> TwoFactorEnrolment:
    """The person's open set-up code that matches `code`.

    A wrong code counts against the person's open code; after a few, it stops working and an
    administrator must issue a new one. Not one transaction on purpose: the count is kept.
    """
    with transaction.atomic():
        open_codes = list(_open_set_up_codes(user).select_for_update())
        if not open_codes:
            raise ValidationError(
                {"code": _("You have no valid set-up code. Ask your administrator for a new one.")}
            )
        wanted = set_up_code_hash(code)
        for enrolment in open_codes:
            if secrets.compare_digest(enrolment.code_hash, wanted):
                return enrolment
        for enrolment in open_codes:
            enrolment.failed_attempts += 1
            if enrolment.failed_attempts >= SET_UP_CODE_MAX_WRONG:
                enrolment.revoked_at = timezone.now()
            enrolment.save(update_fields=["failed_attempts", "revoked_at", "updated_at"])
        audit_record(actor=user, action=AuditAction.TWO_FACTOR_FAILED, obj=user)
    if any(e.revoked_at for e in open_codes):
        raise ValidationError(
            {"code": _("Too many wrong set-up codes. Ask your administrator for a new one.")}
        )
    raise ValidationError({"code": _("The set-up code is not right. Check it and try again.")})


def two_factor_code_valid(*, user: User, enrolment_id) -> bool:
    """Whether this set-up code (accepted earlier in the sign-in) still lets the person set up."""
    return bool(enrolment_id) and _open_set_up_codes(user).filter(pk=enrolment_id).exists()


@transaction.atomic
def two_factor_enrolment_start(*, user: User) -> TOTPDevice:
    """The not yet confirmed authenticator whose key the set-up page shows.

    The same key is shown until the user confirms it with a code, so reloading the page does
    not invalidate a QR code the person has already scanned. The caller has checked the
    person's set-up code.
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
    *, user: User, token: str, enrolment_id=None, request: HttpRequest | None = None
) -> TwoFactorResult:
    """Confirm the new authenticator with its first code; the sign-in is then verified too.

    The set-up code the person was given (`enrolment_id`, checked earlier) is used up by it.
    Not one transaction on purpose: a wrong code's failure count must be kept, not rolled back.
    """
    with transaction.atomic():
        enrolment = (
            _open_set_up_codes(user).select_for_update().filter(pk=enrolment_id).first()
            if enrolment_id
            else None
        )
        if enrolment is None:
            raise ValidationError(
                {
                    "code": _(
                        "Your set-up code has expired or was used. Ask your administrator "
                        "for a new one."
                    )
                }
            )
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
            enrolment.used_at = timezone.now()
            enrolment.save(update_fields=["used_at", "updated_at"])
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
    """Remove the user's authenticators (a lost phone); they set up a new one with a set-up code.

    The person's API tokens go too: each was given for a code from the lost authenticator.
    """
    deleted, _counts = TOTPDevice.objects.filter(user=user).delete()
    ApiToken.objects.filter(user=user, kind=ApiTokenKind.PERSON, revoked_at=None).update(
        revoked_at=timezone.now()
    )
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


# --- API tokens and service accounts ------------------------------------------------------------

# A token's key: 32 random bytes. Its first characters are kept to recognise it by in the admin.
API_TOKEN_PREFIX_LENGTH = 8
# `last_used_at` is written at most this often, so most API calls write nothing.
API_TOKEN_USE_RESOLUTION = timedelta(minutes=1)
SERVICE_ACCOUNT_USERNAME_PREFIX = "system-"
SERVICE_TOKEN_MAX_DAYS = 3650


API_TOKEN_TWO_FACTOR_NOT_SET_UP = gettext_lazy(
    "Set up two-factor sign-in first: sign in to Brobyg in a web browser, then ask for a token "
    "again with the code from your app."
)


@dataclass(frozen=True)
class IssuedApiToken:
    token: ApiToken
    # Shown once, to whoever asked for it; only its hash is kept.
    key: str


def _api_token_create(
    *,
    user: User,
    kind: str,
    expires_at: datetime,
    scopes: Iterable[str] = (),
    actor: User | None,
    request: HttpRequest | None,
) -> IssuedApiToken:
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        kind=kind,
        key_hash=api_token_key_hash(key),
        prefix=key[:API_TOKEN_PREFIX_LENGTH],
        scopes=sorted(set(scopes)),
        session_fingerprint=api_token_session_fingerprint(user.get_session_auth_hash())
        if kind == ApiTokenKind.PERSON
        else "",
        expires_at=expires_at,
    )
    audit_record(actor=actor, action=AuditAction.API_TOKEN_ISSUED, obj=token, request=request)
    return IssuedApiToken(token=token, key=key)


def api_token_for_person(
    *, user: User, otp: str = "", request: HttpRequest | None = None
) -> IssuedApiToken:
    """A person's API token, once their user name and password have been checked.

    Asked for the current two-factor code when the person must sign in with two factors on the
    web, so the API is never the weaker way in. The token expires after
    `BROBYG_API_TOKEN_HOURS` and dies with a new password or signing out on all devices.
    Not one transaction on purpose: a wrong code's failure count must be kept.
    """
    if user.is_service_account:
        raise ValidationError(
            {"username": _("A service account is given its tokens by an administrator.")}
        )
    if user.two_factor_exempt:
        # A shared tablet account signs in without a second factor, on a tablet that stays at
        # work: its password alone must not open the API from anywhere.
        raise ValidationError(
            {
                "username": _(
                    "A shared tablet account cannot get an API token. Use your own account."
                )
            }
        )
    if user_requires_two_factor(user=user):
        if user_two_factor_device(user=user) is None:
            raise ValidationError({"otp": API_TOKEN_TWO_FACTOR_NOT_SET_UP})
        if not _clean_token(otp):
            raise ValidationError({"otp": _("Give the current code from your authenticator app.")})
        result = two_factor_verify(user=user, token=otp, request=None)
        if not result.verified:
            if result.locked_until is not None:
                seconds = max(1, int((result.locked_until - timezone.now()).total_seconds()))
                message = _("Too many wrong codes. Wait %(seconds)s seconds and try again.") % {
                    "seconds": seconds
                }
            else:
                message = _(
                    "The code is not right. Check the time on your phone and try the new code."
                )
            raise ValidationError({"otp": message})
    expires_at = timezone.now() + timedelta(hours=settings.BROBYG_API_TOKEN_HOURS)
    with transaction.atomic():
        return _api_token_create(
            user=user,
            kind=ApiTokenKind.PERSON,
            expires_at=expires_at,
            actor=user,
            request=request,
        )


@transaction.atomic
def api_token_revoke(
    *, token: ApiToken, actor: User | None, request: HttpRequest | None = None
) -> ApiToken:
    """Stop the token at once: its next call is refused."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.API_TOKEN_REVOKED, obj=token, request=request)
    return token


def api_token_touch(*, token: ApiToken) -> None:
    """Note when the token was last used, to the minute: most calls write nothing."""
    now = timezone.now()
    if token.last_used_at is not None and now - token.last_used_at < API_TOKEN_USE_RESOLUTION:
        return
    ApiToken.objects.filter(pk=token.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - API_TOKEN_USE_RESOLUTION)
    ).update(last_used_at=now)
    token.last_used_at = now


def api_service_call_record(*, token: ApiToken, allowed: bool, request: HttpRequest) -> None:
    """One row in the audit trail for each call a system makes with its token, refused or not.

    What the call did (a referral created, one read, statistics exported) has rows of its own.
    """
    audit_record(
        actor=token.user,
        action=AuditAction.API_SERVICE_CALL if allowed else AuditAction.API_SERVICE_REFUSED,
        obj=token,
        request=request,
    )


@transaction.atomic
def user_sign_out_everywhere(
    *, user: User, actor: User | None, request: HttpRequest | None = None
) -> int:
    """End the person's web sessions on every device and revoke all their API tokens: for a
    lost phone or tablet, or a password someone else may have seen.

    When the person does it themself from the web, the session they do it from goes on; every
    other session ends at its next request. Returns how many tokens were revoked.
    """
    user.security_stamp = secrets.token_hex(16)
    user.save(update_fields=["security_stamp"])
    revoked = ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())
    audit_record(actor=actor, action=AuditAction.SIGN_OUT_EVERYWHERE, obj=user, request=request)
    request_user = getattr(request, "user", None)
    if request is not None and getattr(request_user, "pk", None) == user.pk:
        update_session_auth_hash(request, user)
    return revoked


def _service_scopes_validate(scopes: Iterable[str]) -> list[str]:
    scopes = sorted(set(scopes))
    if not scopes:
        raise ValidationError({"scopes": _("Give at least one scope.")})
    unknown = [scope for scope in scopes if scope not in ApiScope.values]
    if unknown:
        raise ValidationError(
            {
                "scopes": _("Unknown scope: %(unknown)s. The scopes are: %(known)s.")
                % {"unknown": ", ".join(unknown), "known": ", ".join(ApiScope.values)}
            }
        )
    return scopes


def service_account_username(name: str) -> str:
    """The user name of a system's account: `system-` and its name in plain letters."""
    folded = str(name).lower()
    for letter, plain in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        folded = folded.replace(letter, plain)
    return SERVICE_ACCOUNT_USERNAME_PREFIX + slugify(folded)[:100]


@transaction.atomic
def service_account_create(*, name: str, actor: User | None = None) -> User:
    """An account for a system (a GP system, a MedCom gateway, a report job).

    It has no password, no role and no team: it cannot sign in on the web, and calls the API
    only with a token `service_token_issue` gives it, within that token's scopes.
    """
    name = str(name or "").strip()
    username = service_account_username(name)
    if not name or username == SERVICE_ACCOUNT_USERNAME_PREFIX:
        raise ValidationError({"name": _("Give the system a name.")})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"name": _("An account with this name exists already.")})
    account = User(
        username=username, first_name=name[:150], is_service_account=True, is_staff=False
    )
    account.set_unusable_password()
    account.full_clean(exclude=["password"])
    account.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=account)
    return account


@transaction.atomic
def service_token_issue(
    *,
    account: User,
    scopes: Iterable[str],
    days: int = 365,
    actor: User | None = None,
    request: HttpRequest | None = None,
) -> IssuedApiToken:
    """A token for a service account, with these scopes, for `days` days. The key is returned
    once; revoke the token in the admin when the system no longer needs it."""
    if not account.is_service_account:
        raise ValidationError({"name": _("Only a service account gets a system's token.")})
    scopes = _service_scopes_validate(scopes)
    if not 1 <= days <= SERVICE_TOKEN_MAX_DAYS:
        raise ValidationError(
            {"days": _("A token lasts from 1 to %(max)s days.") % {"max": SERVICE_TOKEN_MAX_DAYS}}
        )
    return _api_token_create(
        user=account,
        kind=ApiTokenKind.SERVICE,
        expires_at=timezone.now() + timedelta(days=days),
        scopes=scopes,
        actor=actor,
        request=request,
    )
