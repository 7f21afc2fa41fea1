from django.contrib import admin

from medcom.models import MedComMessage, MedComReply


class _ReadOnly(admin.ModelAdmin):
    """What arrived and went, for the municipality's IT: no citizen's data (the message itself
    is on the case, for the bridge-builders who may see it)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MedComMessage)
class MedComMessageAdmin(_ReadOnly):
    list_display = ["created_at", "header_id", "sender_name", "sender_sor", "receiver_sor"]
    search_fields = ["header_id", "sender_sor", "receiver_sor"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "header_id",
        "sent_at",
        "sender_name",
        "sender_sor",
        "receiver_name",
        "receiver_sor",
        "received_by",
        "consent_confirmed_at",
    ]
    readonly_fields = fields


@admin.register(MedComReply)
class MedComReplyAdmin(_ReadOnly):
    list_display = ["created_at", "header_id", "event", "fetched_at"]
    list_filter = ["event"]
    search_fields = ["header_id"]
    date_hierarchy = "created_at"
    fields = ["created_at", "header_id", "event", "fetched_at", "fetched_by"]
    readonly_fields = fields
