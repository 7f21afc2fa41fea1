from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The five roles of Brobyg. Each is a permission group of the same name (see roles.py)."""

    BRIDGE_BUILDER = "bridge_builder", _("Bridge-builder")
    HOME_CARE = "home_care", _("Home-care staff")
    COORDINATOR = "coordinator", _("Volunteer-centre coordinator")
    REFERRER = "referrer", _("GP / referrer")
    ADMIN = "admin", _("Administrator")


# When a person holds several roles, the start page is that of the first in this order:
# the daily case work comes before administration.
ROLE_PRIORITY = [
    Role.BRIDGE_BUILDER,
    Role.HOME_CARE,
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
