"""Which operations a system (a service account's token) may call, view by view."""

from rest_framework.permissions import BasePermission

from accounts.api.authentication import SERVICE_TOKEN_REFUSED, service_token
from accounts.constants import ApiScope
from accounts.services import api_service_call_record


def service_scopes(**scope_by_action: str) -> type[BasePermission]:
    """A DRF permission class: the scope a system's token needs for each operation of the view.

        permission_classes = [service_scopes(create=ApiScope.REFERRALS_CREATE), IsAuthenticated]

    An operation is a viewset's action (`create`, `retrieve`) or, on a plain APIView, the HTTP
    method in lower case (`get`). A system's token passes only for an operation named here,
    and only with its scope; every call it makes is written to the audit trail, allowed or
    refused. People (by token or web session) pass through: the view's other permission
    classes decide for them. A view without this class refuses systems' tokens altogether
    (accounts.api.authentication). Put it first, so a refusal is always recorded.
    """
    unknown = set(scope_by_action.values()) - set(ApiScope.values)
    if unknown:
        raise ValueError(f"unknown API scopes: {sorted(unknown)}")

    class ServiceScopes(BasePermission):
        service_scopes = dict(scope_by_action)
        message = SERVICE_TOKEN_REFUSED
        code = "scope_denied"

        def has_permission(self, request, view) -> bool:
            token = service_token(request)
            if token is None:
                return True
            operation = getattr(view, "action", None) or request.method.lower()
            scope = self.service_scopes.get(operation)
            allowed = scope is not None and scope in token.scopes
            api_service_call_record(token=token, allowed=allowed, request=request)
            return allowed

    ServiceScopes.__name__ = f"ServiceScopes[{','.join(sorted(scope_by_action))}]"
    return ServiceScopes
