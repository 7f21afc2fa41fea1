"""Citizens, their consent, referrals and the case (forløb): the models, by concern (citizens.py,
consent.py, cases.py). Every model is importable from here, as Django finds them.
"""

from referrals.models.cases import (
    Case,
    CaseEvent,
    CaseNote,
    Contact,
    NetworkPerson,
    PlanStep,
    Referral,
    ReferralFeedback,
)
from referrals.models.citizens import (
    Citizen,
    CitizenTeam,
    PossibleDuplicate,
    TeamAccessRequest,
    age_band_for,
    postcode_validator,
)
from referrals.models.consent import ConsentRecord, ConsentRecordQuerySet, consent_active_q

__all__ = [
    "Case",
    "CaseEvent",
    "CaseNote",
    "Citizen",
    "CitizenTeam",
    "ConsentRecord",
    "ConsentRecordQuerySet",
    "Contact",
    "NetworkPerson",
    "PlanStep",
    "PossibleDuplicate",
    "Referral",
    "ReferralFeedback",
    "TeamAccessRequest",
    "age_band_for",
    "consent_active_q",
    "postcode_validator",
]
