from django.contrib import admin

from audit.admin import AuditedAdminMixin
from places.models import Postcode


@admin.register(Postcode)
class PostcodeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["code", "name", "district", "latitude", "longitude"]
    search_fields = ["code", "name", "district"]
    list_filter = ["district"]
