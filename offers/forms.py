from datetime import date, timedelta

from django import forms
from django.forms import formset_factory
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DateTimeInput
from core.validators import LONG_TEXT_MAX, validate_meeting_date, validate_phone
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
from offers.match_groups import group_volunteer_choices
from offers.models import ContactChannel, ContactOutcome, ContactRhythm, Offer, OfferSchedule
from offers.schedules import possible_meeting_dates
from offers.selectors import directory_date
from offers.services.contact import TOPICS_MAX
from offers.services.offers import SCHEDULE_FIELDS, offer_data_errors, schedule_errors
from referrals.constants import CITIZEN_LANGUAGES
from referrals.models import postcode_validator
from volunteers.constants import VolunteerRole
from volunteers.forms import SlotField, chip_checkboxes
from volunteers.models import Volunteer


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
    # Barriers someone solves: who drives, who goes along, who interprets.
    needs_companion = forms.BooleanField(label=_("Needs someone to go along"), required=False)
    companion_arranged_by = forms.CharField(
        label=_("Going along arranged with"),
        required=False,
        max_length=200,
        help_text=_("E.g. 'her daughter'. Empty: not arranged yet."),
    )
    transport_arranged_by = forms.CharField(
        label=_("Transport arranged with"),
        required=False,
        max_length=200,
        help_text=_("E.g. 'a neighbour who drives'. Empty: not arranged yet."),
    )
    language_help_arranged_by = forms.CharField(
        label=_("Interpreter arranged with"),
        required=False,
        max_length=200,
        help_text=_("E.g. 'her son interprets'. Empty: not arranged yet."),
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


# How far back the attendance form offers the days an offer met.
ATTENDANCE_WEEKS_BACK = 12


class AttendanceForm(forms.Form):
    date = forms.DateField(label=_("Session date"), widget=DateInput(), initial=timezone.localdate)

    def __init__(self, *args, matches=(), offer=None, **kwargs):
        super().__init__(*args, **kwargs)
        if offer is not None:
            # The days the offer met lately, the latest first: attendance is for those only.
            today = timezone.localdate()
            days = possible_meeting_dates(
                offer.schedules.all(), today - timedelta(weeks=ATTENDANCE_WEEKS_BACK), today
            )[::-1]
            self.fields["date"] = forms.TypedChoiceField(
                label=_("Session date"),
                choices=[(day.isoformat(), directory_date(day, weekday=True)) for day in days],
                coerce=date.fromisoformat,
                initial=days[0].isoformat() if days else None,
            )
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


class ContactAgreementForm(forms.Form):
    rhythm = forms.ChoiceField(label=gettext_lazy("How often"), choices=ContactRhythm.choices)
    weekday = forms.TypedChoiceField(label=gettext_lazy("Day"), choices=Weekday.choices, coerce=int)
    at = forms.TimeField(
        label=gettext_lazy("Time"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=gettext_lazy("Empty: by arrangement."),
    )
    channel = forms.ChoiceField(label=gettext_lazy("How"), choices=ContactChannel.choices)
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    ends_on = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("E.g. after six months. Empty: no end."),
    )


class ContactLogForm(forms.Form):
    """One contact. The agreed dates offered are those not logged yet and not in the future
    (offers.contact.ContactOverview.open_dates), newest first; a contact besides them is
    possible when it happened."""

    expected_on = forms.ChoiceField(
        label=gettext_lazy("Which contact"), required=False, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Did it happen?"),
        choices=ContactOutcome.choices,
        widget=forms.RadioSelect,
    )
    on = forms.DateField(
        label=gettext_lazy("Another day than agreed"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("Only if you spoke or met on another day."),
    )
    topics_next_time = forms.CharField(
        label=gettext_lazy("Topics for next time"),
        required=False,
        max_length=TOPICS_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "What you parked to talk about next time. It is shown when the next contact is logged."
        ),
    )
    concern = forms.CharField(
        label=gettext_lazy("A concern"),
        required=False,
        max_length=LONG_TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("It goes to the bridge-builder at once."),
    )
    worried = forms.BooleanField(label=gettext_lazy("I am worried"), required=False)

    def __init__(self, *args, open_dates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expected_on"].choices = [
            *[(day.isoformat(), directory_date(day, weekday=True)) for day in open_dates],
            ("", gettext("A contact besides the agreed ones")),
        ]
        if not self.is_bound:
            self.initial.setdefault("expected_on", open_dates[0].isoformat() if open_dates else "")

    def clean_expected_on(self):
        value = self.cleaned_data["expected_on"]
        return date.fromisoformat(value) if value else None

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "expected_on": data["expected_on"],
            "on": data["on"],
            "topics_next_time": data["topics_next_time"],
            "concern": data["concern"],
            "worried": data["worried"],
        }


class WaitingListJoinForm(forms.Form):
    offer = forms.ModelChoiceField(
        queryset=Offer.objects.all(),
        error_messages={
            "required": gettext_lazy("Choose the offer to wait for."),
            "invalid_choice": gettext_lazy("Choose the offer to wait for."),
        },
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    size = forms.IntegerField(
        label=gettext_lazy("Citizens in the group"),
        min_value=1,
        max_value=100,
        help_text=gettext_lazy("At most the offer's places."),
    )
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=DateInput())
    ends_on = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("E.g. after six months. Empty: no end."),
    )
    rhythm = forms.CharField(
        label=gettext_lazy("How often they meet"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("E.g. 'Twice a month, at the host's'. Empty: when the offer meets."),
    )
    host = forms.ModelChoiceField(
        label=gettext_lazy("Host"),
        queryset=Volunteer.objects.none(),
        required=False,
        empty_label=gettext_lazy("No host in Brobyg"),
        help_text=gettext_lazy(
            "One of your volunteers who hosts. Where the group meets in a private home, they need "
            "a valid certificate."
        ),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = group_volunteer_choices(user=user, role=VolunteerRole.HOST)


class GroupCitizenForm(forms.Form):
    match = forms.ChoiceField(
        label=gettext_lazy("Citizen"),
        error_messages={
            "required": gettext_lazy("Choose a citizen with a match to the offer."),
            "invalid_choice": gettext_lazy("Choose a citizen with a match to the offer."),
        },
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = {str(match.pk): match for match in candidates}
        self.fields["match"].choices = [("", "")] + [
            (pk, match.citizen_for_provider) for pk, match in self.candidates.items()
        ]


class GroupVolunteerForm(forms.Form):
    volunteer = forms.ModelChoiceField(
        label=gettext_lazy("Volunteer"),
        queryset=Volunteer.objects.none(),
        error_messages={
            "required": gettext_lazy("Choose one of your volunteers."),
            "invalid_choice": gettext_lazy("Choose one of your volunteers."),
        },
    )
    role = forms.ChoiceField(label=gettext_lazy("As"), choices=VolunteerRole.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = group_volunteer_choices(user=user)


def _end_reasons(empty):
    return [("", empty), *MatchEndReason.choices]


class GroupCitizenRemoveForm(forms.Form):
    end_reason = forms.ChoiceField(
        label=gettext_lazy("The match with the offer"),
        required=False,
        choices=_end_reasons(gettext_lazy("goes on")),
    )


class GroupEndForm(forms.Form):
    end_matches = forms.BooleanField(
        label=gettext_lazy("End the citizens' matches with the offer too"),
        required=False,
        help_text=gettext_lazy(
            "Otherwise each citizen's bridge-builder decides, and their matches go on."
        ),
    )
    end_reason = forms.ChoiceField(
        label=gettext_lazy("Why the matches ended"),
        required=False,
        choices=_end_reasons("–"),
    )
