from django.contrib import admin

from core.admin import AuditedAdminMixin
from offers.models import Match, Offer, OfferSchedule, OrganisationContact


class OfferScheduleInline(admin.TabularInline):
    model = OfferSchedule
    extra = 0


@admin.register(Offer)
class OfferAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["title", "organisation", "postcode", "status", "is_public", "last_confirmed_on"]
    list_filter = ["status", "is_public", "strategy"]
    search_fields = ["title", "organisation__name", "postcode", "city"]
    readonly_fields = ["places_taken", "weekdays", "slots"]
    inlines = [OfferScheduleInline]


@admin.register(OrganisationContact)
class OrganisationContactAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "title", "phone", "email"]
    search_fields = ["name", "organisation__name"]


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
