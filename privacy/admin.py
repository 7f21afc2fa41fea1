from django.contrib import admin

from privacy.models import AnonymisationRecord


@admin.register(AnonymisationRecord)
class AnonymisationRecordAdmin(admin.ModelAdmin):
    """Read-only: erasures are made on the data-protection page, retention by the nightly job."""

    list_display = ["created_at", "kind", "performed_by", "citizen_id"]
    list_filter = ["kind"]
    date_hierarchy = "created_at"
    fields = ["created_at", "kind", "reason", "performed_by", "citizen_id", "summary"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
