import uuid

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core.forms import DateInput
from core.validators import LONG_TEXT_MAX, strip_nul
from referrals.forms import CitizenFieldsForm
from screening.constants import QualityOutcome
from screening.defaults import CONVERSATION_TIPS
from screening.models import Instrument, definition_errors
from screening.services import hours_parse


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


# --- The instrument's questions, answers and tips, edited as rows in the admin -------------------

MAX_ROWS = 60
EXTRA_ROWS = 2
# (part of the definition, the columns besides the texts per language)
DEFINITION_PARTS = [("items", ["code"]), ("answers", ["value", "score"]), ("tips", [])]
TEXT_KEY = {"items": "text", "answers": "label", "tips": None}
CELL_SIZES = {"code": 20, "value": 4, "score": 4}
PART_CAPTIONS = {
    "items": _("Questions"),
    "answers": _("Answers (the same for every question)"),
    "tips": _("Conversation tips"),
}


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else "" if value is None else str(value)


def definition_rows(definition) -> dict:
    """An instrument's definition as the rows the admin edits: one per question, answer and
    tip, with a text per language. Whatever shape the definition has, this never fails: what
    cannot be read shows as empty cells, and saving says what is missing."""
    definition = definition if isinstance(definition, dict) else {}
    rows = {"_rows": True}
    for part, columns in DEFINITION_PARTS:
        entries = definition.get(part)
        if part == "tips" and entries is None:
            entries = CONVERSATION_TIPS
        part_rows = []
        for entry in entries if isinstance(entries, list) else []:
            entry = entry if isinstance(entry, dict) else {}
            texts = entry if TEXT_KEY[part] is None else entry.get(TEXT_KEY[part])
            texts = texts if isinstance(texts, dict) else {"da": texts}
            row = {column: _text(entry.get(column)) for column in columns}
            row.update({language: _text(texts.get(language)) for language in _languages()})
            part_rows.append(row)
        rows[part] = part_rows
    return rows


def _number(text: str):
    try:
        return int(text)
    except ValueError:
        return text  # kept as written: definition_errors names the answer


def rows_definition(rows: dict) -> dict:
    """The rows back as a definition; empty rows are left out."""
    definition = {}
    for part, columns in DEFINITION_PARTS:
        entries = []
        for row in rows.get(part, []):
            texts = {lang: row[lang] for lang in _languages() if row.get(lang)}
            if part == "tips":
                entries.append(texts)
                continue
            entry = {column: row.get(column, "") for column in columns}
            if part == "answers":
                entry = {column: _number(value) for column, value in entry.items()}
            entry[TEXT_KEY[part]] = texts
            entries.append(entry)
        definition[part] = entries
    return definition


class DefinitionWidget(forms.Widget):
    """Tables of rows, one per question, answer and tip, and a few empty rows to add more."""

    template_name = "screening/admin/definition_widget.html"

    def value_from_datadict(self, data, files, name):
        rows = {"_rows": True}
        for part, columns in DEFINITION_PARTS:
            try:
                count = min(int(data.get(f"{name}-{part}-count", 0)), MAX_ROWS)
            except (TypeError, ValueError):
                count = 0
            part_rows = []
            for index in range(count):
                row = {
                    column: strip_nul(data.get(f"{name}-{part}-{index}-{column}", "")).strip()
                    for column in [*columns, *_languages()]
                }
                if any(row.values()):
                    part_rows.append(row)
            rows[part] = part_rows
        return rows

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-items-count" not in data

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        rows = value if isinstance(value, dict) and value.get("_rows") else definition_rows(value)
        languages = _languages()
        names = dict(settings.LANGUAGES)
        headings = {"code": _("Code"), "value": _("Value"), "score": _("Score")}
        parts = []
        headings.update({language: names[language] for language in languages})
        for part, columns in DEFINITION_PARTS:
            part_rows = [*rows.get(part, []), *([{}] * EXTRA_ROWS)]
            columns = [*columns, *languages]
            parts.append(
                {
                    "name": part,
                    "caption": PART_CAPTIONS[part],
                    "headings": [headings[column] for column in columns],
                    "count": len(part_rows),
                    "rows": [
                        [
                            {
                                "name": f"{name}-{part}-{index}-{column}",
                                "value": row.get(column, ""),
                                "label": f"{PART_CAPTIONS[part]} {index + 1}: {headings[column]}",
                                "size": CELL_SIZES.get(column, 50),
                            }
                            for column in columns
                        ]
                        for index, row in enumerate(part_rows)
                    ],
                }
            )
        context["widget"]["parts"] = parts
        return context


class DefinitionField(forms.Field):
    widget = DefinitionWidget

    def prepare_value(self, value):
        if isinstance(value, dict) and value.get("_rows"):
            return value
        return definition_rows(value)

    def to_python(self, value):
        if isinstance(value, dict) and value.get("_rows"):
            return rows_definition(value)
        return value

    def validate(self, value):
        super().validate(value)
        errors = definition_errors(value)
        if errors:
            raise forms.ValidationError(errors)


class InstrumentForm(forms.ModelForm):
    """A version of an instrument in the admin: its questions, answers and conversation tips as
    rows, each with its text per language, so a wrong shape is a message about the row."""

    definition = DefinitionField(
        label=_("Questions, answers and conversation tips"),
        help_text=_(
            "Each question has a code (a–z, digits and _) and its wording in Danish and, if "
            "wanted, English; each answer a value, a score and its label; empty a row to remove "
            "it. Save to get more empty rows."
        ),
        error_messages={"required": _("Write the questions and their answers.")},
    )

    class Meta:
        model = Instrument
        fields = ["code", "version", "name", "definition"]
        error_messages = {
            "code": {"required": _("Give a code of letters, digits, - and _ only.")},
            "version": {"required": _("Give the version a number or a name.")},
            "name": {"required": _("Give the instrument a name.")},
        }

    def clean(self):
        cleaned = super().clean()
        code = cleaned.get("code", self.instance.code)
        version = (cleaned.get("version") or "").strip()
        if (
            code
            and version
            and Instrument.objects.filter(code=code, version=version)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            self.add_error(
                "version",
                _("The instrument already has a version “%(version)s”.") % {"version": version},
            )
        return cleaned


# --- Home-help hours and the ambassador's quality check ------------------------------------------


class HoursField(forms.CharField):
    """Hours a week as people write them: "2,5" or "2.5", whatever the page's language."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 6})

    def clean(self, value):
        value = super().clean(value)
        return hours_parse(value) if value not in self.empty_values else None


class HomeHelpHoursForm(forms.Form):
    hours = HoursField(
        label=_("Hours of home help a week"),
        error_messages={"required": _("Write the hours of home help a week.")},
    )
    valid_from = forms.DateField(
        label=_("From"), required=False, widget=DateInput, help_text=_("Empty: today.")
    )


class HomeHelpImportForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Home-care team"), queryset=None, empty_label=None)
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "One line per citizen: cpr;timer_pr_uge;gyldig_fra, with these column names on the "
            "first line, e.g. 010150-1234;2,5;01-03-2026."
        ),
        error_messages={"required": _("Choose the CSV file to import.")},
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        only = list(teams[:2])
        if len(only) == 1:
            self.fields["team"].widget = forms.HiddenInput()
            self.fields["team"].initial = only[0].pk


class QualityCheckForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=QualityOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _(
                "Choose whether the screening is fine or to talk about with the screener."
            )
        },
    )
    note = forms.CharField(
        label=_("What to talk about"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LONG_TEXT_MAX,
    )
