from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from core.forms import form_add_service_errors

# The request carries a service's refusal from the first, rolled-back save to the form shown again.
_REFUSAL = "_brobyg_service_refusal"


class ServiceAdminMixin:
    """A model admin whose saves go through the app's services (`save_model`, `save_formset`).

    The admin's change view runs in one transaction. When a service refuses the change with a
    ValidationError, all it and the other services wrote is rolled back with it, and the form is
    shown again, as posted, with the refusal on the field it names (or above the form): a form
    error, like any other, instead of a server error.
    """

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:
            if request.method != "POST" or hasattr(request, _REFUSAL):
                raise
            setattr(request, _REFUSAL, refusal)
            # The same POST again: this time the form carries the refusal and saves nothing.
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, **kwargs):
        form_class = super().get_form(request, obj, **kwargs)
        refusal = getattr(request, _REFUSAL, None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):
            def clean(self):
                cleaned = super().clean()
                form_add_service_errors(self, refusal)
                return cleaned

        RefusedForm.__name__ = form_class.__name__
        return RefusedForm

    @staticmethod
    def adopt_saved(obj, saved) -> None:
        """Make the admin's object the row the service saved, so the admin's log, messages and
        redirect (and, for a new object, its inlines) point at that row."""
        obj.pk = saved.pk
        obj._state.adding = False
        obj.refresh_from_db()


def choice_list_field(db_field, choices, **kwargs) -> forms.Field:
    """A JSON list of choices (core.models.list_field) as checkboxes in the admin. The
    service still checks every value: this only spares the person typing JSON."""
    return forms.TypedMultipleChoiceField(
        label=capfirst(db_field.verbose_name),
        help_text=db_field.help_text,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )
