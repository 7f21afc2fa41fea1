from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from audit.admin import AuditedAdminMixin
from core.admin import ServiceAdminMixin, choice_list_field
from offers.constants import ActivityKind, Interest, OfferStatus, TargetGroup
from offers.models import Offer, OfferSchedule, OrganisationContact
from offers.services import (
    OFFER_FIELDS,
    offer_confirm,
    offer_create,
    offer_set_schedules,
    offer_set_status,
    offer_update,
    schedule_days_and_slots,
)
from referrals.constants import CITIZEN_LANGUAGES

_OFFER_CHOICE_LISTS = {
    "activity_kinds": ActivityKind.choices,
    "interests": Interest.choices,
    "target_groups": TargetGroup.choices,
    "languages": CITIZEN_LANGUAGES,
}

SCHEDULE_FIELDS = [
    "frequency",
    "weekday",
    "week_of_month",
    "date",
    "starts_at",
    "ends_at",
    "valid_from",
    "valid_until",
]


class OfferScheduleInline(admin.TabularInline):
    """The offer's meetings. They are saved together, through offer_set_schedules, which keeps
    the offer's weekdays and times of the week (what matching filters on) in step."""

    model = OfferSchedule
    fields = SCHEDULE_FIELDS
    extra = 0


@admin.register(Offer)
class OfferAdmin(ServiceAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Every save goes through the offer services, as on the coordinators' pages: the choices are
    checked, the place geocoded, the weekdays follow the meetings, and the audit row written.

    The organisation and coordinating team are chosen when the offer is made. An offer that has
    been proposed to a citizen is archived, not deleted; one made by mistake can be deleted."""

    list_display = ["title", "organisation", "postcode", "status", "is_public", "last_confirmed_on"]
    list_filter = ["status", "is_public", "strategy"]
    search_fields = ["title", "organisation__name", "postcode", "city"]
    inlines = [OfferScheduleInline]
    actions = ["archive_offers", "confirm_offers"]

    def get_fields(self, request, obj=None):
        # The form's fields and the read-only ones, in the model's order.
        shown = set(super().get_fields(request, obj))
        return [field.name for field in Offer._meta.fields if field.name in shown]

    def get_readonly_fields(self, request, obj=None):
        # Derived by the services (the place from the address, the days from the meetings), or
        # changed by their own step (confirming, a match taking a place).
        readonly = ["latitude", "longitude", "places_taken", "last_confirmed_on"]
        readonly += ["weekdays", "slots"]
        if obj is not None:
            # offer_update changes the offer's own fields, not whose it is.
            readonly = ["organisation", "team", *readonly]
        return readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in _OFFER_CHOICE_LISTS:
            return choice_list_field(db_field, _OFFER_CHOICE_LISTS[db_field.name])
        if db_field.name == "website":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        data = {name: cleaned[name] for name in OFFER_FIELDS if name in cleaned}
        if change:
            offer = offer_update(offer=obj, data=data, actor=request.user)
        else:
            offer = offer_create(
                organisation=cleaned["organisation"],
                team=cleaned.get("team"),
                data=data,
                actor=request.user,
            )
        if cleaned.get("status"):
            offer = offer_set_status(offer=offer, status=cleaned["status"], actor=request.user)
        self.adopt_saved(obj, offer)

    def save_formset(self, request, form, formset, change):
        if formset.model is not OfferSchedule:
            return super().save_formset(request, form, formset, change)
        offer = form.instance
        rows = []
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for index, row_form in enumerate(formset.forms):
            existing = index < formset.initial_form_count()
            # The admin's change message names each row by its offer.
            row_form.instance.offer = offer
            if row_form.cleaned_data.get("DELETE"):
                if existing:
                    formset.deleted_objects.append(row_form.instance)
                continue
            if not existing and not row_form.has_changed():
                continue  # an empty extra row
            rows.append({name: row_form.cleaned_data.get(name) for name in SCHEDULE_FIELDS})
            if not existing:
                formset.new_objects.append(row_form.instance)
            elif row_form.has_changed():
                formset.changed_objects.append((row_form.instance, row_form.changed_data))
        touched = formset.new_objects or formset.changed_objects or formset.deleted_objects
        # Days saved out of step with the meetings (by an older admin) are put right as well.
        in_step = list(schedule_days_and_slots(offer.schedules.all()))
        stale = [offer.weekdays, offer.slots] != in_step
        if touched or stale:
            offer_set_schedules(offer=offer, schedules=rows, actor=request.user)

    def get_actions(self, request):
        # Deleting in bulk skips both the audit row and the check for matches below.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        # A citizen's match and the attendance at its meetings keep the offer: archive it.
        if obj is not None and (obj.matches.exists() or obj.sessions.exists()):
            return False
        return super().has_delete_permission(request, obj)

    @admin.action(description=_("Archive the selected offers"), permissions=["change"])
    def archive_offers(self, request, queryset):
        archived = 0
        for offer in queryset:
            try:
                offer_set_status(offer=offer, status=OfferStatus.ARCHIVED, actor=request.user)
            except ValidationError as exc:
                self.message_user(request, f"{offer}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                archived += 1
        self.message_user(
            request,
            ngettext("%(count)d offer archived.", "%(count)d offers archived.", archived)
            % {"count": archived},
            messages.SUCCESS,
        )

    @admin.action(description=_("Mark the selected offers as up to date"), permissions=["change"])
    def confirm_offers(self, request, queryset):
        offers = list(queryset)
        for offer in offers:
            offer_confirm(offer=offer, actor=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d offer marked as up to date.",
                "%(count)d offers marked as up to date.",
                len(offers),
            )
            % {"count": len(offers)},
            messages.SUCCESS,
        )


@admin.register(OrganisationContact)
class OrganisationContactAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ["name", "organisation", "title", "phone", "email"]
    search_fields = ["name", "organisation__name"]
