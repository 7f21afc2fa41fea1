"""Two-factor sign-in (TOTP): the one-time set-up code an administrator issues, enrolment,
verification, reset and exemption."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import ApiTokenKind, Role
from accounts.models import ApiToken, TwoFactorEnrolment, User
from audit.constants import AuditAction
from audit.services import audit_record

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
