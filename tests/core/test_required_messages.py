"""A form shows every error at once, so each says what it is about: a field a person can leave
empty names what is missing ("Skriv noten."), never only Django's "This field is required."."""

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.forms.fields import Field

GENERIC = str(Field.default_error_messages["required"])


def _forms_of(app: str) -> list[type[forms.BaseForm]]:
    found = []
    for name in (f"{app}.forms", f"{app}.views"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError:
            continue
        modules = [module]
        if hasattr(module, "__path__"):
            modules += [
                importlib.import_module(f"{name}.{sub.name}")
                for sub in pkgutil.iter_modules(module.__path__)
            ]
        for each in modules:
            for _name, cls in inspect.getmembers(each, inspect.isclass):
                if (
                    issubclass(cls, forms.BaseForm)
                    and cls.__module__.startswith(f"{app}.")
                    and cls not in found
                ):
                    found.append(cls)
    return found


def _can_be_left_empty(field: forms.Field) -> bool:
    """Whether a person can send the field empty: not a hidden one, nor a list without an empty
    choice (a browser always sends one of its options). Radio buttons none of which is ticked
    to begin with are sent as nothing at all."""
    widget = field.widget
    if isinstance(widget, forms.HiddenInput):
        return False
    if isinstance(widget, forms.RadioSelect) and not isinstance(
        widget, forms.CheckboxSelectMultiple
    ):
        return field.initial in (None, "")
    if isinstance(field, forms.ModelChoiceField):
        return field.empty_label is not None
    if isinstance(widget, forms.Select | forms.RadioSelect) and not isinstance(
        widget, forms.SelectMultiple
    ):
        return any(value in ("", None) for value, _label in field.choices)
    return True


def _generic(app: str) -> list[str]:
    return [
        f"{form.__module__}.{form.__name__}.{name}"
        for form in _forms_of(app)
        for name, field in form.base_fields.items()
        if field.required
        and _can_be_left_empty(field)
        and str(field.error_messages.get("required")) == GENERIC
    ]


@pytest.mark.parametrize(
    "app",
    [
        "accounts",
        "audit",
        "referrals",
        "screening",
        "followups",
        "medcom",
        "privacy",
        "stats",
        "offers",
        "volunteers",
        "matching",
    ],
)
def test_every_field_a_person_can_leave_empty_names_what_is_missing(app):
    assert _forms_of(app)
    assert _generic(app) == []
