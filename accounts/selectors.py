import hashlib

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import ROLE_PRIORITY, ApiTokenKind, ApiTokenProblem, Role
from accounts.models import (
    ApiToken,
    Membership,
    MembershipChange,
    SingleSignOnGroup,
    Team,
    TwoFactorEnrolment,
    User,
)


def user_primary_role(*, user: User) -> str | None:
    """The role whose start page the user sees first, or None for a user without a role."""
    for role in ROLE_PRIORITY:
        if user.has_role(role):
            return role
    return None


def user_team_ids(user: User) -> list:
    """The ids of the user's teams, read once per user object (a request's user)."""
    if not hasattr(user, "_team_ids_cache"):
        user._team_ids_cache = list(user.memberships.values_list("team_id", flat=True))
    return user._team_ids_cache


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("team__organisation")
        .order_by("team__organisation__name", "team__name")
    )


def role_counts() -> list[tuple[str, int]]:
    """How many active users hold each role, in the order of the roles."""
    counts = dict(
        Group.objects.filter(name__in=Role.values)
        .annotate(n=Count("user", filter=Q(user__is_active=True)))
        .values_list("name", "n")
    )
    return [(role.label, counts.get(role.value, 0)) for role in Role]


def user_requires_two_factor(*, user: User) -> bool:
    """Whether this signed-in user must confirm the web sign-in with a code (TOTP)."""
    return bool(
        settings.BROBYG_REQUIRE_2FA and user.is_authenticated and not user.two_factor_exempt
    )


def user_two_factor_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator, or None if they have not set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def user_two_factor_code_open(*, user: User) -> bool:
    """Whether the user holds a set-up code that still works."""
    return TwoFactorEnrolment.objects.filter(
        user=user, used_at=None, revoked_at=None, expires_at__gt=timezone.now()
    ).exists()


# --- Single sign-on -----------------------------------------------------------------------------


def single_sign_on_enabled() -> bool:
    """Whether staff sign in through the municipality's identity provider (BROBYG_OIDC_*)."""
    return bool(settings.BROBYG_OIDC_ISSUER and settings.BROBYG_OIDC_CLIENT_ID)


def user_is_break_glass(*, user: User) -> bool:
    """A break-glass admin: named in BROBYG_OIDC_BREAK_GLASS_USERS, an administrator, and never
    signed in through (nor linked to) the identity provider."""
    return (
        user.username in settings.BROBYG_OIDC_BREAK_GLASS_USERS
        and (user.is_superuser or user.has_role(Role.ADMIN))
        and not user.single_sign_on_identities.exists()
    )


def password_sign_in_allowed(*, user: User) -> bool:
    """Whether the person may sign in with a password: everyone until single sign-on is on,
    then the break-glass admins only."""
    return not single_sign_on_enabled() or user_is_break_glass(user=user)


def _fold_character(character: str) -> str:
    folded = character.casefold()
    # A letter that only looks like an ASCII one (the Kelvin sign, the long s, ß) stays itself:
    # "brobyg-admins-\u212aontor" is another group than "brobyg-admins-kontor".
    return character if folded.isascii() and not character.isascii() else folded


def single_sign_on_group_key(name: str) -> str:
    """A group's name as compared with another: without the spaces around it, and upper and
    lower case alike (æ and Æ too), in Python on both sides, so the database's own idea of case
    has no say."""
    return "".join(_fold_character(character) for character in str(name).strip())


def single_sign_on_groups_for(*, names) -> list[SingleSignOnGroup]:
    """The mappings of these groups (upper and lower case alike), with their teams.

    Compared in Python over all the mappings: a municipality maps a handful of groups, and the
    database's LOWER() folds letters Python's comparison keeps apart."""
    wanted = {single_sign_on_group_key(name) for name in names} - {""}
    if not wanted:
        return []
    return [
        group
        for group in SingleSignOnGroup.objects.select_related("team").order_by("name")
        if single_sign_on_group_key(group.name) in wanted
    ]


def single_sign_on_managed_team_ids() -> list:
    """The teams whose members the identity provider's groups decide."""
    return list(
        SingleSignOnGroup.objects.exclude(team=None).values_list("team_id", flat=True).distinct()
    )


def membership_changes_visible_to(
    *,
    user: User,
    team: Team | None = None,
    person: User | None = None,
    self_granted_only: bool = False,
) -> QuerySet[MembershipChange]:
    """Who was added to or removed from which team, by whom and why, newest first: for the
    data-protection officer, who watches that nobody gives themself access to citizens
    unexplained."""
    if not (user.is_authenticated and user.has_perm("accounts.view_membershipchange")):
        raise PermissionDenied
    changes = MembershipChange.objects.select_related("team__organisation", "user", "actor")
    if team is not None:
        changes = changes.filter(team=team)
    if person is not None:
        changes = changes.filter(Q(user=person) | Q(actor=person))
    if self_granted_only:
        changes = changes.filter(self_granted=True)
    return changes.order_by("-created_at", "-id")


def membership_change_people() -> QuerySet[User]:
    """Everyone who appears in the membership changes (as member or as the one who changed)."""
    return User.objects.filter(
        Q(pk__in=MembershipChange.objects.values("user_id"))
        | Q(pk__in=MembershipChange.objects.values("actor_id"))
    ).order_by("first_name", "last_name", "username")


# --- API tokens ---------------------------------------------------------------------------------


def api_token_key_hash(key: str) -> str:
    """What is kept of a token's key: its SHA-256 (the key is random, so no salt is needed)."""
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_session_fingerprint(session_auth_hash: str) -> str:
    """What a person's token keeps of the sign-in it was issued under: a new password or signing
    out on all devices changes it (see `User._get_session_auth_hash`)."""
    return hashlib.sha256(session_auth_hash.encode()).hexdigest()


def api_token_for_key(*, key: str) -> ApiToken | None:
    """The token with this key, and its account, in one query; None for an unknown key."""
    if not key or len(key) > 128:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=api_token_key_hash(key)).first()


def _sign_in_unchanged(token: ApiToken) -> bool:
    user = token.user
    hashes = [user.get_session_auth_hash(), *user.get_session_auth_fallback_hash()]
    return any(
        constant_time_compare(token.session_fingerprint, api_token_session_fingerprint(h))
        for h in hashes
    )


def api_token_problem(*, token: ApiToken, now=None) -> ApiTokenProblem | None:
    """Why the token no longer works, or None while it does."""
    now = now or timezone.now()
    if token.revoked_at is not None:
        return ApiTokenProblem.REVOKED
    if token.expires_at <= now:
        return ApiTokenProblem.EXPIRED
    if not token.user.is_active:
        return ApiTokenProblem.ACCOUNT_INACTIVE
    if token.kind == ApiTokenKind.PERSON:
        if token.user.is_service_account or token.user.two_factor_exempt:
            return ApiTokenProblem.INVALID
        if not _sign_in_unchanged(token):
            return ApiTokenProblem.SIGNED_OUT
    elif not token.user.is_service_account:
        return ApiTokenProblem.INVALID
    return None
