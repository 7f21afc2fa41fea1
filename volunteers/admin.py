from django.contrib import admin

from core.admin import AuditedAdminMixin
from volunteers.models import Volunteer


@admin.register(Volunteer)
class VolunteerAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["first_name", "last_name", "team", "status", "load", "capacity"]
    list_filter = ["status", "team"]
    search_fields = ["first_name", "last_name", "postcode"]
    readonly_fields = ["load"]
