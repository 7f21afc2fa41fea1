from django.db.models import Q


def json_list_contains(field: str, value) -> Q:
    """Rows whose JSON list `field` holds `value` (jsonb containment, `@>`)."""
    return Q(**{f"{field}__contains": [value]})
