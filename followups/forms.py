from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.constants import ReminderPreference
from core.forms import DateInput
from core.validators import validate_meeting_date, validate_task_due
from followups import selectors
from followups.constants import TaskKind


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.username


class TaskForm(forms.Form):
    """A task by hand. On the case page the citizen is given; on "Mine opgaver" it is chosen."""

    citizen = forms.ModelChoiceField(
        label=_("Citizen"),
        queryset=None,
        error_messages={"required": _("Choose the citizen the task is about.")},
    )
    kind = forms.ChoiceField(
        label=_("What"), choices=TaskKind.choices, initial=TaskKind.CALL_CITIZEN
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_("What exactly is to be done, if the kind does not say it."),
    )
    due = forms.DateField(
        label=_("Due by"),
        widget=DateInput(),
        validators=[validate_task_due],
        error_messages={"required": _("Write when the task is due.")},
    )
    assignee = UserChoiceField(
        label=_("Who"),
        queryset=None,
        error_messages={"required": _("Choose who does the task.")},
    )

    def __init__(self, *args, citizens, people, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citizen"].queryset = citizens
        self.fields["assignee"].queryset = people
        self.fields["assignee"].initial = user.pk


def task_form_for(user, *, data=None, citizen=None) -> TaskForm:
    """The form for a task by hand; with `citizen`, for that citizen only (the case page's
    follow-up block). The citizens and colleagues offered are those the user may see."""
    citizens = selectors.citizens_for_tasks(user=user)
    if citizen is not None:
        citizens = citizens.filter(pk=citizen.pk)
    form = TaskForm(
        data,
        prefix="task",
        citizens=citizens,
        people=selectors.colleagues(user=user),
        user=user,
        initial={"citizen": citizen.pk} if citizen is not None else None,
    )
    if citizen is not None:
        form.fields["citizen"].widget = forms.HiddenInput()
    return form


class CompleteForm(forms.Form):
    outcome = forms.CharField(
        label=_("Outcome (optional)"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"placeholder": _("What came of it?")}),
    )


class PlanForm(forms.Form):
    first_meeting_on = forms.DateField(
        label=_("First meeting"),
        widget=DateInput(),
        help_text=_("The date the citizen first met the offer or the volunteer."),
        validators=[validate_meeting_date],
        error_messages={"required": _("Write the date of the first meeting.")},
    )


class ReminderPreferencesForm(forms.Form):
    reminder_preference = forms.ChoiceField(
        label=_("Reminders by e-mail"),
        choices=ReminderPreference.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you want your reminders by e-mail.")},
    )
    reminder_sms = forms.BooleanField(label=_("Also by SMS"), required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=32,
        required=False,
        help_text=_("Needed for reminders by SMS."),
    )

    def clean(self):
        data = super().clean()
        if data.get("reminder_sms") and not (data.get("phone") or "").strip():
            self.add_error("phone", _("Give a mobile phone for reminders by SMS."))
        return data
