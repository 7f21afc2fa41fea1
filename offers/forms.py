from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.forms import DateInput, DateTimeInput
from core.validators import LONG_TEXT_MAX, validate_meeting_date
from offers.constants import (
    UNMET_NEED_GROUP_SORTS,
    UNMET_NEED_WISH_ORDERS,
    ActivityKind,
    Frequency,
    Interest,
    MatchEndReason,
    PriceKind,
    Strategy,
    TargetGroup,
    UnmetNeedStatus,
    Weekday,
)
from referrals.constants import CITIZEN_LANGUAGES
from referrals.models import postcode_validator
from volunteers.forms import SlotField, chip_checkboxes


class MatchProfileForm(forms.Form):
    activity_kinds = chip_checkboxes(ActivityKind.choices, _("Would like"))
    interests = chip_checkboxes(Interest.choices, _("Interests"))
    target_groups = chip_checkboxes(TargetGroup.choices, _("Belongs to"))
    slots = SlotField(label=pgettext_lazy("the times of the week someone has", "Free"))
    max_distance_km = forms.IntegerField(
        label=_("How far will the citizen go (km)"), min_value=1, max_value=200, initial=10
    )
    other_languages = chip_checkboxes(CITIZEN_LANGUAGES, _("Also speaks"))
    wants_company_of_others = forms.BooleanField(
        label=_("Would like to go with another citizen"), required=False
    )
    accepts_remote = forms.BooleanField(
        label=_("Would take part by phone or online"), required=False
    )
    wishes = forms.CharField(
        label=_("Wishes in the citizen's own words"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX,
    )


class ProposeForm(forms.Form):
    kind = forms.ChoiceField(choices=[("offer", "offer"), ("volunteer", "volunteer")])
    target = forms.UUIDField()
    role = forms.CharField(required=False, max_length=32)


class FirstMeetingForm(forms.Form):
    at = forms.DateTimeField(
        label=_("When"), widget=DateTimeInput(), validators=[validate_meeting_date]
    )
    accompaniment = forms.BooleanField(label=_("Someone goes along (følgeskab)"), required=False)
    accompanied_by = forms.CharField(label=_("Who goes along"), required=False, max_length=200)


class MatchEndForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=MatchEndReason.choices)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=LONG_TEXT_MAX,
    )


class RespondForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes"
    )
    note = forms.CharField(label=_("Why not"), required=False, max_length=500)


class FirstMeetingOutcomeForm(forms.Form):
    came = forms.TypedChoiceField(
        choices=[("yes", _("Yes")), ("no", _("No"))], coerce=lambda v: v == "yes"
    )


class OfferForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), max_length=LONG_TEXT_MAX
    )
    strategy = forms.ChoiceField(label=_("Intervention strategy"), choices=Strategy.choices)
    activity_kinds = chip_checkboxes(ActivityKind.choices, _("Categories"))
    interests = chip_checkboxes(Interest.choices, _("Interests"))
    target_groups = chip_checkboxes(TargetGroup.choices, _("Target groups"))
    age_min = forms.IntegerField(label=_("Youngest age"), required=False, min_value=0)
    age_max = forms.IntegerField(label=_("Oldest age"), required=False, max_value=120)
    is_group = forms.BooleanField(label=_("Group offer"), required=False, initial=True)
    is_remote = forms.BooleanField(label=_("By phone or online"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=4, required=False, validators=[postcode_validator]
    )
    city = forms.CharField(label=_("Town"), max_length=100, required=False)
    capacity = forms.IntegerField(
        label=_("Places"), required=False, min_value=1, help_text=_("Empty: no limit.")
    )
    price_kind = forms.ChoiceField(label=_("Price"), choices=PriceKind.choices)
    price_amount = forms.DecimalField(
        label=_("Price in kroner"), required=False, min_value=0, decimal_places=2
    )
    price_note = forms.CharField(label=_("About the price"), required=False, max_length=200)
    fritidspas = forms.BooleanField(label=_("Fritidspas accepted"), required=False)
    wheelchair_accessible = forms.BooleanField(label=_("Wheelchair access"), required=False)
    hearing_loop = forms.BooleanField(label=_("Hearing loop"), required=False)
    accessibility_note = forms.CharField(label=_("About access"), required=False, max_length=300)
    transport_offered = forms.BooleanField(label=_("Transport offered"), required=False)
    transport_note = forms.CharField(label=_("About transport"), required=False, max_length=300)
    languages = chip_checkboxes(CITIZEN_LANGUAGES, _("Languages"))
    host_name = forms.CharField(label=_("Host"), required=False, max_length=200)
    host_phone = forms.CharField(label=_("Host's phone"), required=False, max_length=32)
    host_note = forms.CharField(
        label=_("How the host welcomes newcomers"), required=False, max_length=300
    )
    accompaniment_possible = forms.BooleanField(
        label=_("Accompaniment possible the first time"), required=False
    )
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    contact_phone = forms.CharField(label=_("Phone"), required=False, max_length=32)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    is_public = forms.BooleanField(
        label=_("Show in the public directory"), required=False, initial=True
    )

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        if organisations is not None:
            self.fields = {
                "organisation": forms.ModelChoiceField(
                    label=_("Run by"), queryset=organisations, empty_label=None
                ),
                **self.fields,
            }

    def offer_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "organisation"}


