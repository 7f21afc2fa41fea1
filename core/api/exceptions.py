"""Every API error is JSON a person can read.

- A 400 for bad input names the field: {"answers": {"left_out": ["…"]}} (the path to the field).
- Every other error has one shape: {"detail": "a sentence", "code": "not_found"}, and a 429
  adds "retry_after" (seconds). The same shape comes from the lockout, the two-factor hold, an
  unknown /api/ address and a server error, so a client handles errors in one place.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler

from core.exceptions import Conflict


class ConflictError(exceptions.APIException):
    status_code = 409
    default_code = "conflict"


def _nest(errors: dict) -> dict:
    """{"answers.left_out": [...]} → {"answers": {"left_out": [...]}}: the path to the field."""
    nested: dict = {}
    for key, messages in errors.items():
        target = nested
        *parents, leaf = key.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = messages
    return nested


def error_body(detail, code: str, **extra) -> dict:
    return {"detail": str(detail), "code": code, **extra}


def exception_handler(exc, context):
    # A service raises Django's ValidationError; the API answers it as a 400 with the same
    # field names a form would show, instead of letting it become a 500.
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_nest(as_serializer_error(exc)))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, Conflict):
        # Not the caller's input: Brobyg's set-up does not allow it now (no questionnaire in use).
        exc = ConflictError(detail=exc.message, code=exc.code)
    elif isinstance(exc, exceptions.ParseError):
        # DRF's message quotes the parser's own error, in English; a person needs one sentence.
        json_error = str(exc.detail).startswith("JSON")
        exc = exceptions.ParseError(
            _("The body of the request is not valid JSON.") if json_error else None
        )
    response = drf_exception_handler(exc, context)
    if response is None or isinstance(exc, exceptions.ValidationError):
        return response
    detail = exc.detail if isinstance(exc, exceptions.APIException) else response.data
    code = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    if not isinstance(code, str):
        code = exc.default_code
    extra = {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        extra["retry_after"] = int(exc.wait + 0.999)
    response.data = error_body(detail, code, **extra)
    return response
