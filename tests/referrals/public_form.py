"""What a person sends through the public form at /henvis/, for tests."""

import time

from django.core import signing

from referrals.forms import SelfReferralForm

_issued = iter(range(10**6))


def fresh_token(age_seconds: float = 30) -> str:
    """A form token as the form issues it, shown `age_seconds` ago (each call a new one)."""
    return signing.dumps(
        time.time() - age_seconds - next(_issued) / 1000, salt=SelfReferralForm.SALT
    )


def self_referral_data(**overrides) -> dict:
    data = {
        "who": "self",
        "first_name": "Lise",
        "last_name": "Kristensen",
        "birth_date": "2001-05-05",
        "phone": "+45 22 33 44 55",
        "preferred_language": "da",
        "reason": "Jeg er ny i byen og kender ingen.",
        "consent_given": "on",
        "website": "",
        "shown_at": fresh_token(),
    }
    data.update(overrides)
    return data
