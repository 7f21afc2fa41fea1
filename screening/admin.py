from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.admin import AuditedAdminMixin
from screening import services
from screening.constants import InstrumentStatus
from screening.forms import InstrumentForm, definition_rows
from screening.models import (
    Instrument,
    TeamScreeningSettings,
    TriageColour,
    TriageScheme,
    TriageTransition,
)


class TriageColourInline(admin.TabularInline):
    model = TriageColour
    extra = 0
    fields = [
        "rank",
        "code",
        "label",
        "label_en",
        "hex",
        "min_score",
        "max_score",
        "meaning",
        "meaning_en",
        "next_step",
        "next_step_en",
        "deadline_days",
        "next_step_is_referral",
    ]


class TriageTransitionInline(admin.TabularInline):
    """The scheme's procedure: the steps a citizen may be moved by, from one colour to another
    (Greve: black → purple, "Bekræftet"). The board and the citizen's page offer exactly these;
    a colour outside them is set by hand, with a reason."""

    model = TriageTransition
    extra = 0
    fields = ["order", "from_colour", "to_colour", "label", "reason_required"]
    verbose_name = gettext_lazy("step of the procedure")
    verbose_name_plural = gettext_lazy("the procedure: the steps between the colours")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("from_colour", "to_colour"):
            # Only the colours of the scheme being edited (none yet on a new scheme: save first).
            scheme_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = TriageColour.objects.filter(scheme_id=scheme_id).order_by("rank")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(TriageScheme)
class TriageSchemeAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Editing a scheme changes the colour of new screenings only: each screening keeps a
    copy of the colour it was given, and each citizen's colour on a team stays what it was
    set to. A team that switches to another scheme sees its citizens' colours in the new one
    by the same code, or flagged to be set again."""

    list_display = ["name", "is_default", "raise_on_direct_often"]
    inlines = [TriageColourInline, TriageTransitionInline]


@admin.register(TeamScreeningSettings)
class TeamScreeningSettingsAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = [
        "team",
        "scheme",
        "rescreen_interval_days",
        "extra_time_from_score",
        "extra_time_colour",
        "screen_from_home_help_hours",
    ]
    list_select_related = ["team__organisation", "scheme", "extra_time_colour__scheme"]
    autocomplete_fields = ["team"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "extra_time_colour":
            kwargs["queryset"] = TriageColour.objects.select_related("scheme").order_by(
                "scheme__name", "rank"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """A new version is added, or copied from one, as a draft; edited; and put in use with the
    action, which retires the version in use at the same moment. Every change goes through
    screening.services (which writes the audit trail): screening never stops while versions
    are switched."""

    form = InstrumentForm
    list_display = ["name", "code", "version", "status", "activated_at", "retired_at"]
    list_filter = ["code", "status"]
    actions = ["copy_as_draft", "put_in_use"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["code", "version", "name", "definition"]
        if obj.status == InstrumentStatus.DRAFT:
            return ["code", "version", "name", "status", "definition"]
        return ["code", "version", "name", "status", "activated_at", "retired_at", "wording"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        if obj.status == InstrumentStatus.DRAFT:
            return ["code", "status"]
        # A version that has been in use is kept as it was: screenings used its wording.
        return ["code", "version", "name", "status", "activated_at", "retired_at", "wording"]

    @admin.display(description=gettext_lazy("questions, answers and conversation tips"))
    def wording(self, obj):
        """The version as it was used, every language side by side."""
        rows = definition_rows(obj.definition)
        languages = [code for code, _name in settings.LANGUAGES]
        lines = [
            *[(row["code"], *[row[lang] for lang in languages]) for row in rows["items"]],
            *[
                (f"{row['value']} = {row['score']}", *[row[lang] for lang in languages])
                for row in rows["answers"]
            ],
            *[("–", *[row[lang] for lang in languages]) for row in rows["tips"]],
        ]
        cells = "".join("<td>{}</td>" for _column in range(len(languages) + 1))
        return format_html("<table>{}</table>", format_html_join("", f"<tr>{cells}</tr>", lines))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.instrument_update(
                instrument=obj,
                version=data["version"],
                name=data["name"],
                definition=data["definition"],
                actor=request.user,
            )
            return
        created = services.instrument_create(
            code=data["code"],
            version=data["version"],
            name=data["name"],
            definition=data["definition"],
            actor=request.user,
        )
        # The admin goes on with the row the service made (its log, its "saved" message).
        obj.pk = created.pk
        obj.status = created.status
        obj._state.adding = False

    def has_change_permission(self, request, obj=None):
        # A version that has been in use is shown, never changed: screenings used its wording.
        if obj is not None and obj.status != InstrumentStatus.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        # Only a draft can go: a version that has been in use is what screenings point to.
        if obj is not None and obj.status != InstrumentStatus.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj):
        services.instrument_delete_draft(instrument=obj, actor=request.user)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=gettext_lazy("Copy as a new draft"), permissions=["add", "change"])
    def copy_as_draft(self, request, queryset):
        drafts = [
            services.instrument_copy_as_draft(instrument=instrument, actor=request.user)
            for instrument in queryset.order_by("code", "created_at")
        ]
        for draft in drafts:
            self.message_user(
                request,
                _("%(name)s, version %(version)s, is a draft: edit it, then put it in use.")
                % {"name": draft.name, "version": draft.version},
                messages.SUCCESS,
            )
        if len(drafts) == 1:
            return redirect(reverse("admin:screening_instrument_change", args=[drafts[0].pk]))
        return None

    @admin.action(
        description=gettext_lazy("Put in use (retires the version in use at the same moment)"),
        permissions=["change"],
    )
    def put_in_use(self, request, queryset):
        chosen = list(queryset)
        if len(chosen) != 1:
            self.message_user(request, _("Choose one version to put in use."), messages.ERROR)
            return
        try:
            active = services.instrument_activate(instrument=chosen[0], actor=request.user)
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return
        self.message_user(
            request,
            _(
                "%(name)s, version %(version)s, is in use from now on; the version used "
                "before is retired."
            )
            % {"name": active.name, "version": active.version},
            messages.SUCCESS,
        )
