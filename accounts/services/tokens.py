"""API tokens for people and service accounts, their use recorded, and signing a person out
everywhere (web sessions and tokens)."""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import update_session_auth_hash
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.constants import ApiScope, ApiTokenKind
from accounts.models import ApiToken, User
from accounts.selectors import (
    api_token_key_hash,
    api_token_session_fingerprint,
    user_requires_two_factor,
    user_two_factor_device,
)
from accounts.services.two_factor import _clean_token, two_factor_verify
from audit.constants import AuditAction
from audit.services import audit_record

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
