from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst

from audit.constants import AuditAction
from audit.services import audit_record
from core.forms import form_add_service_errors


class AuditedAdminMixin:
    """Changes made in the Django admin go into the audit trail like any other change."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        names = {f.name for f in obj._meta.get_fields()}
        audit_record(
            actor=request.user,
            action=AuditAction.UPDATE if change else AuditAction.CREATE,
            obj=obj,
            fields=[name for name in form.changed_data if name in names] if change else [],
            request=request,
        )

    def delete_model(self, request, obj):
        audit_record(actor=request.user, action=AuditAction.DELETE, obj=obj, request=request)
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        deleted = [f.instance for f in formset.deleted_forms if f.instance.pk]
        for obj in deleted:
            audit_record(actor=request.user, action=AuditAction.DELETE, obj=obj, request=request)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            audit_record(actor=request.user, action=AuditAction.CREATE, obj=obj, request=request)
        for obj, changed in formset.changed_objects:
            names = {f.name for f in obj._meta.get_fields()}
            audit_record(
                actor=request.user,
                action=AuditAction.UPDATE,
                obj=obj,
                fields=[name for name in changed if name in names],
                request=request,
            )


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
    """A JSON list of choices (offers.models._list_field) as checkboxes in the admin. The
    service still checks every value: this only spares the person typing JSON."""
    return forms.TypedMultipleChoiceField(
        label=capfirst(db_field.verbose_name),
        help_text=db_field.help_text,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        **kwargs,
    )
