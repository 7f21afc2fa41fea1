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
DETAIL_TAXONOMY = "brobyg-detail"
ORGANISATION_KIND_TAXONOMY = "brobyg-organisation-kind"
# The offer's own taxonomies: a record with a term of the first is Brobyg's own export, which
# gives all of them, so that a term missing there means "none" and not "not said".
OFFER_TAXONOMIES = (
    STRATEGY_TAXONOMY,
    ACTIVITY_TAXONOMY,
    INTEREST_TAXONOMY,
    TARGET_GROUP_TAXONOMY,
    FEATURE_TAXONOMY,
    DETAIL_TAXONOMY,
)

TAXONOMY_DESCRIPTIONS = {
    STRATEGY_TAXONOMY: "The five intervention strategies against loneliness of the Danish national "
    "action plan (2023): the top level of Brobyg's offer taxonomy.",
    ACTIVITY_TAXONOMY: "What people do together in an offer: the second level of the taxonomy.",
    INTEREST_TAXONOMY: "Interests an offer suits, as citizens and volunteers state them in Brobyg.",
    TARGET_GROUP_TAXONOMY: "Who an offer is meant for.",
    FEATURE_TAXONOMY: "Practical matters: fritidspas, transport, accompaniment and access; "
    "whether people meet as a group, and whether another language than those listed is spoken.",
    DETAIL_TAXONOMY: "What an offer says that HSDS has no field for, in the attribute's value: "
    "how many places it has, and how the host welcomes newcomers.",
    ORGANISATION_KIND_TAXONOMY: "The kind of organisation: municipality, volunteer centre, "
    "association, NGO, municipal activity centre or general practice.",
}

# Offer flags exported as terms of the feature taxonomy (and read back on import).
FEATURES = {
    "fritidspas": ("fritidspas", "Fritidspas accepted"),
    "wheelchair": ("wheelchair_accessible", "Wheelchair access"),
    "hearing": ("hearing_loop", "Hearing loop or help for hearing"),
    "transport": ("transport_offered", "Transport offered"),
    "accompaniment": ("accompaniment_possible", "Accompaniment possible"),
    "group": ("is_group", "Group offer"),
}
# "Another language" (the languages' "other") has no ISO code: it travels as a feature.
OTHER_LANGUAGE = "other_language"

# Offer fields exported as terms of the detail taxonomy, the field's value in the attribute's.
DETAILS = {
    "capacity": ("capacity", "Places"),
    "host_note": ("host_note", "How the host welcomes newcomers"),
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


# What a meeting time is: its HSDS id is made from these, so that the same meeting time has
# the same id wherever the offer is kept, however often it is saved.
SCHEDULE_FIELDS = (
    "frequency",
    "weekday",
    "week_of_month",
    "date",
    "starts_at",
    "ends_at",
    "valid_from",
    "valid_until",
)


def schedule_key(row) -> tuple:
    """A meeting time (a row or a dict) as comparable text, field by field."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return tuple(str(get(name)) if get(name) is not None else "" for name in SCHEDULE_FIELDS)


def schedule_ids(offer_id, schedules) -> list[str]:
    """The HSDS ids of an offer's meeting times, in the order given: two equal meeting times
    (which would be one mistake) still get an id each."""
    seen: dict[tuple, int] = {}
    ids = []
    for schedule in schedules:
        key = schedule_key(schedule)
        seen[key] = seen.get(key, 0) + 1
        ids.append(_uid(offer_id, "schedule", *key, seen[key]))
    return ids


def contact_id(organisation_id, name: str) -> str:
    """A contact person's HSDS id: the same person of the same organisation everywhere."""
    return _uid(organisation_id, "contact", " ".join(name.split()).casefold())


def _clock(at: time | None) -> str | None:
    return at.strftime("%H:%M") if at else None


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _anchor(schedule: OfferSchedule) -> date:
    """A date the meeting falls on, for rules that count from their first occurrence."""
    start = schedule.valid_from or timezone.localdate(schedule.created_at)
    return _first_on_or_after(start, schedule.weekday)
