from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from referrals.cpr import cpr_parse


class CitizenLookupForm(forms.Form):
    cpr = forms.CharField(
        label=_("CPR number"), required=False, max_length=11, help_text=_("DDMMYY-SSSS")
    )
    birth_date = forms.DateField(label=_("Date of birth"), required=False, widget=DateInput())
    name = forms.CharField(label=_("Name"), required=False, max_length=200)

    def clean_cpr(self):
        cpr = self.cleaned_data["cpr"].strip()
        if cpr:
            try:
                cpr_parse(cpr)
            except ValidationError as exc:
                raise forms.ValidationError(exc.messages) from exc
        return cpr

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("cpr") and not (cleaned.get("birth_date") and cleaned.get("name")):
            raise forms.ValidationError(
                _("Give the CPR number, or the date of birth and the name, of the person.")
            )
        return cleaned


class AccessLogFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class EraseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text=_(
            "Which request this answers, e.g. “the citizen's letter of 3 March”. "
            "Do not repeat the personal data."
        ),
        error_messages={"required": _("Write which request the erasure answers.")},
    )
    confirm = forms.BooleanField(
        label=_("I understand that the citizen's personal data is removed for good."),
        required=True,
        error_messages={
            "required": _("Tick the box to confirm that the personal data is removed for good.")
        },
    )
