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
    TWO_FACTOR_CODE_ISSUED = "2fa_code_issued", _("Issued a two-factor set-up code")
    ANONYMISE = "anonymise", _("Anonymised")
    ERASE = "erase", _("Erased on request")
    MERGE = "merge", _("Merged two records of one person")
    GRANT = "grant", _("Gave a team access")
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere", _("Signed out on all devices")
    API_TOKEN_ISSUED = "api_token_issued", _("Issued an API token")
    API_TOKEN_REVOKED = "api_token_revoked", _("Revoked an API token")
    API_SERVICE_CALL = "api_service_call", _("A system called the API")
    API_SERVICE_REFUSED = "api_service_refused", _("A system's API call was refused")
    SINGLE_SIGN_ON_LINKED = "sso_linked", _("Linked an account to the identity provider")
