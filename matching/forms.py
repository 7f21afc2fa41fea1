"""The forms of matching: the citizen's wishes, proposals and the steps of a match, the
coordinator's answer and attendance, contact agreements and their log, waiting lists and groups."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput, DateTimeInput
from core.validators import LONG_TEXT_MAX, validate_meeting_date
from matching.match_groups import group_volunteer_choices
from matching.models import ContactChannel, ContactOutcome, ContactRhythm
from matching.services.contact import TOPICS_MAX
from offers.constants import (
    ActivityKind,
    Interest,
    MatchEndReason,
    TargetGroup,
    Weekday,
)
from offers.models import Offer
from offers.schedules import possible_meeting_dates
from offers.selectors import directory_date
from referrals.constants import CITIZEN_LANGUAGES
from volunteers.constants import VolunteerRole
from volunteers.forms import SlotField, chip_checkboxes
from volunteers.models import Volunteer


class MatchProfileForm(forms.Form):
    activity_kinds = chip_checkboxes(ActivityKind.choices, _("Would like"))
    interests = chip_checkboxes(Interest.choices, _("Interests"))
    target_groups = chip_checkboxes(TargetGroup.choices, _("Belongs to"))
    slots = SlotField(label=pgettext_lazy("the times of the week someone has", "Free"))
    max_distance_km = forms.IntegerField(
        label=_("How far will the citizen go (km)"),
        min_value=1,
        max_value=200,
        initial=10,
        error_messages={"required": _("Write how far the citizen will go, in km.")},
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
    target = forms.UUIDField(
        error_messages={"required": _("Choose the offer or volunteer to propose.")}
    )
    role = forms.CharField(required=False, max_length=32)


class FirstMeetingForm(forms.Form):
    at = forms.DateTimeField(
        label=_("When"),
        widget=DateTimeInput(),
        validators=[validate_meeting_date],
        error_messages={"required": _("Write when the first meeting is.")},
    )
    accompaniment = forms.BooleanField(label=_("Someone goes along (følgeskab)"), required=False)
    accompanied_by = forms.CharField(label=_("Who goes along"), required=False, max_length=200)


class MatchEndForm(forms.Form):
    # Nothing chosen to begin with: a match never ends "lasting" because nobody changed the list.
    reason = forms.ChoiceField(
        label=_("Why"),
        choices=[("", _("Choose …")), *MatchEndReason.choices],
        error_messages={"required": _("Choose why the match ends.")},
    )
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


class AttendanceForm(forms.Form):
    date = forms.DateField(
        label=_("Session date"),
        widget=DateInput(),
        initial=timezone.localdate,
        error_messages={"required": _("Write the date of the session.")},
    )

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
    starts_on = forms.DateField(
        label=gettext_lazy("From"),
        widget=DateInput(),
        error_messages={"required": _("Write the day the agreement starts.")},
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Until"),
        required=False,
        widget=DateInput(),
        help_text=gettext_lazy("E.g. after six months. Empty: no end."),
    )


class ContactLogForm(forms.Form):
    """One contact. The agreed dates offered are those not logged yet and not in the future
    (matching.contact.ContactOverview.open_dates), newest first; a contact besides them is
    possible when it happened."""

    expected_on = forms.ChoiceField(
        label=gettext_lazy("Which contact"), required=False, widget=forms.RadioSelect
    )
    outcome = forms.ChoiceField(
        label=gettext_lazy("Did it happen?"),
        choices=ContactOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose whether the contact happened.")},
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
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=200,
        error_messages={"required": _("Give the group a name.")},
    )
    size = forms.IntegerField(
        label=gettext_lazy("Citizens in the group"),
        min_value=1,
        max_value=100,
        error_messages={"required": _("Write how many citizens the group has room for.")},
        help_text=gettext_lazy("At most the offer's places."),
    )
    starts_on = forms.DateField(
        label=gettext_lazy("From"),
        widget=DateInput(),
        error_messages={"required": _("Write the day the group starts.")},
    )
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


# How far back the attendance form offers the days an offer met.
ATTENDANCE_WEEKS_BACK = 12
