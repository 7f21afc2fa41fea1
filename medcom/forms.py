from django import forms
from django.utils.translation import gettext_lazy as _

from referrals.constants import ConsentMethod
from referrals.forms import CONSENT_METHODS


class ConsentConfirmForm(forms.Form):
    """At first contact: the citizen's own consent to the referral, and to telling the GP."""

    method = forms.ChoiceField(
        label=_("How did the citizen give consent?"),
        choices=CONSENT_METHODS,
        initial=ConsentMethod.VERBAL,
    )
    feedback = forms.BooleanField(
        label=_("The citizen agrees that the GP who sent the referral is told how it goes"),
        required=False,
        help_text=_("The GP's system then gets a reply when the case is matched and when it ends."),
    )
