from django.db import models
from django.utils.translation import gettext_lazy as _


class VolunteerRole(models.TextChoices):
    VISITING_FRIEND = "visiting_friend", _("Visiting friend (besøgsven)")
    PHONE_FRIEND = "phone_friend", _("Phone friend (telefonven)")
    MEAL_FRIEND = "meal_friend", _("Meal friend (spiseven)")
    COMPANION = "companion", _("Companion (følgeven)")
    HOST = "host", _("Host (vært)")


# Roles that bring a volunteer into the citizen's home: only with valid vetting.
HOME_VISIT_ROLES = {VolunteerRole.VISITING_FRIEND, VolunteerRole.MEAL_FRIEND}

# Roles that meet by phone: distance does not matter.
REMOTE_ROLES = {VolunteerRole.PHONE_FRIEND}


class VolunteerStatus(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    APPROVED = "approved", _("Approved")
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    LEFT = "left", _("Left")


MATCHABLE_STATUSES = [VolunteerStatus.APPROVED, VolunteerStatus.ACTIVE]

VOLUNTEER_TRANSITIONS = {
    VolunteerStatus.APPLICANT: {VolunteerStatus.APPROVED, VolunteerStatus.LEFT},
    VolunteerStatus.APPROVED: {
        VolunteerStatus.ACTIVE,
        VolunteerStatus.PAUSED,
        VolunteerStatus.LEFT,
    },
    VolunteerStatus.ACTIVE: {VolunteerStatus.PAUSED, VolunteerStatus.LEFT},
    VolunteerStatus.PAUSED: {VolunteerStatus.ACTIVE, VolunteerStatus.LEFT},
    VolunteerStatus.LEFT: {VolunteerStatus.APPLICANT},
}


class VettingKind(models.TextChoices):
    CRIMINAL_RECORD = "criminal_record", _("Criminal record certificate (straffeattest)")
    CHILD_CERTIFICATE = "child_certificate", _("Child certificate (børneattest)")
