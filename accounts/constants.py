from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of Brobyg. Each is a permission group of the same name (see roles.py)."""

    BRIDGE_BUILDER = "bridge_builder", _("Bridge-builder")
    HOME_CARE = "home_care", _("Home-care staff")
    # On a home-care team: checks the team's screenings a second time (Holstebro's nøgleperson).
    AMBASSADOR = "ambassador", _("Ambassador (nøgleperson)")
    COORDINATOR = "coordinator", _("Volunteer-centre coordinator")
    REFERRER = "referrer", _("GP / referrer")
    ADMIN = "admin", _("Administrator")


# When a person holds several roles, the start page is that of the first in this order:
# the daily case work comes before administration.
ROLE_PRIORITY = [
    Role.BRIDGE_BUILDER,
    Role.HOME_CARE,
    # An ambassador who also visits citizens starts with the visits; one who only checks
    # screenings starts with the queue.
    Role.AMBASSADOR,
    Role.COORDINATOR,
    Role.REFERRER,
    Role.ADMIN,
]


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("Municipality")
    VOLUNTEER_CENTRE = "volunteer_centre", _("Volunteer centre")
    ASSOCIATION = "association", _("Association")
    NGO = "ngo", _("NGO")
    ACTIVITY_CENTRE = "activity_centre", _("Municipal activity centre")
    GENERAL_PRACTICE = "general_practice", _("General practice")


class TeamKind(models.TextChoices):
    BRIDGE_BUILDERS = "bridge_builders", _("Bridge-builders")
    HOME_CARE = "home_care", _("Home care")
    VOLUNTEER_COORDINATION = "volunteer_coordination", _("Volunteer coordination")
    GENERAL_PRACTICE = "general_practice", _("General practice")
    ADMINISTRATION = "administration", _("Administration")
    OTHER = "other", _("Other")


class Language(models.TextChoices):
    DANISH = "da", _("Danish")
    ENGLISH = "en", _("English")


class ReminderPreference(models.TextChoices):
    EACH = "each", _("A reminder for each task")
    DIGEST = "digest", _("One daily digest")


class MembershipChangeKind(models.TextChoices):
    ADDED = "added", _("Added to the team")
    REMOVED = "removed", _("Removed from the team")
    LEAD_GIVEN = "lead_given", _("Made team lead")
    LEAD_TAKEN = "lead_taken", _("No longer team lead")


class ApiTokenKind(models.TextChoices):
    PERSON = "person", _("A person's token")
    SERVICE = "service", _("A system's token (service account)")


class ApiScope(models.TextChoices):
    """What a service account's token may do. A person's token carries no scopes: it may do
    what the person's roles allow."""

    REFERRALS_CREATE = "referrals:create", _("Send referrals and read their status")
    MEDCOM = "medcom", _("Send MedCom messages")
    STATS_READ = "stats:read", _("Read the anonymised statistics")


# While a service account calls with a token, it holds these permissions and no others (it
# has no role). Which operations a scope opens is said by each view (accounts.api.permissions);
# these are what the code behind those operations checks.
API_SCOPE_PERMISSIONS: dict[str, frozenset[str]] = {
    ApiScope.REFERRALS_CREATE: frozenset({"referrals.add_referral"}),
    # A MedCom message carries a referral.
    ApiScope.MEDCOM: frozenset({"referrals.add_referral"}),
    ApiScope.STATS_READ: frozenset({"stats.view_statistics"}),
}


class ApiTokenProblem(models.TextChoices):
    """Why a token no longer works: the `code` of the API's 401, and its message."""

    INVALID = "token_invalid", _("The token is not valid. Ask for a new one.")
    REVOKED = "token_revoked", _("The token has been revoked.")
    SIGNED_OUT = (
        "token_signed_out",
        _(
            "The token stopped working when the password was changed or the person signed out on "
            "all devices. Ask for a new one."
        ),
    )
    EXPIRED = "token_expired", _("The token has expired. Ask for a new one.")
    ACCOUNT_INACTIVE = "account_inactive", _("The token's account is deactivated.")


class SingleSignOnRefusal(models.TextChoices):
    """Why a sign-in through the municipality's identity provider did not sign the person in."""

    NO_ROLE = "no_role", _("No group of the person gives a role in Brobyg")
    MFA_REQUIRED = "mfa_required", _("The sign-in was not confirmed with two factors")
    DEACTIVATED = "deactivated", _("The person's user is deactivated in Brobyg")
    FAILED = "failed", _("The answer from the identity provider could not be trusted")
    UNAVAILABLE = "unavailable", _("The identity provider could not be reached")
