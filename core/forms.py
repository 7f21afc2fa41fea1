from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

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
    """A date as Danish staff read and type it, dd.mm.åååå, whatever the browser's language (a
    browser's own date field shows mm/dd/yyyy in an English-language browser). The field takes
    the ways people write a date (config/formats)."""

    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {
            "placeholder": gettext_lazy("dd.mm.yyyy"),
            "inputmode": "numeric",
            "autocomplete": "off",
            "maxlength": "10",
            **(attrs or {}),
        }
        super().__init__(attrs, format="%d.%m.%Y")


class DateTimeInput(forms.DateTimeInput):
    """A date and time as dd.mm.åååå tt:mm (see DateInput)."""

    input_type = "text"

    def __init__(self, attrs=None):
        attrs = {
            "placeholder": gettext_lazy("dd.mm.yyyy hh:mm"),
            "autocomplete": "off",
            "maxlength": "19",
            **(attrs or {}),
        }
        super().__init__(attrs, format="%d.%m.%Y %H:%M")
