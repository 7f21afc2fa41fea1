from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput
from core.slots import ALL_SLOTS, Weekday
from core.validators import LONG_TEXT_MAX, SEARCH_MAX, validate_phone
from referrals.constants import CITIZEN_LANGUAGES, Interest
from referrals.models import postcode_validator
from volunteers.constants import VettingKind, VolunteerRole, VolunteerStatus
from volunteers.services import volunteer_may_leave_once_free, volunteer_status_steps_from

# The week as checkboxes and a list of choices as chips: volunteers' forms use them, and so do
# offers' (a citizen's wishes for matching), which build on volunteers.


class SlotWidget(forms.CheckboxSelectMultiple):
    """The week as a grid: a row per weekday, a column per part of the day (core.slots)."""

    template_name = "offers/widgets/slots.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = {str(v) for v in (value or [])}
        context["widget"]["days"] = [
            {
                "label": Weekday(day).label,
                "slots": [
                    {"value": day * 3 + part, "checked": str(day * 3 + part) in chosen}
                    for part in range(3)
                ],
            }
            for day in range(7)
        ]
        return context


class SlotField(forms.TypedMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(
            choices=[(s, s) for s in ALL_SLOTS],
            coerce=int,
            required=False,
            widget=SlotWidget,
            **kwargs,
        )


def chip_checkboxes(choices, label, **kwargs):
    return forms.MultipleChoiceField(
        label=label,
        choices=choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "brobyg-chips"}),
        **kwargs,
    )


class VolunteerForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages={"required": _("Write the volunteer's first name.")},
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        error_messages={"required": _("Write the volunteer's last name.")},
    )
    phone = forms.CharField(
        label=_("Phone"), max_length=32, required=False, validators=[validate_phone]
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    postcode = forms.CharField(
        label=_("Postcode"),
        max_length=4,
        validators=[postcode_validator],
        error_messages={"required": _("Write the postcode where the volunteer lives.")},
    )
    roles = chip_checkboxes(VolunteerRole.choices, _("Roles"))
    interests = chip_checkboxes(Interest.choices, _("Interests"))
    languages = chip_checkboxes(CITIZEN_LANGUAGES, _("Languages"))
    slots = SlotField(label=pgettext_lazy("the times of the week someone has", "Free"))
    capacity = forms.IntegerField(
        label=_("Citizens at a time"),
        min_value=1,
        max_value=20,
        initial=1,
        error_messages={"required": _("Write how many citizens the volunteer can have at a time.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX,
    )


class VettingForm(forms.Form):
    vetting_kind = forms.ChoiceField(label=_("Certificate"), choices=VettingKind.choices)
    vetting_requested_on = forms.DateField(label=_("Requested"), required=False, widget=DateInput())
    vetting_seen_on = forms.DateField(label=_("Seen"), required=False, widget=DateInput())
    vetting_note = forms.CharField(
        label=_("Assessment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX,
    )
    certificate_deleted_on = forms.DateField(
        label=_("Certificate deleted"), required=False, widget=DateInput()
    )


class VolunteerStatusForm(forms.Form):
    """The statuses the volunteer can go to from where they are (the service's own steps,
    volunteer_status_steps_from); why they left only when leaving is one of them."""

    status = forms.ChoiceField(label=_("New status"), choices=VolunteerStatus.choices)
    reason = forms.CharField(label=_("Why they left"), required=False, max_length=300)

    def __init__(self, *args, volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        steps = volunteer_status_steps_from(volunteer)
        self.fields["status"].choices = [
            (value, label) for value, label in VolunteerStatus.choices if value in steps
        ]
        if volunteer_may_leave_once_free(volunteer):
            self.fields["status"].help_text = _(
                "To mark the volunteer as left, end their matches first."
            )
        if VolunteerStatus.LEFT not in steps:
            del self.fields["reason"]


class VolunteerRequestForm(forms.Form):
    role = forms.ChoiceField(label=_("Wants a"), choices=VolunteerRole.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=300)


class VolunteerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=SEARCH_MAX)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *VolunteerStatus.choices]
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All")), *VolunteerRole.choices]
    )
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[
            ("name", _("Name")),
            ("renewal", _("Certificate renewal")),
            ("free", _("Most room")),
            ("newest", _("Newest")),
        ],
    )
