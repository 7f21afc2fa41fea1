"""`Authorization: Token …`: Brobyg's own API tokens (accounts.models.ApiToken).

A person's token works until it expires, is revoked, or the person's password changes or they
sign out on all devices. A system's (service account's) token works only on the operations its
scopes open (accounts.api.permissions.service_scopes); anywhere else it is refused with a 403,
and every call it makes is in the audit trail.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from accounts.constants import API_SCOPE_PERMISSIONS, ApiTokenKind, ApiTokenProblem
from accounts.models import ApiToken
from accounts.selectors import api_token_for_key, api_token_problem
from accounts.services import api_service_call_record, api_token_touch

KEYWORD = "Token"

SERVICE_TOKEN_REFUSED = _("A system's token may not be used for this operation.")


class ServiceTokenRefused(PermissionDenied):
    default_detail = SERVICE_TOKEN_REFUSED
    default_code = "scope_denied"


def scope_permissions(scopes) -> frozenset[str]:
    """The permissions a service account holds while it calls with a token of these scopes."""
    return frozenset().union(*(API_SCOPE_PERMISSIONS.get(scope, ()) for scope in scopes))


def accepts_service_tokens(view) -> bool:
    """Whether the view says which of its operations a system may call (`service_scopes`)."""
    return any(
        getattr(permission, "service_scopes", None) is not None
        for permission in getattr(view, "permission_classes", ())
    )


class ApiTokenAuthentication(BaseAuthentication):
    """A person's or a system's token in the `Authorization: Token <key>` header."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None
        if len(header) != 2:
            raise AuthenticationFailed(
                _("Send the token as 'Authorization: Token <key>', with nothing else."),
                code=ApiTokenProblem.INVALID.value,
            )
        try:
            key = header[1].decode("ascii")
        except UnicodeError:
            key = ""
        token = api_token_for_key(key=key)
        if token is None:
            raise AuthenticationFailed(
                ApiTokenProblem.INVALID.label, code=ApiTokenProblem.INVALID.value
            )
        problem = api_token_problem(token=token)
        if problem is not None:
            if token.kind == ApiTokenKind.SERVICE:
                # Someone still calls with a revoked or expired token of a system: worth seeing.
                api_service_call_record(token=token, allowed=False, request=request)
            raise AuthenticationFailed(problem.label, code=problem.value)
        user = token.user
        if token.kind == ApiTokenKind.SERVICE:
            view = (getattr(request, "parser_context", None) or {}).get("view")
            if not accepts_service_tokens(view):
                # Deny by default: an operation is open to systems only where its view says so.
                api_service_call_record(token=token, allowed=False, request=request)
                raise ServiceTokenRefused
            user.api_scope_permissions = scope_permissions(token.scopes)
        api_token_touch(token=token)
        return (user, token)

    def authenticate_header(self, request) -> str:
        # Makes an unauthenticated call a 401 (with WWW-Authenticate), not a 403.
        return KEYWORD


def service_token(request) -> ApiToken | None:
    """The service account's token the request was made with, if it was."""
    token = getattr(request, "auth", None)
    if isinstance(token, ApiToken) and token.kind == ApiTokenKind.SERVICE:
        return token
    return None


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "accounts.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token <key>`. A person's token comes from `POST /api/v1/auth/token/` (user "
                "name, password and the current two-factor code) and lasts a working day; it "
                "ends with a new password or signing out on all devices. A system's token comes "
                "from an administrator (`manage.py create_service_account`) and may call only "
                "the operations its scopes open: `referrals:create` (send referrals and read "
                "their status), `stats:read` (the statistics), `medcom` (MedCom messages). "
                "An unknown, expired or revoked token is a 401 whose `code` says which."
            ),
        }
