from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from referrals.constants import AgeBand
from stats.constants import FILTER_AGE_BANDS, Interval
from stats.filters import district_choices, filters_from_params, statistics_teams


class StatisticsFilterForm(forms.Form):
    """The dashboard's filters. Field names are the API's query parameters (`from`, `to`, …),
    and the same function reads both, so the page and the API narrow alike."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        month = {"type": "month", "placeholder": "ÅÅÅÅ-MM"}
        self.fields["from"] = forms.CharField(
            label=_("From month"), required=False, widget=forms.TextInput(attrs=month)
        )
        self.fields["to"] = forms.CharField(
            label=_("To month"), required=False, widget=forms.TextInput(attrs=month)
        )
        self.fields["interval"] = forms.ChoiceField(
            label=_("Per"), required=False, choices=Interval.choices
        )
        self.fields["team"] = forms.ChoiceField(
            label=_("Team"),
            required=False,
            choices=[("", _("All teams"))]
            + [(str(t.pk), str(t)) for t in statistics_teams().order_by("name")],
        )
        self.fields["district"] = forms.ChoiceField(
            label=_("District"),
            required=False,
            choices=[("", _("All districts"))] + [(d, d) for d in district_choices()],
        )
        self.fields["age_band"] = forms.ChoiceField(
            label=_("Age band"),
            required=False,
            choices=[("", _("All ages"))] + [(b, AgeBand(b).label) for b in FILTER_AGE_BANDS],
        )

    def clean(self):
        cleaned = super().clean()
        try:
            self.filters = filters_from_params(self.data)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return cleaned
