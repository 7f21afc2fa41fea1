from django import forms
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from audit.constants import AuditAction
from audit.models import AuditEvent
from core.forms import DateInput


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("User name"), required=False)
    action = forms.ChoiceField(
        label=_("Action"), required=False, choices=[("", _("All")), *AuditAction.choices]
    )
    content_type = forms.ModelChoiceField(
        label=_("Kind of record"),
        required=False,
        queryset=ContentType.objects.none(),
        empty_label=_("All"),
    )
    subject_id = forms.UUIDField(label=_("Citizen (id)"), required=False)
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput())
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("newest", _("Newest first")), ("oldest", _("Oldest first"))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        used = AuditEvent.objects.values("content_type").distinct()
        self.fields["content_type"].queryset = ContentType.objects.filter(pk__in=used)
        self.fields["content_type"].label_from_instance = lambda ct: ct.name.capitalize()

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def filters(self) -> dict:
        data = self.cleaned_data
        return {
            "actor": data.get("actor", "").strip(),
            "action": data.get("action", ""),
            "content_type_id": data["content_type"].pk if data.get("content_type") else None,
            "subject_id": data.get("subject_id"),
            "date_from": data.get("date_from"),
            "date_to": data.get("date_to"),
            "oldest_first": data.get("sort") == "oldest",
        }
