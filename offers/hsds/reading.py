"""One HSDS 3.0 service read into an offer's fields: each value checked and cleaned, what does
not fit said in a note, nothing guessed. offers/hsds/importing.py decides what to do with it."""

import re
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext as _

from offers.constants import ActivityKind, Frequency, Interest, PriceKind, Strategy, TargetGroup
from offers.hsds.common import (
    _LANGUAGE_ALIASES,
    _LANGUAGE_LABELS,
    ACTIVITY_TAXONOMY,
    DAY_CODES,
    DETAIL_TAXONOMY,
    FEATURE_TAXONOMY,
    INTEREST_TAXONOMY,
    OTHER_LANGUAGE,
    STRATEGY_TAXONOMY,
    TARGET_GROUP_TAXONOMY,
    _uid,
)
from offers.hsds.export import _access_labels


class Skip(Exception):
    """The service cannot be an offer; the message says why."""


def _line(value, limit: int) -> str:
    """One line of at most `limit` characters, as a model's CharField holds it."""
    return " ".join(str(value or "").split())[:limit]


def _para(value) -> str:
    return str(value or "").strip()


def _clean_phone(value) -> str:
    number = str(value or "").strip().strip("\"'").strip()
    return number if number and len(number) <= 32 else ""


def _clean_email(value) -> str:
    email = str(value or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        return ""
    return email


def _clean_url(value) -> str:
    url = str(value or "").strip()
    try:
        URLValidator()(url)
    except ValidationError:
        return ""
    # A link back to Brobyg's own directory page is not the offer's website.
    if url.startswith(settings.BROBYG_BASE_URL.rstrip("/") + "/tilbud/"):
        return ""
    return url[:200]


def _parse_time(value) -> time | None:
    match = re.match(r"^\s*(\d{1,2})[:.](\d{2})", str(value or ""))
    if not match:
        return None
    hour, minute = int(match[1]), int(match[2])
    return time(hour, minute) if hour < 24 and minute < 60 else None


def _parse_date(value) -> date | None:
    try:
        return date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def _attributes(record: dict) -> list[tuple[str, str, str, object]]:
    """(taxonomy, code, name, value) of each of a record's attributes that names its term."""
    found = []
    for attribute in record.get("attributes") or []:
        attribute = attribute if isinstance(attribute, dict) else {}
        term = attribute.get("taxonomy_term") or {}
        taxonomy = term.get("taxonomy") or (term.get("taxonomy_detail") or {}).get("name") or ""
        code = term.get("code") or attribute.get("value") or ""
        if taxonomy and code:
            found.append((str(taxonomy), str(code), str(term.get("name") or ""), attribute))
    return found


def terms(record: dict) -> dict[str, list[str]]:
    """Taxonomy codes by taxonomy name, from a service's or an organisation's attributes."""
    found: dict[str, list[str]] = {}
    for taxonomy, code, _name, _attribute in _attributes(record):
        found.setdefault(taxonomy, []).append(code)
    return found


def _detail(service: dict, code: str) -> str | None:
    """The value of a term of Brobyg's detail taxonomy, or None when the service has none."""
    for taxonomy, found, _name, attribute in _attributes(service):
        if taxonomy == DETAIL_TAXONOMY and found == code:
            return str(attribute.get("value") or "")
    return None


def schedule_rows(records: list[dict], notes: list[str]) -> list[dict]:
    rows = []
    for record in records:
        record = record or {}
        starts_at = _parse_time(record.get("opens_at"))
        if starts_at is None:
            notes.append(_("A meeting time without an opening time was left out."))
            continue
        ends_at = _parse_time(record.get("closes_at"))
        if ends_at is not None and ends_at <= starts_at:
            ends_at = None
        base = {
            "starts_at": starts_at,
            "ends_at": ends_at,
            "valid_from": _parse_date(record.get("valid_from")),
            "valid_until": _parse_date(record.get("valid_to")) or _parse_date(record.get("until")),
        }
        freq = str(record.get("freq") or "").upper()
        dtstart = _parse_date(record.get("dtstart"))
        interval = (
            int(record.get("interval") or 1) if str(record.get("interval") or "1").isdigit() else 1
        )
        days = [d.strip().upper() for d in str(record.get("byday") or "").split(",") if d.strip()]
        if not freq:
            if dtstart is None:
                notes.append(_("A meeting time without a rule or a date was left out."))
                continue
            rows.append(
                {
                    **base,
                    "frequency": Frequency.ONCE,
                    "date": dtstart,
                    "valid_from": None,
                    "valid_until": None,
                }
            )
            continue
        if freq == "MONTHLY" and not days and dtstart is not None:
            days = [DAY_CODES[dtstart.weekday()]]
            monthly_any_week = True
        else:
            monthly_any_week = False
        if not days:
            notes.append(_("A meeting time without a weekday was left out."))
            continue
        for day in days:
            match = re.fullmatch(r"([+-]?\d)?(MO|TU|WE|TH|FR|SA|SU)", day)
            if not match:
                notes.append(_("The day {day} was not understood and left out.").format(day=day))
                continue
            weekday = DAY_CODES.index(match[2])
            ordinal = int(match[1]) if match[1] else None
            if freq == "WEEKLY" and interval in (1, 2):
                frequency = Frequency.WEEKLY if interval == 1 else Frequency.BIWEEKLY
                rows.append({**base, "frequency": frequency, "weekday": weekday})
            elif freq == "MONTHLY" and interval == 1 and (ordinal in (None, 1, 2, 3, 4, -1)):
                week = None if monthly_any_week else ordinal
                rows.append(
                    {
                        **base,
                        "frequency": Frequency.MONTHLY,
                        "weekday": weekday,
                        "week_of_month": week,
                    }
                )
            else:
                notes.append(
                    _(
                        "The rule {freq} every {interval} on {day} has no match in Brobyg "
                        "and was left out."
                    ).format(freq=freq, interval=interval, day=day)
                )
    return rows


# Words with which a service says it is taken part in by phone or online: in a term of another
# system's taxonomy, or in how a meeting time is attended (schedule.attending_type).
_REMOTE_WORDS = re.compile(
    r"\b(online|on-line|virtual|virtuel\w*|remote\w*|telephone|phone|video\w*|telefon\w*|"
    r"internet\w*)\b",
    re.IGNORECASE,
)


def _says_remote(service: dict) -> bool:
    texts = [
        text
        for taxonomy, code, name, attribute in _attributes(service)
        # Brobyg's own terms say nothing about how one takes part ("computers and phones" is an
        # interest); its own exports say so with a virtual location.
        if not taxonomy.startswith("brobyg-")
        for text in (code, name, attribute.get("value"))
    ]
    texts += [(s or {}).get("attending_type") for s in service.get("schedules") or []]
    return any(_REMOTE_WORDS.search(str(text or "")) for text in texts)


def _access(service: dict, location: dict) -> tuple[str | None, list[str]]:
    """The location's accessibility: Brobyg's own note about access when it exported the
    service (its entries have ids made from the service's), and every other text."""
    service_id = service.get("id")
    own = {_uid(service_id, "accessibility", code): code for code in ("wheelchair", "hearing")}
    own_note = _uid(service_id, "accessibility", "note")
    note, texts = None, []
    for entry in location.get("accessibility") or []:
        entry = entry if isinstance(entry, dict) else {}
        if entry.get("id") in own:
            continue  # the flags travel as terms
        if entry.get("id") == own_note:
            note = _para(entry.get("description"))
            continue
        texts += [_para(entry.get(key)) for key in ("description", "details")]
    return note, [t for t in dict.fromkeys(texts) if t]


def place(service: dict, notes: list[str]) -> dict:
    """Address fields of the first Danish physical location, or a remote offer when the service
    says it is by phone or online. A service that says neither gives {"unplaced": True}; one
    placed only outside Denmark is skipped."""
    physical, virtual = [], []
    for link in service.get("service_at_locations") or []:
        location = (link or {}).get("location") or {}
        if location.get("location_type") == "virtual":
            virtual.append(location)
        elif location:
            physical.append(location)
    for location in physical:
        for address in location.get("addresses") or [{}]:
            postcode = str((address or {}).get("postal_code") or "").strip()
            country = str((address or {}).get("country") or "DK").strip().upper()
            if re.fullmatch(r"\d{4}", postcode) and country in ("DK", "DNK", "DENMARK", "DANMARK"):
                note, texts = _access(service, location)
                return {
                    "is_remote": False,
                    "address": _line(
                        ", ".join(
                            p for p in (address.get("address_1"), address.get("address_2")) if p
                        ),
                        200,
                    ),
                    "postcode": postcode,
                    "city": _line(address.get("city"), 100),
                    "transport_note": _line(location.get("transportation"), 300),
                    "access": (note, texts),
                }
    if physical:
        codes = [
            str((a or {}).get("postal_code") or "?")
            for location in physical
            for a in (location.get("addresses") or [{}])
        ]
        raise Skip(
            _("No Danish postcode for the place ({postcodes}).").format(postcodes=", ".join(codes))
        )
    if virtual or _says_remote(service):
        found = {"is_remote": True, "address": "", "postcode": "", "city": ""}
        if virtual:
            found["transport_note"] = _line(virtual[0].get("transportation"), 300)
            found["access"] = _access(service, virtual[0])
        return found
    return {"unplaced": True}


def _price(service: dict) -> dict:
    options = [o for o in service.get("cost_options") or [] if o]
    paid, free_notes = [], []
    for option in options:
        currency = str(option.get("currency") or "DKK").upper()
        try:
            amount = (
                Decimal(str(option.get("amount"))) if option.get("amount") is not None else None
            )
        except InvalidOperation:
            amount = None
        if amount is not None and amount > 0:
            if currency != "DKK":
                raise Skip(
                    _("The price is in {currency}; Brobyg shows prices in kroner.").format(
                        currency=currency
                    )
                )
            paid.append((amount, option))
        elif option.get("amount_description"):
            # A free offer's note ("coffee is 5 kr."): the option's own name is only "Free".
            free_notes.append(option["amount_description"])
    if paid:
        amount, option = min(paid, key=lambda p: p[0])
        return {
            "price_kind": PriceKind.PAID,
            "price_amount": amount.quantize(Decimal("0.01")),
            "price_note": _line(option.get("amount_description") or option.get("option"), 200),
        }
    return {
        "price_kind": PriceKind.FREE,
        "price_amount": None,
        "price_note": _line(next(iter(free_notes), ""), 200),
    }


def _languages_of(service: dict, notes: list[str]) -> list[str]:
    codes = []
    for language in service.get("languages") or []:
        code = str((language or {}).get("code") or "").strip().lower()
        code = _LANGUAGE_ALIASES.get(code, code)
        if code in _LANGUAGE_LABELS:
            codes.append(code)
        elif code:
            notes.append(_("The language {code} is not one Brobyg knows.").format(code=code))
    return list(dict.fromkeys(codes))


def _known(codes, allowed) -> list[str]:
    return [c for c in dict.fromkeys(codes or []) if c in allowed]


_HOST_TITLES = {"host", "vært", "vaert"}

# The fields only Brobyg's own taxonomies carry, by taxonomy.
_TAXONOMY_FIELDS = {
    STRATEGY_TAXONOMY: ["strategy"],
    ACTIVITY_TAXONOMY: ["activity_kinds"],
    INTEREST_TAXONOMY: ["interests"],
    TARGET_GROUP_TAXONOMY: ["target_groups"],
    FEATURE_TAXONOMY: ["fritidspas", "transport_offered", "accompaniment_possible", "is_group"],
    DETAIL_TAXONOMY: ["capacity", "host_note"],
}


def is_own_export(service: dict) -> bool:
    """Whether the record is Brobyg's own export, which gives every one of Brobyg's taxonomies
    (and says "none" by leaving a term out). Every export has the strategy."""
    return bool(terms(service).get(STRATEGY_TAXONOMY))


def absent_fields(service: dict) -> set[str]:
    """Fields the record says nothing about: an update keeps what the offer has, a new offer
    starts empty. Another system's record says nothing about a taxonomy it does not use."""
    if is_own_export(service):
        return set()
    found = terms(service)
    return {
        name
        for taxonomy, names in _TAXONOMY_FIELDS.items()
        if not found.get(taxonomy)
        for name in names
    }


def _capacity(service: dict, notes: list[str]) -> int | None:
    value = _detail(service, "capacity")
    if not value:
        return None
    if value.isdigit() and int(value) > 0:
        return int(value)
    notes.append(_("The number of places {value} was not understood.").format(value=value))
    return None


@dataclass
class ServiceOffer:
    """What a service says as an offer: the fields, where it is, and when it was checked."""

    data: dict
    # The record is Brobyg's own export (is_own_export).
    own: bool = False
    # The service gives no place and does not say it is by phone or online.
    unplaced: bool = False
    # When the service was last checked (assured_date, else the day it last changed).
    checked_on: date | None = None
    absent: set[str] = field(default_factory=set)


def offer_data(service: dict, *, default_strategy: str, notes: list[str]) -> ServiceOffer:
    name = _line(service.get("name"), 200)
    if not name:
        raise Skip(_("The service has no name."))
    if len(_para(service.get("name"))) > 200:
        notes.append(_("The name was shortened to 200 characters."))
    own = is_own_export(service)
    found = terms(service)
    strategy = next(
        (c for c in found.get(STRATEGY_TAXONOMY, []) if c in Strategy.values), default_strategy
    )
    features = set(found.get(FEATURE_TAXONOMY, []))
    where = place(service, notes)
    unplaced = where.pop("unplaced", False)
    own_note, texts = where.pop("access", (None, []))
    access_text = " ".join(texts)
    lowered = access_text.lower()
    # Brobyg's own labels for the two access flags are flags, not a note about access.
    for label in _access_labels().values():
        access_text = access_text.replace(label, "")
    access_text = " ".join(t for t in (own_note, " ".join(access_text.split())) if t)
    service_id = service.get("id")
    host = next(
        (
            c
            for c in service.get("contacts") or []
            if c
            and (
                c.get("id") == _uid(service_id, "host")
                or str(c.get("title") or "").strip().lower() in _HOST_TITLES
            )
        ),
        None,
    )
    phones = [_clean_phone((p or {}).get("number")) for p in service.get("phones") or []]
    ages = {}
    for key, target in (("minimum_age", "age_min"), ("maximum_age", "age_max")):
        value = service.get(key)
        ages[target] = int(value) if isinstance(value, int | float) and 0 <= value <= 120 else None
    if (
        ages["age_min"] is not None
        and ages["age_max"] is not None
        and ages["age_min"] > ages["age_max"]
    ):
        ages = {"age_min": None, "age_max": None}
    languages = _languages_of(service, notes)
    if OTHER_LANGUAGE in features:
        languages.append("other")
    data = {
        "title": name,
        "description": _para(service.get("description"))
        or _line(service.get("alternate_name"), 200)
        or name,
        "strategy": strategy,
        "activity_kinds": _known(found.get(ACTIVITY_TAXONOMY), ActivityKind.values),
        "interests": _known(found.get(INTEREST_TAXONOMY), Interest.values),
        "target_groups": _known(found.get(TARGET_GROUP_TAXONOMY), TargetGroup.values),
        **ages,
        **({} if unplaced else where),
        **_price(service),
        "fritidspas": "fritidspas" in features,
        # Brobyg's own export says these with its terms; another system's words count too.
        "wheelchair_accessible": "wheelchair" in features
        or (not own and any(word in lowered for word in ("wheelchair", "kørestol"))),
        "hearing_loop": "hearing" in features
        or (
            not own
            and any(word in lowered for word in ("induction loop", "hearing loop", "teleslynge"))
        ),
        "accessibility_note": _line(access_text, 300),
        "transport_offered": "transport" in features,
        "accompaniment_possible": "accompaniment" in features,
        "is_group": "group" in features,
        "capacity": _capacity(service, notes),
        "languages": languages,
        "host_name": _line((host or {}).get("name"), 200),
        "host_phone": next(
            (_clean_phone(p.get("number")) for p in (host or {}).get("phones") or [] if p), ""
        ),
        "host_note": _line(_detail(service, "host_note"), 300),
        "contact_email": _clean_email(service.get("email")),
        "contact_phone": next((p for p in phones if p), ""),
        "website": _clean_url(service.get("url")),
    }
    if unplaced:
        # A service that says nothing about a place says nothing about access to it.
        data.pop("accessibility_note")
        for name, code in (("wheelchair_accessible", "wheelchair"), ("hearing_loop", "hearing")):
            if not own and code not in features:
                data.pop(name)
    checked_on = _parse_date(service.get("assured_date")) or _parse_date(
        service.get("last_modified")
    )
    return ServiceOffer(
        data=data,
        own=own,
        unplaced=unplaced,
        checked_on=checked_on,
        absent=absent_fields(service),
    )
