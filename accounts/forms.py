from django import forms
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.utils.translation import gettext_lazy as _

from accounts.models import Team, User
from accounts.selectors import membership_change_people


class SignInForm(AuthenticationForm):
    # Django's own two fields, with messages that name what is missing.
    username = UsernameField(
        widget=forms.TextInput(attrs={"autofocus": True}),
        error_messages={"required": _("Write your user name.")},
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": _("Write your password.")},
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The user name or password is not right. Both are case-sensitive; try again."
        ),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("User name")
        self.fields["username"].widget.attrs.update({"autocapitalize": "none", "autofocus": True})
        self.fields["password"].label = _("Password")

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if user.is_service_account:
            # A system's account calls the API with its token and never signs in here, even
            # if someone gave it a password.
            raise self.get_invalid_login_error()


class TwoFactorTokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        ),
        help_text=_("Six digits. A new code appears every 30 seconds."),
        error_messages={"required": _("Write the six digits from your authenticator app.")},
    )

    def clean_token(self):
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit() or len(token) != 6:
            raise forms.ValidationError(_("Write the six digits the app shows."))
        return token


class SetUpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Set-up code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "autofocus": True}
        ),
        help_text=_(
            "Twelve letters and digits, e.g. ABCD-EFGH-JKLM, from your administrator (in the "
            "set-up link or read out to you)."
        ),
        error_messages={"required": _("Write the set-up code from your administrator.")},
    )

    def clean_code(self):
        code = "".join(ch for ch in self.cleaned_data["code"].upper() if ch.isalnum())
        if len(code) != 12:
            raise forms.ValidationError(_("The set-up code has twelve letters and digits."))
        return code


class MembershipChangeFilterForm(forms.Form):
    """The data-protection officer's filter on the list of team membership changes."""

    team = forms.ModelChoiceField(
        label=_("Team"), required=False, queryset=Team.objects.none(), empty_label=_("All")
    )
    person = forms.ModelChoiceField(
        label=_("Person"),
        required=False,
        queryset=User.objects.none(),
        empty_label=_("Everyone"),
        help_text=_("As the member or as the one who made the change."),
    )
    self_granted = forms.BooleanField(label=_("Only self-granted"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.select_related("organisation").order_by(
            "organisation__name", "name"
        )
        self.fields["person"].queryset = membership_change_people()
        self.fields["person"].label_from_instance = lambda u: (
            f"{u.get_full_name()} ({u.username})" if u.get_full_name() else u.username
        )

    def filters(self) -> dict:
        if not (self.is_bound and self.is_valid()):
            return {}
        data = self.cleaned_data
        return {
            "team": data.get("team"),
            "person": data.get("person"),
            "self_granted_only": bool(data.get("self_granted")),
        }
