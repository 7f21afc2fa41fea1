from django.contrib import admin

from matching.models import Match


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    """Read-only: matches change through the case page and the coordinator's pages."""

    list_display = ["created_at", "status", "offer", "volunteer", "provider_response"]
    list_filter = ["status", "provider_response"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
