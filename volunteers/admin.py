from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin import AuditedAdminMixin
from core.admin import ServiceAdminMixin, choice_list_field
from core.slots import slot_choices
from referrals.constants import CITIZEN_LANGUAGES, Interest
from volunteers.constants import VolunteerRole
from volunteers.models import Volunteer
from volunteers.services import (
    VETTING_FIELDS,
    VOLUNTEER_FIELDS,
    volunteer_create,
    volunteer_record_vetting,
    volunteer_set_status,
    volunteer_update,
)

_VOLUNTEER_CHOICE_LISTS = {
    "roles": {"choices": VolunteerRole.choices},
    "interests": {"choices": Interest.choices},
    "languages": {"choices": CITIZEN_LANGUAGES},
    "slots": {"choices": slot_choices, "coerce": int},
}


class VolunteerAdminForm(forms.ModelForm):
    # Given with a change of status to "left", as on the volunteer's page; kept as left_reason.
    reason = forms.CharField(
        label=_("Why they left"),
        required=False,
        max_length=300,
        help_text=_("Give it when you set the status to Left."),
    )

    class Meta:
        model = Volunteer
        fields = ["team", *VOLUNTEER_FIELDS, "status", *VETTING_FIELDS]


@admin.register(Volunteer)
class VolunteerAdmin(ServiceAdminMixin, AuditedAdminMixin, admin.ModelAdmin):
    """Every save goes through the volunteer services, as on the coordinators' pages: the
    choices are checked, the place geocoded, the certificate's renewal date set from when it was
    seen, the status moved only by its allowed steps, and each change audited.

    The coordinating team is chosen when the volunteer is registered. A volunteer who has been
    proposed to a citizen leaves (by the status), and is not deleted."""

    form = VolunteerAdminForm
    list_display = ["first_name", "last_name", "team", "status", "load", "capacity"]
    list_filter = ["status", "team"]
    search_fields = ["first_name", "last_name", "postcode"]
    fields = [
        "team",
        "first_name",
        "last_name",
        "email",
        "phone",
        "postcode",
        "latitude",
        "longitude",
        "roles",
        "interests",
        "languages",
        "slots",
        "capacity",
        "load",
        "note",
        "status",
        "reason",
        "left_reason",
        "left_on",
        "vetting_kind",
        "vetting_requested_on",
        "vetting_seen_on",
        "vetting_note",
        "certificate_deleted_on",
        "vetting_renewal_due",
    ]

    def get_readonly_fields(self, request, obj=None):
        # Derived by the services: the place from the postcode, the renewal date from when the
        # certificate was seen, the reason and day of leaving from the change of status.
        readonly = ["latitude", "longitude", "load", "left_reason", "left_on"]
        readonly += ["vetting_renewal_due"]
        if obj is not None:
            # volunteer_update changes the volunteer's own fields, not which team has them.
            readonly = ["team", *readonly]
        return readonly

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in _VOLUNTEER_CHOICE_LISTS:
            return choice_list_field(db_field, **_VOLUNTEER_CHOICE_LISTS[db_field.name])
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        cleaned = form.cleaned_data
        data = {name: cleaned[name] for name in VOLUNTEER_FIELDS if name in cleaned}
        if change:
            volunteer = volunteer_update(volunteer=obj, data=data, actor=request.user)
        else:
            volunteer = volunteer_create(team=cleaned["team"], data=data, actor=request.user)
        vetting = {name: cleaned[name] for name in VETTING_FIELDS if name in cleaned}
        if vetting:
            volunteer = volunteer_record_vetting(
                volunteer=volunteer, data=vetting, actor=request.user
            )
        if cleaned.get("status"):
            volunteer = volunteer_set_status(
                volunteer=volunteer,
                status=cleaned["status"],
                reason=cleaned.get("reason", ""),
                actor=request.user,
            )
        self.adopt_saved(obj, volunteer)

    def get_actions(self, request):
        # Deleting in bulk skips both the audit row and the check for matches below.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        # A volunteer who has been proposed to a citizen is part of that citizen's case: they
        # leave (status "left", with the reason) instead.
        if obj is not None and obj.matches.exists():
            return False
        return super().has_delete_permission(request, obj)
