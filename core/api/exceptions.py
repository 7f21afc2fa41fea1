"""Every API error is JSON a person can read, with the field it concerns."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler as drf_exception_handler


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


def exception_handler(exc, context):
    # A service raises Django's ValidationError; the API answers it as a 400 with the same
    # field names a form would show, instead of letting it become a 500.
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_nest(as_serializer_error(exc)))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    return drf_exception_handler(exc, context)
