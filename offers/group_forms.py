"""The forms of the coordinator's pages about groups on an offer (offers/views/groups.py), and
of the groups section on the offer's page (offers/templatetags/offer_groups.py)."""

from django import forms
from django.utils.translation import gettext_lazy

from core.forms import DateInput
from offers.constants import MatchEndReason
from offers.match_groups import group_volunteer_choices
from volunteers.constants import VolunteerRole
from volunteers.models import Volunteer


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
