from django.contrib import admin

from audit.constants import AuditAction
from audit.models import AuditEvent
from audit.services import audit_record


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by the services, never edited by hand."""

    list_display = ["created_at", "actor", "action", "content_type", "object_id", "subject_id"]
    list_filter = ["action", "content_type"]
    search_fields = ["actor__username", "object_id", "subject_id"]
    date_hierarchy = "created_at"
    list_select_related = ["actor", "content_type"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
