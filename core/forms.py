from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError

T = TypeVar("T")


def form_add_service_errors(form: forms.Form, error: ValidationError, aliases=None) -> None:
    """Show a service's ValidationError on the form: on its field where the form has it."""
    aliases = aliases or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        field = aliases.get(field, field)
        form.add_error(field if field in form.fields else None, messages)


def run_service(
    form: forms.Form, call: Callable[[dict], T], *, aliases: dict[str, str] | None = None
) -> T | None:
    """Call a service with a valid form's data: what it made, or None when it refused.

    A refusal (ValidationError) is shown on the form, on the field it names (`aliases` maps the
    service's names to the form's), and the view shows the form again. Other errors go on up."""
    try:
        result = call(form.cleaned_data)
    except ValidationError as exc:
        form_add_service_errors(form, exc, aliases=aliases)
        return None
    if result is None:
        # A view reads None as a refusal: it would show the form again, with no error on it.
        raise TypeError("the service returned nothing: return what it made or changed")
    return result


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")
