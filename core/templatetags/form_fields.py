"""A form field as django-crispy-forms renders it, rendered once per process for each way it
looks.

The case page holds eight forms and some thirty fields, and rendering them through crispy's
templates was most of the page's time. A field of a form that has not been sent looks the same
every time for the same language, value, choices, label and attributes: those are the key, and
the HTML is kept in the process (a few thousand fields at most; nothing in Redis). A field of a
form that was sent (its value typed, its errors) is rendered afresh each time.

    {% load form_fields %}
    {{ form.field|as_crispy_field_cached }}
"""

import threading
from collections import OrderedDict
from datetime import date, datetime, time
from hashlib import blake2b

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.translation import get_language

register = template.Library()

_LIMIT = 4000
_rendered: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()


def _text(value):
    """Choices and attributes with their (lazy) translations as the reader gets them."""
    if isinstance(value, list | tuple):
        return tuple(_text(item) for item in value)
    return value if isinstance(value, bool | int | float | type(None)) else str(value)


def _key(bound_field: forms.BoundField) -> str | None:
    form, field = bound_field.form, bound_field.field
    widget = field.widget
    choices = ()
    if isinstance(field, forms.ModelChoiceField) and not hasattr(field, "_choices"):
        # Its choices would be read from the database just to make the key.
        return None
    if hasattr(field, "choices"):
        choices = _text(list(field.choices))
    value = bound_field.value()
    if isinstance(value, datetime | date | time):
        # As shown (a time to the minute), not to the microsecond of `initial=timezone.now`.
        value = widget.format_value(value)
    parts = (
        type(form).__module__,
        type(form).__qualname__,
        form.prefix,
        form.auto_id,
        form.label_suffix,
        form.use_required_attribute,
        getattr(form, "required_css_class", None),
        bound_field.name,
        get_language(),
        type(widget).__module__,
        type(widget).__qualname__,
        _text(value),
        _text(field.label),
        _text(field.help_text),
        field.required,
        field.disabled,
        field.show_hidden_initial,
        _text(sorted(widget.attrs.items())),
        choices,
    )
    return blake2b(repr(parts).encode(), digest_size=16).hexdigest()


@register.filter
def as_crispy_field_cached(bound_field):
    """`as_crispy_field`, kept per process for a form that was not sent."""
    if bound_field.form.is_bound or getattr(bound_field.form, "helper", None) is not None:
        return as_crispy_field(bound_field)
    key = _key(bound_field)
    if key is None:
        return as_crispy_field(bound_field)
    with _lock:
        html = _rendered.get(key)
        if html is not None:
            _rendered.move_to_end(key)
            return html
    html = as_crispy_field(bound_field)
    with _lock:
        _rendered[key] = html
        if len(_rendered) > _LIMIT:
            _rendered.popitem(last=False)
    return html
