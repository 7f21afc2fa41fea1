from django import forms
from django.forms import formset_factory
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.validators import LONG_TEXT_MAX, validate_phone
from offers.constants import (
    UNMET_NEED_GROUP_SORTS,
    UNMET_NEED_WISH_ORDERS,
    ActivityKind,
    Frequency,
    Interest,
    PriceKind,
    Strategy,
    TargetGroup,
    UnmetNeedStatus,
    Weekday,
)
from offers.models import OfferSchedule
from offers.services.offers import SCHEDULE_FIELDS, offer_data_errors, schedule_errors
from referrals.constants import CITIZEN_LANGUAGES
from referrals.models import postcode_validator
from volunteers.forms import chip_checkboxes


class OfferForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        error_messages={"required": _("Give the offer a title.")},
    )
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONG_TEXT_MAX,
        error_messages={"required": _("Describe the offer.")},
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
    host_phone = forms.CharField(
        label=_("Host's phone"), required=False, max_length=32, validators=[validate_phone]
    )
    host_note = forms.CharField(
        label=_("How the host welcomes newcomers"), required=False, max_length=300
    )
    accompaniment_possible = forms.BooleanField(
        label=_("Accompaniment possible the first time"), required=False
    )
    call_before_sessions = forms.BooleanField(
        label=_("Call each citizen before every session"),
        required=False,
        help_text=_("'Are you coming tomorrow?': the bridge-builders get a call on their tasks."),
    )
    call_days_before = forms.IntegerField(
        label=_("Days before the session"),
        required=False,
        min_value=1,
        max_value=7,
        initial=1,
        help_text=_("1: the day before."),
    )
    contact_email = forms.EmailField(label=_("E-mail"), required=False)
    contact_phone = forms.CharField(
        label=_("Phone"), required=False, max_length=32, validators=[validate_phone]
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    is_public = forms.BooleanField(
        label=_("Show in the public directory"), required=False, initial=True
    )

    def __init__(self, *args, organisations=None, offer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        if organisations is not None:
            self.fields = {
                "organisation": forms.ModelChoiceField(
                    label=_("Run by"), queryset=organisations, empty_label=None
                ),
                **self.fields,
            }

    def clean(self):
        cleaned = super().clean()
        # What the services would refuse is said now, on its field, with everything else that
        # is wrong: not one refusal per save.
        for field, messages in offer_data_errors(self.offer_data(), instance=self.offer).items():
            if field in self.fields and field not in self.errors:
                self.add_error(field, messages)
        return cleaned

    def offer_data(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "organisation"}
        if data.get("call_days_before") is None:
            # Left empty: as it was (a new offer: the day before).
            data.pop("call_days_before", None)
        return data


class ScheduleForm(forms.Form):
    # The meeting time the row shows, so that a save changes that one and keeps the others.
    id = forms.UUIDField(required=False, widget=forms.HiddenInput)
    frequency = forms.ChoiceField(
        label=_("How often"), choices=[("", "–"), *Frequency.choices], required=False
    )
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
    valid_from = forms.DateField(
        label=capfirst(OfferSchedule._meta.get_field("valid_from").verbose_name),
        required=False,
        widget=DateInput(),
        help_text=_("Every other week: the weeks are counted from here."),
    )
    valid_until = forms.DateField(
        label=capfirst(OfferSchedule._meta.get_field("valid_until").verbose_name),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: no end."),
    )

    def __init__(self, *args, number=None, **kwargs):
        super().__init__(*args, **kwargs)
        # "Meeting 2: ...", as the coordinator counts the rows.
        self.number = number

    def clean(self):
        cleaned = super().clean()
        if self.is_blank() or cleaned.get("DELETE"):
            return cleaned
        for field, message in schedule_errors(cleaned, number=self.number or 1).items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned

    def is_blank(self) -> bool:
        """Nothing filled in: an empty row for one more meeting time, not a meeting time."""
        data = getattr(self, "cleaned_data", {})
        return all(data.get(field) in (None, "") for field in SCHEDULE_FIELDS)


class BaseScheduleFormSet(forms.BaseFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "number": None if index is None else index + 1}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["DELETE"].label = _("Remove this meeting time")


ScheduleFormSet = formset_factory(
    ScheduleForm, formset=BaseScheduleFormSet, extra=1, max_num=10, can_delete=True
)


class UnmetNeedForm(forms.Form):
    """The case page's "no fitting offer exists" (its fields prefixed, like the page's others)."""

    prefix = "need"
    category = forms.ChoiceField(
        label=_("Kind of offer"),
        choices=[("", _("Choose…")), *ActivityKind.choices],
        error_messages={"required": _("Choose the kind of offer that is missing.")},
    )
    wanted = forms.CharField(
        label=_("What the citizen would like"),
        max_length=300,
        error_messages={"required": _("Write what the citizen would like.")},
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
