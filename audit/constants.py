from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    READ = "read", _("Read")
    CREATE = "create", _("Created")
    UPDATE = "update", _("Changed")
    DELETE = "delete", _("Deleted")
    EXPORT = "export", _("Exported")
    SIGN_IN = "sign_in", _("Signed in")
    SIGN_OUT = "sign_out", _("Signed out")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    TWO_FACTOR_ENROLLED = "2fa_enrolled", _("Set up two-factor")
    TWO_FACTOR_VERIFIED = "2fa_verified", _("Confirmed the sign-in with a code")
    TWO_FACTOR_FAILED = "2fa_failed", _("Wrong two-factor code")
    TWO_FACTOR_RESET = "2fa_reset", _("Two-factor reset")
    ANONYMISE = "anonymise", _("Anonymised")
    ERASE = "erase", _("Erased on request")
    MERGE = "merge", _("Merged two records of one person")
    GRANT = "grant", _("Gave a team access")
