from django import template
from django.core.exceptions import FieldDoesNotExist

register = template.Library()


@register.filter
def field_labels(event) -> list[str]:
    """The changed fields by their names in the interface ("status", not "status_changed_at")."""
    model = event.content_type.model_class() if event.content_type else None
    labels = []
    for name in event.fields:
        try:
            labels.append(str(model._meta.get_field(name).verbose_name) if model else name)
        except (FieldDoesNotExist, AttributeError):
            labels.append(name)
    return labels
