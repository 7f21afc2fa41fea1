import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from core.validators import LONG_TEXT_MAX
from referrals.forms import CitizenFieldsForm


class HomeCareCitizenForm(CitizenFieldsForm):
    team = forms.ModelChoiceField(label=_("Home-care team"), queryset=None, empty_label=None)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        only = list(teams[:2])
        if len(only) == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = only[0].pk


class ReferFromScreeningForm(forms.Form):
    consent_given = forms.BooleanField(
        label=_("The citizen wants to be contacted by a bridge-builder"), required=False
    )
    feedback_consent = forms.BooleanField(
        label=_("The citizen agrees that we are told how it goes"), required=False
    )
    note = forms.CharField(
        label=_("Anything the bridge-builder should know"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LONG_TEXT_MAX,
    )


class CitizensField(forms.MultipleChoiceField):
    """Citizen ids ticked on a page; any well-formed UUID (the selector checks access)."""

    def valid_value(self, value) -> bool:
        try:
            uuid.UUID(str(value))
        except ValueError:
            return False
        return True


class RescreenAssignForm(forms.Form):
    citizens = CitizensField(
        error_messages={"required": _("Tick the citizens to be screened this week.")}
    )
    assignee = forms.ModelChoiceField(
        label=_("Who screens"),
        queryset=None,
        error_messages={"required": _("Choose who screens the citizens.")},
    )

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = members
