from datetime import timedelta

from django import forms
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.constants import TeamKind
from accounts.models import Team
from core.forms import DateInput, DateTimeInput
from core.selectors import form_token_used
from core.validators import LONG_TEXT_MAX, SEARCH_MAX, validate_birth_date, validate_phone
from referrals.constants import (
    CITIZEN_LANGUAGES,
    PERSON_CONSENT_METHODS,
    CaseStatus,
    Closeness,
    CloseReason,
    ConsentPurpose,
    ContactKind,
    ExitCriterionKind,
    LifeTransition,
    NetworkKind,
    ReferralSource,
    Urgency,
)
from referrals.models import postcode_validator
from referrals.services import CITIZEN_FIELDS, citizen_check, consent_given_at_check


def required(message) -> dict:
    """A required field's message that names what is missing, instead of Django's "This field
    is required." (a form shows every error at once, and each must say what it is about)."""
    return {"required": message}


class CitizenFieldsForm(forms.Form):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        error_messages=required(_("Write the citizen's first name.")),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        error_messages=required(_("Write the citizen's last name.")),
    )
    birth_date = forms.DateField(
        label=_("Date of birth"),
        widget=DateInput(),
        validators=[validate_birth_date],
        error_messages=required(_("Write the citizen's date of birth.")),
    )
    cpr = forms.CharField(
        label=_("CPR number (optional)"),
        required=False,
        max_length=11,
        help_text=_("DDMMYY-SSSS. Stored encrypted; used only to find the citizen again."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        required=False,
        validators=[validate_phone],
        error_messages=required(_("Write the citizen's phone number.")),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    postcode = forms.CharField(
        label=_("Postcode"), max_length=4, required=False, validators=[postcode_validator]
    )
    city = forms.CharField(label=_("Town"), max_length=100, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=CITIZEN_LANGUAGES,
        initial="da",
        error_messages=required(_("Choose the citizen's preferred language.")),
    )
    needs_mobility = forms.BooleanField(
        label=_("Mobility needs (wheelchair, walker)"), required=False
    )
    needs_hearing = forms.BooleanField(label=_("Hearing needs"), required=False)
    needs_transport = forms.BooleanField(label=_("Needs transport"), required=False)
    needs_interpreter = forms.BooleanField(label=_("Needs an interpreter"), required=False)

    def citizen_data(self) -> dict:
        """The citizen's fields this form has, as the referral service takes them."""
        names = [*CITIZEN_FIELDS, "cpr"]
        return {name: self.cleaned_data.get(name) for name in names if name in self.fields}

    def clean(self):
        cleaned = super().clean()
        # What the service checks about the person (the CPR number and its date of birth), said
        # with the form's other errors, not on the next submit. A field already named keeps
        # its own error.
        try:
            citizen_check(data=self.citizen_data())
        except forms.ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
        return cleaned


# How a person gives consent (docs/decisions/0015-medcom.md).
CONSENT_METHODS = PERSON_CONSENT_METHODS

CONSENT_NEEDED = _(
    "A bridge-builder may only make contact with the citizen's consent. Tick the box when the "
    "citizen has agreed."
)

PROFESSIONAL_SOURCES = [
    (value, label)
    for value, label in ReferralSource.choices
    if value not in (ReferralSource.SELF, ReferralSource.RELATIVE)
]


class ReferralForm(CitizenFieldsForm):
    """A professional's referral: GP, home care, other staff."""

    source = forms.ChoiceField(
        label=_("Referred by"),
        choices=PROFESSIONAL_SOURCES,
        error_messages=required(_("Choose who refers the citizen.")),
    )
    reason = forms.CharField(
        label=_("Reason for the referral"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In your own words: what have you noticed?"),
        max_length=LONG_TEXT_MAX,
        error_messages=required(_("Describe the reason for the referral.")),
    )
    life_transitions = forms.MultipleChoiceField(
        label=_("Life transitions behind it"),
        choices=LifeTransition.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    citizen_wishes = forms.CharField(
        label=_("What the citizen wants"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONG_TEXT_MAX,
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=Urgency.choices,
        initial=Urgency.NORMAL,
        error_messages=required(_("Choose how urgent the referral is.")),
    )
    consent_given = forms.BooleanField(
        label=_("The citizen has consented to the referral"), required=False
    )
    consent_method = forms.ChoiceField(
        label=_("How was consent given?"),
        choices=CONSENT_METHODS,
        initial="verbal",
        error_messages=required(_("Choose how the citizen gave consent.")),
    )
    consent_given_at = forms.DateTimeField(
        label=_("When was consent given?"),
        widget=DateTimeInput(),
        initial=timezone.now,
        error_messages=required(_("Write when the citizen gave consent.")),
    )
    feedback_consent = forms.BooleanField(
        label=_("The citizen agrees that I am told how it goes"), required=False
    )
    team = forms.ModelChoiceField(
        label=_("Send to"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=None,
        error_messages=required(_("Choose the team to send the referral to.")),
    )

    def clean_consent_given_at(self):
        given_at = self.cleaned_data["consent_given_at"]
        # The service's check, said here with the other errors.
        try:
            consent_given_at_check(given_at)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["given_at"]) from None
        return given_at

    def clean(self):
        cleaned = super().clean()
        # Said together with every other error, not only once the rest is right.
        if not cleaned.get("consent_given"):
            self.add_error("consent_given", CONSENT_NEEDED)
        return cleaned

    def __init__(self, *args, default_source: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.filter(kind=TeamKind.BRIDGE_BUILDERS).select_related("organisation")
        self.fields["team"].queryset = teams
        if len(teams) <= 1:
            del self.fields["team"]
        if default_source:
            self.fields["source"].initial = default_source


ALREADY_SENT = _(
    "This form has already been sent, and we have received it. To send another, check the "
    "form and send it again."
)


class SelfReferralForm(CitizenFieldsForm):
    """The public form: a citizen refers themself, or a relative refers them."""

    who = forms.ChoiceField(
        label=_("Who are you?"),
        choices=[
            (ReferralSource.SELF, _("I am writing about myself")),
            (ReferralSource.RELATIVE, _("I am a relative or friend")),
        ],
        widget=forms.RadioSelect,
        initial=ReferralSource.SELF,
        error_messages=required(_("Choose who you are.")),
    )
    referrer_name = forms.CharField(label=_("Your name"), max_length=200, required=False)
    referrer_phone = forms.CharField(
        label=_("Your phone"), max_length=32, required=False, validators=[validate_phone]
    )
    referrer_email = forms.EmailField(label=_("Your e-mail"), required=False)
    reason = forms.CharField(
        label=_("What would you like help with?"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=LONG_TEXT_MAX,
        error_messages=required(_("Write what you would like help with.")),
    )
    citizen_wishes = forms.CharField(
        label=_("What would be good? Interests, wishes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=LONG_TEXT_MAX,
    )
    consent_given = forms.BooleanField(
        label=_("The person this is about knows and agrees that a bridge-builder contacts them"),
        required=False,
    )
    # Spam protection: a field people never see, and a token: the time the form was shown, signed.
    # A token works once (core.models.UsedFormToken), from MIN_SECONDS after it was shown until
    # MAX_AGE_SECONDS after.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )
    shown_at = forms.CharField(widget=forms.HiddenInput)

    MIN_SECONDS = 3
    MAX_AGE_SECONDS = 60 * 60 * 6
    SALT = "brobyg.self-referral"
    TOKEN_PURPOSE = "self-referral"  # noqa: S105 - a label for the used tokens, not a secret

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (
            "cpr",
            "needs_mobility",
            "needs_hearing",
            "needs_transport",
            "needs_interpreter",
        ):
            del self.fields[name]
        self.fields["phone"].help_text = _("So the bridge-builder can call.")
        # The person may be writing about themself: the messages name the field, not "the
        # citizen".
        for name, message in [
            ("first_name", _("Write the first name.")),
            ("last_name", _("Write the last name.")),
            ("birth_date", _("Write the date of birth.")),
        ]:
            self.fields[name].error_messages["required"] = message
        if not self.is_bound:
            self.initial["shown_at"] = self._new_token()

    @classmethod
    def _new_token(cls) -> str:
        return signing.dumps(timezone.now().timestamp(), salt=cls.SALT)

    def _renew_token(self) -> None:
        """Show the form again with a fresh token, keeping everything the person typed."""
        data = self.data.copy()
        data["shown_at"] = self._new_token()
        self.data = data

    @property
    def token_expires_at(self):
        """Until when the token must be remembered as used: past it, the form refuses it anyway."""
        return timezone.now() + timedelta(seconds=self.MAX_AGE_SECONDS)

    def token_used(self) -> None:
        """The token was used already (the view found out while saving): say so, offer a new one."""
        self._renew_token()
        self.add_error(None, ALREADY_SENT)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("website"):
            raise forms.ValidationError(_("The form could not be sent. Please try again."))
        token = cleaned.get("shown_at", "")
        try:
            shown = signing.loads(token, salt=self.SALT, max_age=self.MAX_AGE_SECONDS)
            if timezone.now().timestamp() - shown > self.MAX_AGE_SECONDS:
                raise signing.SignatureExpired
        except signing.BadSignature:
            # Expired, or not ours: what was typed stays, with a token that works.
            self._renew_token()
            raise forms.ValidationError(
                _("The form had expired. Check what you wrote and send it again.")
            ) from None
        if form_token_used(purpose=self.TOKEN_PURPOSE, token=token):
            self._renew_token()
            raise forms.ValidationError(ALREADY_SENT)
        if timezone.now().timestamp() - shown < self.MIN_SECONDS:
            raise forms.ValidationError(
                _("The form was sent very quickly. Wait a moment, and send it again.")
            )
        if not cleaned.get("consent_given"):
            self.add_error("consent_given", CONSENT_NEEDED)
        # A phone or e-mail written wrongly is named as that, not as missing.
        if cleaned.get("who") == ReferralSource.RELATIVE:
            if not cleaned.get("referrer_name"):
                self.add_error("referrer_name", _("Write your name, so we know who you are."))
            if not (
                cleaned.get("referrer_phone")
                or cleaned.get("referrer_email")
                or {"referrer_phone", "referrer_email"} & set(self.errors)
            ):
                self.add_error("referrer_phone", _("Give a phone number or an e-mail address."))
        elif not (
            cleaned.get("phone") or cleaned.get("email") or {"phone", "email"} & set(self.errors)
        ):
            self.add_error(
                "phone", _("Give a phone number or an e-mail address, so we can reach you.")
            )
        return cleaned


class StatusForm(forms.Form):
    """The case's next step: one of `steps` ((status, label) pairs), the steps forward the
    case page offers (referrals.presentation.case_next_steps)."""

    status = forms.ChoiceField(
        label=_("Move to"),
        choices=CaseStatus.choices,
        error_messages=required(_("Choose the next step.")),
    )

    def __init__(self, *args, steps=None, **kwargs):
        super().__init__(*args, **kwargs)
        if steps is not None:
            self.fields["status"].choices = list(steps)


# What happens to what the course holds open (tasks, matches, reminders) when it closes.
OPEN_WORK_END = "end"
OPEN_WORK_HAND_OVER = "hand_over"


class CloseForm(forms.Form):
    # No reason is chosen in advance: the reason is statistics, and a default would be guessed.
    reason = forms.ChoiceField(
        label=_("Why is the case closed?"),
        choices=[("", _("Choose …")), *CloseReason.choices],
        error_messages=required(_("Choose why the case is closed.")),
    )
    note = forms.CharField(
        label=_("Onward to (when the citizen needs other help)"), max_length=300, required=False
    )
    open_work = forms.ChoiceField(
        label=_("What is still open"),
        choices=[
            (OPEN_WORK_END, _("End the open tasks and matches")),
            (OPEN_WORK_HAND_OVER, _("Hand them over to a colleague")),
        ],
        initial=OPEN_WORK_END,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what happens to what is still open.")},
    )
    hand_over_to = forms.ModelChoiceField(
        label=_("Colleague"), queryset=None, required=False, empty_label=_("Choose …")
    )
    approach_again_on = forms.DateField(
        label=_("Approach the citizen again on (when they said “not now”)"),
        required=False,
        widget=DateInput(),
    )
    # "In a lasting community" with exit criteria not met: the bridge-builder confirms it.
    close_anyway = forms.BooleanField(
        label=_("Close anyway, though not all exit criteria are met"), required=False
    )

    def __init__(self, *args, colleagues, **kwargs):
        """`colleagues`: the bridge-builders on the case's team the work may go to."""
        super().__init__(*args, **kwargs)
        self.fields["hand_over_to"].queryset = colleagues

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("open_work") == OPEN_WORK_HAND_OVER and not cleaned.get("hand_over_to"):
            self.add_error("hand_over_to", _("Choose the colleague who takes over."))
        if cleaned.get("open_work") != OPEN_WORK_HAND_OVER:
            cleaned["hand_over_to"] = None
        return cleaned


def users_offered(field: forms.ModelChoiceField, users: list) -> None:
    """Offer these people, read already, in the field's list without reading them again. A
    choice sent is still checked against the field's queryset."""
    field.choices = [("", field.empty_label), *((user.pk, str(user)) for user in users)]


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(
        label=_("Bridge-builder"), queryset=None, required=False, empty_label=_("Nobody (the team)")
    )

    def __init__(self, *args, bridge_builders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = bridge_builders


class ContactForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ContactKind.choices)
    occurred_at = forms.DateTimeField(
        label=_("When"),
        widget=DateTimeInput(),
        initial=timezone.now,
        error_messages=required(_("Write when the contact was.")),
    )
    reached = forms.BooleanField(label=_("Reached the citizen"), required=False, initial=True)
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=LONG_TEXT_MAX,
    )
    # "Not now" is a date: the citizen declines, and may be asked again on a day they agree to.
    declined = forms.BooleanField(
        label=_("The citizen does not want help now (the case is closed as declined)"),
        required=False,
    )
    approach_again_on = forms.DateField(
        label=_("Approach the citizen again on (optional)"),
        required=False,
        widget=DateInput(),
    )


class CitizenEditForm(CitizenFieldsForm):
    """The citizen's details, for the bridge-builder to correct. The CPR number is never shown."""

    def __init__(self, *args, citizen, **kwargs):
        initial = {name: getattr(citizen, name) for name in CITIZEN_FIELDS}
        super().__init__(*args, initial=initial, **kwargs)
        if citizen.has_cpr:
            self.fields["cpr"].help_text = _(
                "A CPR number is recorded. Leave empty to keep it; type one to correct it."
            )


# Feedback to a referrer is consented to with that referral, for that referrer.
CONSENT_PURPOSES_ON_CASE = [
    (value, label)
    for value, label in ConsentPurpose.choices
    if value != ConsentPurpose.REFERRER_FEEDBACK
]
SHARE_KINDS = {ConsentPurpose.SHARE_OFFER: "offer", ConsentPurpose.SHARE_VOLUNTEER: "volunteer"}


class ConsentForm(forms.Form):
    """Consent for a purpose; consent to share names the one offer or volunteer (of the
    citizen's matches) that may then see the first name, phone and needs."""

    purpose = forms.ChoiceField(label=_("Consent to"), choices=CONSENT_PURPOSES_ON_CASE)
    recipient = forms.ChoiceField(
        label=_("Shared with (the offer or volunteer)"),
        required=False,
        help_text=_("The offers and volunteers of the citizen's matches."),
    )
    method = forms.ChoiceField(label=_("How"), choices=CONSENT_METHODS, initial="verbal")

    def __init__(self, *args, providers=(), consents=(), **kwargs):
        super().__init__(*args, **kwargs)
        # providers: (kind, id, name) for each offer or volunteer the citizen is matched with.
        self.providers = {f"{kind}:{pk}": (kind, pk, name) for kind, pk, name in providers}
        self.fields["recipient"].choices = [("", "–")] + [
            (key, name) for key, (_kind, _pk, name) in self.providers.items()
        ]
        # consents: the citizen's consent records. The form opens on the first consent not yet
        # given, so that saving it as it stands never asks for one already recorded.
        standing = {(c.purpose, c.recipient_id) for c in consents if c.stands}
        to_give = []
        for purpose, _label in CONSENT_PURPOSES_ON_CASE:
            kind = SHARE_KINDS.get(purpose)
            if kind is None:
                if (purpose, None) not in standing:
                    to_give.append((purpose, ""))
                continue
            to_give += [
                (purpose, key)
                for key, (provider_kind, pk, _name) in self.providers.items()
                if provider_kind == kind and (purpose, pk) not in standing
            ]
        self.all_given = not to_give
        if to_give and not self.is_bound:
            self.initial.setdefault("purpose", to_give[0][0])
            self.initial.setdefault("recipient", to_give[0][1])

    def clean(self):
        data = super().clean()
        kind = SHARE_KINDS.get(data.get("purpose"))
        chosen = self.providers.get(data.get("recipient") or "")
        data["recipient_id"], data["recipient_name"] = None, ""
        if kind is None:
            return data
        if chosen is None or chosen[0] != kind:
            self.add_error(
                "recipient",
                _("Choose the offer the citizen agreed to share with.")
                if kind == "offer"
                else _("Choose the volunteer the citizen agreed to share with."),
            )
        else:
            data["recipient_id"], data["recipient_name"] = chosen[1], chosen[2]
        return data


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=LONG_TEXT_MAX,
        error_messages=required(_("Write the note.")),
    )


class NetworkPersonForm(forms.Form):
    kind = forms.ChoiceField(label=_("Relation"), choices=NetworkKind.choices)
    name = forms.CharField(
        label=_("Who"), max_length=100, error_messages=required(_("Write who the person is."))
    )
    closeness = forms.TypedChoiceField(
        label=_("How close"), choices=Closeness.choices, coerce=int, initial=Closeness.SOME
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class PlanStepForm(forms.Form):
    description = forms.CharField(
        label=_("Next step"), max_length=300, error_messages=required(_("Write the next step."))
    )
    responsible = forms.CharField(
        label=_("Who"), max_length=100, error_messages=required(_("Write who takes the step."))
    )
    due_date = forms.DateField(label=_("By"), required=False, widget=DateInput())


class ExitCriterionForm(forms.Form):
    """Tick (`met`) or untick one exit criterion on the plan."""

    criterion = forms.ChoiceField(label=_("Exit criterion"), choices=ExitCriterionKind.choices)
    met = forms.BooleanField(label=_("Met"), required=False)


class CaseloadFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=SEARCH_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("Name, phone, postcode or town")}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All open")), *CaseStatus.choices]
    )
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("oldest", _("Waited longest")),
            ("newest", _("Newest")),
            ("next_due", _("Next step due")),
            ("status", _("Status")),
            ("name", _("Name")),
        ],
    )


class DuplicateForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Are they the same person?"),
        choices=[
            ("merge", _("Yes: merge the records (both histories are kept)")),
            ("distinct", _("No: two different people")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether they are the same person.")},
    )
    continue_case = forms.ChoiceField(
        label=_("Both have an open case. Which one goes on?"),
        required=False,
        widget=forms.RadioSelect,
        help_text=_("The other case is closed as continued in this one."),
    )

    def __init__(self, *args, open_cases=(), earlier=None, **kwargs):
        """`open_cases`: the two open cases of the pair; `earlier`: the earlier record."""
        super().__init__(*args, **kwargs)
        self.open_cases = {str(case.pk): case for case in open_cases}
        if not open_cases:
            del self.fields["continue_case"]
            return
        # The earlier record's case first, as the records stand on the page.
        ordered = sorted(open_cases, key=lambda case: case.citizen_id != earlier.pk)
        self.fields["continue_case"].choices = [
            (
                str(case.pk),
                " · ".join(
                    [
                        str(
                            _("The earlier record's case")
                            if case.citizen_id == earlier.pk
                            else _("The new record's case")
                        ),
                        case.team.name,
                        str(case.get_status_display()),
                        _("since %(date)s") % {"date": f"{case.created_at:%d.%m.%Y}"},
                        str(case.assignee.get_full_name()) if case.assignee_id else "",
                    ]
                ).rstrip(" ·"),
            )
            for case in ordered
        ]

    def clean(self):
        data = super().clean()
        chosen = data.get("continue_case")
        data["continue_case"] = self.open_cases.get(chosen) if chosen else None
        choosing = data.get("answer") == "merge" and "continue_case" in self.fields
        if choosing and data["continue_case"] is None:
            self.add_error("continue_case", _("Choose which case goes on; the other is closed."))
        return data
