"""What makes a DRF view a FHIR endpoint: FHIR JSON in and out, every error an
OperationOutcome, a system's token with the `medcom` scope only, and no place in the OpenAPI
schema (FHIR has its own: the profiles)."""

from rest_framework import exceptions, status
from rest_framework.permissions import BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from accounts.api.authentication import ApiTokenAuthentication, service_token
from accounts.api.permissions import service_scopes
from accounts.constants import ApiScope
from accounts.services import api_service_call_record
from core.api.exceptions import exception_handler
from core.api.parsers import JSONParser
from medcom.building import operation_outcome
from medcom.constants import IssueType
from medcom.parsing import Issue

FHIR_JSON = "application/fhir+json"

# FHIR's issue type for each status the API answers with.
_ISSUE_TYPES = {
    400: IssueType.STRUCTURE,
    401: IssueType.LOGIN,
    403: IssueType.FORBIDDEN,
    404: IssueType.NOT_FOUND,
    405: IssueType.NOT_SUPPORTED,
    406: IssueType.NOT_SUPPORTED,
    409: IssueType.BUSINESS_RULE,
    415: IssueType.NOT_SUPPORTED,
    429: IssueType.THROTTLED,
    503: IssueType.TRANSIENT,
}


# The API's JSON parser (core.api.parsers) under FHIR's media types: deep nesting, a NUL or
# half a surrogate pair is a 400 OperationOutcome before the message is read.
class FhirJSONParser(JSONParser):
    media_type = FHIR_JSON


class LegacyFhirJSONParser(JSONParser):
    # FHIR's media type before R4; some systems still send it.
    media_type = "application/json+fhir"


class FhirJSONRenderer(JSONRenderer):
    media_type = FHIR_JSON
    format = "fhir"
    # FHIR JSON is UTF-8; Danish letters are sent as letters.
    ensure_ascii = False


class Unavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "unavailable"


def fhir_exception_handler(exc, context):
    """Brobyg's API errors (core.api.exceptions), said as a FHIR OperationOutcome: the
    sentence in `diagnostics`, FHIR's issue type in `code`."""
    response = exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        issues = [
            Issue(None, str(data["detail"]), _ISSUE_TYPES.get(response.status_code, "processing"))
        ]
    else:
        issues = [
            Issue(None, str(message), IssueType.INVALID)
            for message in (data.values() if isinstance(data, dict) else [data])
        ]
    response.data = operation_outcome(issues)
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        response["Retry-After"] = str(int(exc.wait + 0.999))
    return response


class MedComGatewayOnly(BasePermission):
    """A system's token (the municipality's MedCom gateway); people have the web pages."""

    message = exceptions.PermissionDenied.default_detail

    def has_permission(self, request, view) -> bool:
        return service_token(request) is not None


class FhirView(APIView):
    """Base of the FHIR endpoints. `service_operations` names the HTTP methods the gateway's
    `medcom` scope opens."""

    service_operations: tuple[str, ...] = ()
    authentication_classes = [ApiTokenAuthentication]
    parser_classes = [FhirJSONParser, JSONParser, LegacyFhirJSONParser]
    renderer_classes = [FhirJSONRenderer, JSONRenderer]

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        cls.permission_classes = [
            service_scopes(**dict.fromkeys(cls.service_operations, ApiScope.MEDCOM)),
            MedComGatewayOnly,
        ]

    def get_exception_handler(self):
        return fhir_exception_handler

    def initial(self, request, *args, **kwargs):
        # A method the endpoint does not have is a 405, as FHIR clients expect, not the 403 a
        # scope check would give; the gateway's call is in the audit trail all the same.
        method = request.method.lower()
        if method != "options" and not hasattr(self, method):
            self.perform_authentication(request)
            token = service_token(request)
            if token is not None:
                api_service_call_record(token=token, allowed=False, request=request)
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)
