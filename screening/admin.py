from django.contrib import admin

from audit.admin import AuditedAdminMixin
from screening.models import Instrument, TeamScreeningSettings, TriageColour, TriageScheme


class TriageColourInline(admin.TabularInline):
    model = TriageColour
    extra = 0
    fields = [
        "rank",
        "code",
        "label",
        "hex",
        "min_score",
        "max_score",
        "meaning",
        "next_step",
        "deadline_days",
    ]


@admin.register(TriageScheme)
class TriageSchemeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Editing a scheme changes the colour of new screenings only: each screening keeps a
    copy of the colour it was given."""

    list_display = ["name", "is_default", "raise_on_direct_often"]
    inlines = [TriageColourInline]


@admin.register(TeamScreeningSettings)
class TeamScreeningSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["team", "scheme", "rescreen_interval_days"]
    list_select_related = ["team__organisation", "scheme"]
    autocomplete_fields = ["team"]


@admin.register(Instrument)
class InstrumentAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "code", "version", "is_active"]
    list_filter = ["code", "is_active"]

    def get_readonly_fields(self, request, obj=None):
        # A version in use is kept as it was: a new wording is a new version.
        return ["code", "version", "definition"] if obj else []