class ScheduleForm(forms.Form):
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency.choices, required=False)
    weekday = forms.TypedChoiceField(
        label=_("Weekday"),
        choices=[("", "–"), *Weekday.choices],
        coerce=int,
        required=False,
        empty_value=None,
    )
    week_of_month = forms.TypedChoiceField(
        label=_("Week of the month"),
        choices=[
            ("", "–"),
            (1, _("first")),
            (2, _("second")),
            (3, _("third")),
            (4, _("fourth")),
            (-1, _("last")),
        ],
        coerce=int,
        required=False,
        empty_value=None,
    )
    date = forms.DateField(label=_("Date"), required=False, widget=DateInput())
    starts_at = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    ends_at = forms.TimeField(
        label=_("To"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def is_blank(self) -> bool:
        return not (self.cleaned_data.get("frequency") and self.cleaned_data.get("starts_at"))


ScheduleFormSet = formset_factory(ScheduleForm, extra=1, max_num=10)


class AttendanceForm(forms.Form):
    date = forms.DateField(label=_("Session date"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, matches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.matches = list(matches)
        for match in self.matches:
            # A first name only where the citizen agreed to share with this offer.
            self.fields[f"came_{match.pk}"] = forms.BooleanField(
                label=match.citizen_for_provider, required=False, initial=True
            )

    def attended(self) -> dict:
        return {m.pk: self.cleaned_data.get(f"came_{m.pk}", False) for m in self.matches}


class UnmetNeedForm(forms.Form):
    """The case page's "no fitting offer exists" (its fields prefixed, like the page's others)."""

    prefix = "need"
    category = forms.ChoiceField(
        label=_("Kind of offer"), choices=[("", _("Choose…")), *ActivityKind.choices]
    )
    wanted = forms.CharField(
        label=_("What the citizen would like"),
        max_length=300,
        help_text=_("In a few words, without names: coordinators read it to see what is missing."),
        widget=forms.TextInput(attrs={"placeholder": _("E.g. a group that writes life stories")}),
    )
    postcode = forms.CharField(
        label=_("Area (postcode)"),
        required=False,
        max_length=4,
        validators=[postcode_validator],
        help_text=_("Empty: where the citizen lives."),
    )


class UnmetNeedFilterForm(forms.Form):
    """The coordinators' list of unmet needs: which, and in what order."""

    area = forms.CharField(
        label=_("Area (postcode)"), required=False, max_length=4, validators=[postcode_validator]
    )
    category = forms.ChoiceField(
        label=_("Kind of offer"),
        required=False,
        choices=[("", _("All kinds")), *ActivityKind.choices],
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[*UnmetNeedStatus.choices, ("all", _("All"))],
    )
    sort = forms.ChoiceField(
        label=_("Sort the groups"), required=False, choices=list(UNMET_NEED_GROUP_SORTS.items())
    )
    order = forms.ChoiceField(
        label=_("Sort the wishes"), required=False, choices=list(UNMET_NEED_WISH_ORDERS.items())
    )

    def clean_status(self):
        return self.cleaned_data.get("status") or UnmetNeedStatus.OPEN

    def clean_sort(self):
        return self.cleaned_data.get("sort") or "count"

    def clean_order(self):
        return self.cleaned_data.get("order") or "newest"
