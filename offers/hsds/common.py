"""What the HSDS export and import share: stable ids, day codes, Brobyg's taxonomies and the
languages' names."""

import uuid
from datetime import date, time, timedelta

from django.utils import timezone

from offers.models import OfferSchedule
from referrals.constants import CITIZEN_LANGUAGES

# The namespace of the ids Brobyg derives for HSDS records that have no row of their own.
NAMESPACE = uuid.UUID("6f1c8f0e-3b7a-5c55-9a53-62726f627967")

DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]

STRATEGY_TAXONOMY = "brobyg-strategy"
ACTIVITY_TAXONOMY = "brobyg-activity"
INTEREST_TAXONOMY = "brobyg-interest"
TARGET_GROUP_TAXONOMY = "brobyg-target-group"
FEATURE_TAXONOMY = "brobyg-feature"

TAXONOMY_DESCRIPTIONS = {
    STRATEGY_TAXONOMY: "The five intervention strategies against loneliness of the Danish national "
    "action plan (2023): the top level of Brobyg's offer taxonomy.",
    ACTIVITY_TAXONOMY: "What people do together in an offer: the second level of the taxonomy.",
    INTEREST_TAXONOMY: "Interests an offer suits, as citizens and volunteers state them in Brobyg.",
    TARGET_GROUP_TAXONOMY: "Who an offer is meant for.",
    FEATURE_TAXONOMY: "Practical matters: fritidspas, transport, accompaniment and access.",
}

# Offer flags exported as terms of the feature taxonomy (and read back on import).
FEATURES = {
    "fritidspas": ("fritidspas", "Fritidspas accepted"),
    "wheelchair": ("wheelchair_accessible", "Wheelchair access"),
    "hearing": ("hearing_loop", "Hearing loop or help for hearing"),
    "transport": ("transport_offered", "Transport offered"),
    "accompaniment": ("accompaniment_possible", "Accompaniment possible"),
}

_LANGUAGE_LABELS = dict(CITIZEN_LANGUAGES)
# ISO 639-2/3 codes of the languages Brobyg knows, for files that use three letters.
_LANGUAGE_ALIASES = {
    "dan": "da",
    "eng": "en",
    "deu": "de",
    "ger": "de",
    "pol": "pl",
    "ukr": "uk",
    "ron": "ro",
    "rum": "ro",
    "tur": "tr",
    "ara": "ar",
    "som": "so",
    "fas": "fa",
    "per": "fa",
    "urd": "ur",
    "tir": "ti",
}


def _uid(*parts) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))


def _clock(at: time | None) -> str | None:
    return at.strftime("%H:%M") if at else None


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _anchor(schedule: OfferSchedule) -> date:
    """A date the meeting falls on, for rules that count from their first occurrence."""
    start = schedule.valid_from or timezone.localdate(schedule.created_at)
    return _first_on_or_after(start, schedule.weekday)
