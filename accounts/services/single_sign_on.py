"""Signing in through the municipality's identity provider: the person's account made or brought
up to date from the provider's claims, and their roles and teams from their groups.

The claims have been verified by the caller (accounts.oidc). `sub` is the stable key: a name, an
e-mail address or the groups may change at the provider from one sign-in to the next, and the
account follows them.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import Role, SingleSignOnRefusal
from accounts.models import Membership, SingleSignOnGroup, SingleSignOnIdentity, User
from accounts.selectors import (
    single_sign_on_groups_for,
    single_sign_on_managed_team_ids,
)
from accounts.services.teams import team_add_member, team_remove_member
from accounts.services.users import user_create, user_set_roles
from audit.constants import AuditAction
from audit.services import audit_record

# How much of a claim is read: a person in thousands of groups, or a claim that is not what it
# should be, must not make the sign-in slow or the database refuse a value.
MAX_GROUPS = 1000
MAX_AMR = 20
USERNAME_MAX_LENGTH = 140
# Accounts with an e-mail address the database finds alike, of which one must be exactly the
# provider's: more than this are not one person's.
MAX_EMAIL_CANDIDATES = 10


LINK_INCOMPLETE = _("Give the identity provider and the person's subject (sub) there.")
LINK_SERVICE_ACCOUNT = _("A service account is a system's: it does not sign in as a person.")
LINK_SUPERUSER = _("Only a superuser can link a superuser's account.")
LINK_USER_LINKED = _("This account is linked to a person at this identity provider already.")
LINK_SUBJECT_LINKED = _("This person at the identity provider is linked to an account already.")


class SingleSignOnRefused(Exception):
    """The provider vouched for the person, but Brobyg does not let them in (`reason`)."""

    def __init__(self, reason: SingleSignOnRefusal):
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True)
class SignInAssurance:
    """How the provider says the person signed in: its methods (`amr`), its level (`acr`), and
    whether Brobyg counts that as two factors."""

    mfa: bool
    amr: list[str]
    acr: str


@dataclass(frozen=True)
class SingleSignOnSignIn:
    user: User
    assurance: SignInAssurance


def sign_in_assurance(*, claims: dict) -> SignInAssurance:
    """Two factors: `amr` names a value of BROBYG_OIDC_MFA_AMR (`mfa`: the provider says several
    factors), or two different methods (`pwd` and `otp`), or `acr` is a level of
    BROBYG_OIDC_MFA_ACR. One method alone is one factor, whichever it is: RFC 8176 defines
    `otp`, `sms`, `hwk` and the others each as a single method."""
    amr = claims.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    amr = [str(method)[:64] for method in amr if isinstance(method, str | int)][:MAX_AMR]
    acr = str(claims.get("acr") or "")[:255]
    methods = set(amr)
    mfa = (
        bool(methods & set(settings.BROBYG_OIDC_MFA_AMR))
        or len(methods) >= 2
        or (bool(acr) and acr in settings.BROBYG_OIDC_MFA_ACR)
    )
    return SignInAssurance(mfa=mfa, amr=amr, acr=acr)


def claim_groups(*, claims: dict) -> list[str]:
    """The person's groups, from the claim BROBYG_OIDC_GROUPS_CLAIM names.

    A name with dots reaches into objects (`realm_access.roles`) unless the claims have it as it
    stands (a claim named by a URL).
    """
    name = settings.BROBYG_OIDC_GROUPS_CLAIM
    value = claims.get(name)
    if value is None and "." in name:
        value = claims
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [str(group) for group in value if isinstance(group, str | int)][:MAX_GROUPS]


def _names(claims: dict) -> tuple[str, str]:
    first, last = claims.get("given_name"), claims.get("family_name")
    if not (isinstance(first, str) or isinstance(last, str)):
        name = claims.get("name")
        first, _space, last = (name.strip() if isinstance(name, str) else "").rpartition(" ")
        if not first:
            first, last = last, ""
    max_length = User._meta.get_field("first_name").max_length
    return (str(first or "").strip()[:max_length], str(last or "").strip()[:max_length])


def _email(claims: dict) -> str:
    email = claims.get("email")
    if not isinstance(email, str) or len(email) > User._meta.get_field("email").max_length:
        return ""
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def _username(*, issuer: str, subject: str, claims: dict) -> str:
    """A user name nobody has yet, readable where the provider gives one: the user name the
    person has there, or their e-mail address. It is only a name here: they never sign in with
    it (`sub` is the key)."""
    fallback = "sso-" + hashlib.sha256(f"{issuer} {subject}".encode()).hexdigest()[:16]
    for candidate in (claims.get("preferred_username"), _email(claims), fallback):
        # As Django will store it (NFKC: a full-width "ａdmin" is "admin"), before it is compared.
        text = User.normalize_username(candidate) if isinstance(candidate, str) else ""
        base = re.sub(r"[^\w.@+-]", "", text)
        base = base[:USERNAME_MAX_LENGTH]
        if not base:
            continue
        for n in range(1, 10):
            username = base if n == 1 else f"{base}-{n}"
            if not User.objects.filter(username__iexact=username).exists():
                return username
    return fallback


def _email_key(email: str) -> str | None:
    """An e-mail address as compared with another: NFKC and case folded, and only when it is
    ASCII. The database's case-insensitive comparison folds look-alikes (ı and İ to I, ſ to S,
    the Kelvin sign to K), so it only narrows the search; this decides."""
    if not email or not email.isascii():
        return None
    return unicodedata.normalize("NFKC", email).casefold()


def _linked_by_email(*, issuer: str, claims: dict) -> User | None:
    """An account made before single sign-on, for the same person: the one account with exactly
    the e-mail address the provider vouches for (`email_verified` is true, the JSON value).

    Never an administrator's account (the admin role, staff, a superuser: an administrator
    links those in the admin, `single_sign_on_identity_link`), a system's, nor one another
    person at this provider has.
    """
    if claims.get("email_verified") is not True:
        return None
    email = _email(claims)
    key = _email_key(email)
    if key is None:
        return None
    candidates = [
        user
        for user in User.objects.filter(
            email__iexact=email, is_superuser=False, is_staff=False, is_service_account=False
        )
        .exclude(groups__name=Role.ADMIN)
        .exclude(single_sign_on_identities__issuer=issuer)
        .distinct()[:MAX_EMAIL_CANDIDATES]
        if _email_key(user.email) == key
    ]
    return candidates[0] if len(candidates) == 1 else None


def _sync_memberships(
    *, user: User, groups: list[SingleSignOnGroup], all_teams: bool = False
) -> None:
    """Put the person on the teams their groups name and take them off the ones their groups no
    longer name. Teams no group names are the administrator's, and left as they are; except
    (`all_teams`) when an account from before single sign-on is taken over on the provider's
    word, which gives it only the teams its groups give."""
    wanted: dict = {}
    for group in groups:
        if group.team_id is not None:
            wanted[group.team_id] = wanted.get(group.team_id, False) or group.is_lead
    memberships = Membership.objects.filter(user=user)
    if not all_teams:
        memberships = memberships.filter(team_id__in=set(single_sign_on_managed_team_ids()))
    for membership in memberships.select_related("team"):
        if membership.team_id not in wanted:
            team_remove_member(team=membership.team, user=user, actor=None)
    teams = {group.team_id: group.team for group in groups if group.team_id is not None}
    for team_id, is_lead in wanted.items():
        team_add_member(team=teams[team_id], user=user, is_lead=is_lead, actor=None)


def _update_profile(*, user: User, claims: dict) -> None:
    first_name, last_name = _names(claims)
    values = {"first_name": first_name, "last_name": last_name}
    email = _email(claims)
    if email:
        values["email"] = email
    changed = [name for name, value in values.items() if getattr(user, name) != value]
    if changed:
        for name in changed:
            setattr(user, name, values[name])
        user.save(update_fields=changed)
        audit_record(actor=None, action=AuditAction.UPDATE, obj=user, fields=changed)


@transaction.atomic
def user_sign_in_with_single_sign_on(
    *, issuer: str, claims: dict, request: HttpRequest | None = None
) -> SingleSignOnSignIn:
    """The account of the person the provider vouched for with these (verified) claims.

    Made at the first sign-in, or found by `sub` (an administrator may have linked it before,
    `single_sign_on_identity_link`), or, the first time, by the verified e-mail address: an
    ordinary account from before single sign-on, taken over with only the teams the groups
    give. Then its name, e-mail, roles and teams follow the claims. Refused
    (SingleSignOnRefused) for a deactivated account, for a person none of whose groups gives a
    role (no account is made), and for a sign-in without two factors where
    BROBYG_OIDC_REQUIRE_MFA asks for them. Changes are the system's in the audit trail: the
    provider's word, not a person's.
    """
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SingleSignOnRefused(SingleSignOnRefusal.FAILED)
    assurance = sign_in_assurance(claims=claims)
    groups = single_sign_on_groups_for(names=claim_groups(claims=claims))
    identity = (
        SingleSignOnIdentity.objects.select_for_update()
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    user = identity.user if identity is not None else _linked_by_email(issuer=issuer, claims=claims)
    linked_by_email = identity is None and user is not None
    if user is not None and not user.is_active:
        raise SingleSignOnRefused(SingleSignOnRefusal.DEACTIVATED)
    if not groups:
        raise SingleSignOnRefused(SingleSignOnRefusal.NO_ROLE)
    if settings.BROBYG_OIDC_REQUIRE_MFA and not assurance.mfa:
        raise SingleSignOnRefused(SingleSignOnRefusal.MFA_REQUIRED)

    roles = sorted({group.role for group in groups})
    if user is None:
        first_name, last_name = _names(claims)
        user = user_create(
            username=_username(issuer=issuer, subject=subject, claims=claims),
            password=None,
            first_name=first_name,
            last_name=last_name,
            email=_email(claims),
            roles=roles,
            actor=None,
        )
    else:
        _update_profile(user=user, claims=claims)
        user_set_roles(user=user, roles=roles, actor=None)
    _sync_memberships(user=user, groups=groups, all_teams=linked_by_email)

    values = {
        "user": user,
        "last_signed_in_at": timezone.now(),
        "mfa": assurance.mfa,
        "amr": assurance.amr,
        "acr": assurance.acr,
    }
    if identity is None:
        identity = SingleSignOnIdentity.objects.create(issuer=issuer, subject=subject, **values)
        audit_record(actor=None, action=AuditAction.CREATE, obj=identity, request=request)
        if linked_by_email:
            # Taken over on the provider's word for the e-mail address: the system's act.
            audit_record(
                actor=None, action=AuditAction.SINGLE_SIGN_ON_LINKED, obj=identity, request=request
            )
    else:
        for name, value in values.items():
            setattr(identity, name, value)
        identity.save(update_fields=[*values, "updated_at"])
    return SingleSignOnSignIn(user=user, assurance=assurance)


def single_sign_on_identity_link_problems(
    *, user: User, issuer: str, subject: str, actor: User | None
) -> dict[str, list[str]]:
    """Why `user` may not be linked to this person at the provider, by field; empty if it may.
    For the admin's form to say before anything is saved."""
    problems: dict[str, list[str]] = {}
    if not issuer or not subject:
        problems.setdefault("subject", []).append(str(LINK_INCOMPLETE))
    if user.is_service_account:
        problems.setdefault("user", []).append(str(LINK_SERVICE_ACCOUNT))
    elif user.is_superuser and not (actor is not None and actor.is_superuser):
        problems.setdefault("user", []).append(str(LINK_SUPERUSER))
    if user.single_sign_on_identities.filter(issuer=issuer).exists():
        problems.setdefault("user", []).append(str(LINK_USER_LINKED))
    if SingleSignOnIdentity.objects.filter(issuer=issuer, subject=subject).exists():
        problems.setdefault("subject", []).append(str(LINK_SUBJECT_LINKED))
    return problems


@transaction.atomic
def single_sign_on_identity_link(
    *,
    user: User,
    issuer: str,
    subject: str,
    actor: User | None,
    request: HttpRequest | None = None,
) -> SingleSignOnIdentity:
    """Link an account to a person at the identity provider (`issuer`, their `sub`) before they
    sign in through it: the way for an administrator's account, which is never taken over by
    e-mail address. At the person's next sign-in it is their account, with the roles and the
    mapped teams their groups give; its other teams stay. From then on it signs in only through
    the provider, break-glass or not."""
    issuer, subject = issuer.strip(), subject.strip()
    problems = single_sign_on_identity_link_problems(
        user=user, issuer=issuer, subject=subject, actor=actor
    )
    if problems:
        raise ValidationError(problems)
    identity = SingleSignOnIdentity.objects.create(
        user=user, issuer=issuer, subject=subject, last_signed_in_at=None
    )
    audit_record(
        actor=actor, action=AuditAction.SINGLE_SIGN_ON_LINKED, obj=identity, request=request
    )
    return identity
