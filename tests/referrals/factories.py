"""Referral state, made through the services (so timeline and audit trail are as in real use)."""

import itertools
from datetime import date

from accounts.constants import TeamKind
from referrals.services import referral_create
from tests.accounts.factories import TeamFactory

_counter = itertools.count(1)


def bridge_team(**kwargs):
    return TeamFactory(kind=TeamKind.BRIDGE_BUILDERS, **kwargs)


def citizen_data(**overrides) -> dict:
    n = next(_counter)
    data = {
        "first_name": f"Borger{n}",
        "last_name": "Hansen",
        "birth_date": date(1950, 1, 1 + n % 28),
        "phone": f"+45 20 00 {n:04d}",
        "email": "",
        "address": f"Vej {n}",
        "postcode": "5000",
    }
    data.update(overrides)
    return data


def make_referral(
    *, team=None, referrer=None, source="gp", feedback_consent=False, referrer_email="", **citizen
):
    """A referral with consent; returns the ReferralResult. Feedback consent goes with a
    referrer's e-mail address: one is made up when there is no referrer."""
    if feedback_consent and referrer is None and not referrer_email:
        referrer_email = "henviser@example.invalid"
    return referral_create(
        citizen=citizen_data(**citizen),
        source=source,
        reason="Har været meget alene siden konens død.",
        consent_given=True,
        consent_method="verbal",
        feedback_consent=feedback_consent,
        referrer=referrer,
        referrer_email=referrer_email,
        team=team or bridge_team(),
    )
