from datetime import date, datetime

from django import template
from django.utils import timezone

register = template.Library()


def _as_date(value) -> date | None:
    if isinstance(value, datetime):
        return timezone.localtime(value).date()
    return value


@register.filter
def days_since(value) -> int | str:
    """Whole days from a date or time until today, e.g. days since a referral."""
    value = _as_date(value)
    if not value:
        return ""
    return (timezone.localdate() - value).days


@register.filter
def is_overdue(value) -> bool:
    value = _as_date(value)
    return bool(value) and value < timezone.localdate()
