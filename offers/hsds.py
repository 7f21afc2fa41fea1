"""Offers as Open Referral HSDS 3.0 services: the export behind GET /api/v1/offers/hsds/ and the
import behind `manage.py import_hsds`.

HSDS gives every nested record (schedule, location, phone, taxonomy term …) an id of its own.
Brobyg keeps rows only for offers, schedules, organisations and contact persons; every other id
is a UUID derived from the offer's id (uuid5), so the same offer exports the same ids each time.

Meeting times map to RFC 5545 rules the way HSDS uses them:

    weekly               freq=WEEKLY  interval=1 byday=TU
    every other week     freq=WEEKLY  interval=2 byday=TH   dtstart = a meeting day
    monthly, nth weekday freq=MONTHLY interval=1 byday=1MO  (-1FR: the last Friday)
    monthly, any week    freq=MONTHLY interval=1 dtstart = a meeting day (no byday)
    one date             no freq, dtstart = until = the date
"""

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation
from math import ceil

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.constants import OrganisationKind
from accounts.models import Organisation, Team
from accounts.services import organisation_create
from offers import selectors
from offers.constants import (
    ActivityKind,
    Frequency,
    Interest,
    OfferStatus,
    PriceKind,
    Strategy,
    TargetGroup,
)
from offers.models import Offer, OfferSchedule
from offers.services import (
    offer_create,
    offer_set_schedules,
    offer_set_status,
    offer_update,
    organisation_contact_add,
)
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


# --- Export -------------------------------------------------------------------------------------


def _without_empty(record: dict) -> dict:
    """HSDS validators check formats (uri, email): leave a field out rather than send ''."""
    return {k: v for k, v in record.items() if v not in (None, "", [])}


def _phone(number: str, *, id_parts: tuple, **links) -> dict:
    return _without_empty({"id": _uid(*id_parts), "number": number, "type": "voice", **links})


def _schedule(schedule: OfferSchedule, offer: Offer) -> dict:
    record = {
        "id": str(schedule.pk),
        "service_id": str(offer.pk),
        "opens_at": _clock(schedule.starts_at),
        "closes_at": _clock(schedule.ends_at),
        "description": selectors.directory_schedule_text(schedule),
        "valid_from": schedule.valid_from.isoformat() if schedule.valid_from else None,
        "valid_to": schedule.valid_until.isoformat() if schedule.valid_until else None,
    }
    if schedule.frequency == Frequency.ONCE:
        day = schedule.date.isoformat()
        record.update(dtstart=day, until=day, valid_from=day, valid_to=day)
    else:
        code = DAY_CODES[schedule.weekday]
        record["wkst"] = "MO"
        if schedule.frequency == Frequency.WEEKLY:
            record.update(freq="WEEKLY", interval=1, byday=code)
        elif schedule.frequency == Frequency.BIWEEKLY:
            record.update(
                freq="WEEKLY", interval=2, byday=code, dtstart=_anchor(schedule).isoformat()
            )
        elif schedule.week_of_month:
            record.update(freq="MONTHLY", interval=1, byday=f"{schedule.week_of_month}{code}")
        else:
            record.update(freq="MONTHLY", interval=1, dtstart=_anchor(schedule).isoformat())
        if schedule.valid_until:
            record["until"] = schedule.valid_until.isoformat()
    return _without_empty(record)


def _term(taxonomy: str, code: str, label) -> dict:
    taxonomy_id = _uid("taxonomy", taxonomy)
    return {
        "id": _uid("term", taxonomy, code),
        "code": code,
        "name": str(label),
        "description": str(label),
        "taxonomy": taxonomy,
        "taxonomy_id": taxonomy_id,
        "taxonomy_detail": {
            "id": taxonomy_id,
            "name": taxonomy,
            "description": TAXONOMY_DESCRIPTIONS[taxonomy],
            "version": "1",
        },
        "language": (get_language() or "da")[:2],
    }


def _attributes(offer: Offer) -> list[dict]:
    terms = [(STRATEGY_TAXONOMY, offer.strategy, offer.get_strategy_display())]
    for taxonomy, values, choices in (
        (ACTIVITY_TAXONOMY, offer.activity_kinds, ActivityKind.choices),
        (INTEREST_TAXONOMY, offer.interests, Interest.choices),
        (TARGET_GROUP_TAXONOMY, offer.target_groups, TargetGroup.choices),
    ):
        labels = dict(choices)
        terms += [(taxonomy, v, labels[v]) for v in values if v in labels]
    terms += [
        (FEATURE_TAXONOMY, code, _(label))
        for code, (field_name, label) in FEATURES.items()
        if getattr(offer, field_name)
    ]
    return [
        {
            "id": _uid(offer.pk, "attribute", taxonomy, code),
            "link_id": str(offer.pk),
            "link_entity": "service",
            "taxonomy_term_id": _uid("term", taxonomy, code),
            "taxonomy_term": _term(taxonomy, code, label),
        }
        for taxonomy, code, label in terms
    ]


def _price_text(offer: Offer) -> str:
    if offer.price_kind == PriceKind.PAID and offer.price_amount is not None:
        amount = f"{offer.price_amount.normalize():f}".replace(".", ",")
        text = _("{amount} kr.").format(amount=amount)
    else:
        text = _("Free")
    if offer.price_note:
        text = f"{text} ({offer.price_note})"
    if offer.fritidspas:
        text = f"{text}. {_('Fritidspas accepted')}"
    return text


def _cost_options(offer: Offer) -> list[dict]:
    if offer.price_kind == PriceKind.PAID and offer.price_amount is not None:
        amount, option = float(offer.price_amount), ""
    else:
        amount, option = 0, _("Free")
    return [
        _without_empty(
            {
                "id": _uid(offer.pk, "cost"),
                "service_id": str(offer.pk),
                "option": str(option),
                "currency": "DKK",
                "amount": amount,
                "amount_description": offer.price_note,
            }
        )
        | {"amount": amount}
    ]


def _languages(offer: Offer, **links) -> list[dict]:
    return [
        {"id": _uid(offer.pk, "language", code), "name": str(_LANGUAGE_LABELS[code]), "code": code}
        | links
        for code in offer.languages
        if code in _LANGUAGE_LABELS and code != "other"
    ]


def _access_labels() -> dict[str, str]:
    return {
        "wheelchair": _("Wheelchair access"),
        "hearing": _("Hearing loop or help for hearing"),
    }


def _accessibility(offer: Offer, location_id: str) -> list[dict]:
    labels = _access_labels()
    items = []
    if offer.wheelchair_accessible:
        items.append(("wheelchair", labels["wheelchair"]))
    if offer.hearing_loop:
        items.append(("hearing", labels["hearing"]))
    if offer.accessibility_note:
        items.append(("note", offer.accessibility_note))
    return [
        {
            "id": _uid(offer.pk, "accessibility", code),
            "location_id": location_id,
            "description": str(text),
        }
        for code, text in items
    ]


def _location(offer: Offer, page_url: str) -> dict:
    location_id = _uid(offer.pk, "location")
    if offer.is_remote:
        return {
            "id": location_id,
            "location_type": "virtual",
            "name": _("By phone or online"),
            "url": offer.website or page_url,
            "languages": _languages(offer, location_id=location_id),
        }
    return _without_empty(
        {
            "id": location_id,
            "location_type": "physical",
            "name": offer.address or offer.title,
            "latitude": offer.latitude,
            "longitude": offer.longitude,
            "transportation": offer.transport_note,
            "addresses": [
                {
                    "id": _uid(offer.pk, "address"),
                    "location_id": location_id,
                    "address_1": offer.address,
                    "city": offer.city,
                    # Denmark has regions, not states; the postcode and town place the address.
                    "state_province": "",
                    "postal_code": offer.postcode,
                    "country": "DK",
                    "address_type": "physical",
                }
            ],
            "accessibility": _accessibility(offer, location_id),
            "languages": _languages(offer, location_id=location_id),
        }
    )


def _organisation(organisation: Organisation) -> dict:
    # HSDS requires a description; the organisation's kind ("Forening") always gives one.
    return _without_empty(
        {
            "id": str(organisation.pk),
            "name": organisation.name,
            "description": str(organisation.get_kind_display()),
            "email": organisation.email,
            "website": organisation.website,
            "phones": [
                _phone(
                    organisation.phone,
                    id_parts=(organisation.pk, "phone"),
                    organization_id=str(organisation.pk),
                )
            ]
            if organisation.phone
            else [],
            "contacts": [
                _without_empty(
                    {
                        "id": str(contact.pk),
                        "organization_id": str(organisation.pk),
                        "name": contact.name,
                        "title": contact.title,
                        "email": contact.email,
                        "phones": [
                            _phone(
                                contact.phone,
                                id_parts=(contact.pk, "phone"),
                                contact_id=str(contact.pk),
                            )
                        ]
                        if contact.phone
                        else [],
                    }
                )
                for contact in organisation.contacts.all()
            ],
        }
    )


_HSDS_STATUS = {
    OfferStatus.ACTIVE: "active",
    OfferStatus.PAUSED: "temporarily closed",
    OfferStatus.ARCHIVED: "inactive",
}


def offer_to_hsds(offer: Offer, *, base_url: str | None = None) -> dict:
    """One offer as a complete HSDS 3.0 service record (compiled/service.json)."""
    base_url = (base_url or settings.BROBYG_BASE_URL).rstrip("/")
    page_url = base_url + reverse("directory:offer", args=[offer.pk])
    service_id = str(offer.pk)
    location = _location(offer, page_url)
    phones = []
    if offer.contact_phone:
        phones.append(
            _phone(offer.contact_phone, id_parts=(offer.pk, "phone"), service_id=service_id)
        )
    contacts = []
    if offer.host_name:
        contacts.append(
            _without_empty(
                {
                    "id": _uid(offer.pk, "host"),
                    "service_id": service_id,
                    "name": offer.host_name,
                    "title": _("Host"),
                    "phones": [
                        _phone(
                            offer.host_phone,
                            id_parts=(offer.pk, "host-phone"),
                            contact_id=_uid(offer.pk, "host"),
                        )
                    ]
                    if offer.host_phone
                    else [],
                }
            )
        )
    welcome = []
    if offer.host_name:
        welcome.append(_("{name} welcomes newcomers.").format(name=offer.host_name))
    if offer.host_note:
        welcome.append(offer.host_note)
    if offer.accompaniment_possible:
        welcome.append(_("A volunteer can go with you the first time."))
    audience = [str(label) for code, label in TargetGroup.choices if code in offer.target_groups]
    schedules = sorted(offer.schedules.all(), key=selectors.directory_schedule_sort_key)
    record = {
        "id": service_id,
        "organization_id": str(offer.organisation_id),
        "name": offer.title,
        "description": offer.description,
        "url": offer.website or page_url,
        "email": offer.contact_email,
        "status": _HSDS_STATUS[offer.status],
        "application_process": " ".join(welcome),
        "fees_description": _price_text(offer),
        "eligibility_description": ", ".join(audience),
        "minimum_age": offer.age_min,
        "maximum_age": offer.age_max,
        "assured_date": offer.last_confirmed_on.isoformat(),
        "last_modified": offer.updated_at.isoformat(),
        "alert": _("Full at the moment") if offer.is_full else "",
        "phones": phones,
        "schedules": [_schedule(s, offer) for s in schedules],
        "service_at_locations": [
            {
                "id": _uid(offer.pk, "service_at_location"),
                "service_id": service_id,
                "location_id": location["id"],
                "location": location,
            }
        ],
        "languages": _languages(offer, service_id=service_id),
        "organization": _organisation(offer.organisation),
        "cost_options": _cost_options(offer),
        "contacts": contacts,
        "attributes": _attributes(offer),
    }
    return _without_empty(record)


def hsds_offers():
    """The offers the HSDS export holds: every public, active offer, whoever asks."""
    return (
        selectors.directory_offers(user=None)
        .select_related("organisation")
        .prefetch_related("schedules", "organisation__contacts")
        .order_by("title", "pk")
    )


def hsds_page(*, contents: list[dict], total: int, page_number: int, per_page: int) -> dict:
    """The paged list of the HSDS API's /services: contents and where they are in the whole."""
    total_pages = max(ceil(total / per_page), 1)
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": page_number,
        "size": len(contents),
        "first_page": page_number == 1,
        "last_page": page_number >= total_pages,
        "empty": total == 0,
        "contents": contents,
    }


# --- Import -------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    name: str
    action: str  # created, updated, unchanged or skipped
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    offer: Offer | None = None


@dataclass
class ImportReport:
    results: list[ImportResult] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.results if r.action == action)


class _Skip(Exception):
    pass


def hsds_services(data) -> list[dict]:
    """The services in an HSDS document: a paged list, a bare list or a single service."""
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        services = data["contents"]
    elif isinstance(data, list):
        services = data
    elif isinstance(data, dict) and "name" in data:
        services = [data]
    else:
        raise ValidationError(
            _("The file holds no HSDS services: expected a service, a list or a paged list.")
        )
    return services


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


def _terms(service: dict) -> dict[str, list[str]]:
    """Taxonomy codes by taxonomy name, from the service's attributes."""
    found: dict[str, list[str]] = {}
    for attribute in service.get("attributes") or []:
        term = (attribute or {}).get("taxonomy_term") or {}
        taxonomy = term.get("taxonomy") or (term.get("taxonomy_detail") or {}).get("name") or ""
        code = term.get("code") or attribute.get("value") or ""
        if taxonomy and code:
            found.setdefault(str(taxonomy), []).append(str(code))
    return found


def _schedule_rows(records: list[dict], notes: list[str]) -> list[dict]:
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


def _place(service: dict, notes: list[str]) -> dict:
    """Address fields of the first Danish physical location, or a remote offer."""
    physical, virtual = [], False
    for link in service.get("service_at_locations") or []:
        location = (link or {}).get("location") or {}
        if location.get("location_type") == "virtual":
            virtual = True
        elif location:
            physical.append(location)
    for location in physical:
        for address in location.get("addresses") or [{}]:
            postcode = str((address or {}).get("postal_code") or "").strip()
            country = str((address or {}).get("country") or "DK").strip().upper()
            if re.fullmatch(r"\d{4}", postcode) and country in ("DK", "DNK", "DENMARK", "DANMARK"):
                texts = [
                    _para(a.get(key))
                    for a in location.get("accessibility") or []
                    if a
                    for key in ("description", "details")
                ]
                access_text = " ".join(t for t in dict.fromkeys(texts) if t)
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
                    "accessibility_text": access_text,
                }
    if physical:
        codes = [
            str((a or {}).get("postal_code") or "?")
            for location in physical
            for a in (location.get("addresses") or [{}])
        ]
        raise _Skip(
            _("No Danish postcode for the place ({postcodes}).").format(postcodes=", ".join(codes))
        )
    if not virtual:
        notes.append(_("No place given: imported as by phone or online."))
    return {"is_remote": True, "address": "", "postcode": "", "city": ""}


def _price(service: dict) -> dict:
    options = [o for o in service.get("cost_options") or [] if o]
    paid = []
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
                raise _Skip(
                    _("The price is in {currency}; Brobyg shows prices in kroner.").format(
                        currency=currency
                    )
                )
            paid.append((amount, option))
    if paid:
        amount, option = min(paid, key=lambda p: p[0])
        return {
            "price_kind": PriceKind.PAID,
            "price_amount": amount.quantize(Decimal("0.01")),
            "price_note": _line(option.get("amount_description") or option.get("option"), 200),
        }
    return {"price_kind": PriceKind.FREE, "price_amount": None, "price_note": ""}


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


def _organisation_for(service: dict, organisation_kind: str) -> Organisation:
    data = service.get("organization") or {}
    org_id = data.get("id") or service.get("organization_id")
    if org_id:
        try:
            found = Organisation.objects.filter(pk=uuid.UUID(str(org_id))).first()
        except ValueError:
            found = None
        if found:
            return found
    name = _line(data.get("name"), 200)
    if not name:
        raise _Skip(_("The service names no organisation."))
    found = Organisation.objects.filter(name__iexact=name).order_by("created_at").first()
    if found:
        return found
    organisation = organisation_create(
        name=name,
        kind=organisation_kind,
        email=_clean_email(data.get("email")),
        website=_clean_url(data.get("website")),
        phone=next((_clean_phone(p.get("number")) for p in data.get("phones") or [] if p), ""),
    )
    return organisation


def _add_contacts(organisation: Organisation, service: dict) -> int:
    contacts = (service.get("organization") or {}).get("contacts") or []
    known = {c.lower() for c in organisation.contacts.values_list("name", flat=True)}
    added = 0
    for contact in contacts:
        name = _line((contact or {}).get("name"), 200)
        if not name or name.lower() in known:
            continue
        organisation_contact_add(
            organisation=organisation,
            name=name,
            actor=None,
            title=_line(contact.get("title"), 200),
            email=_clean_email(contact.get("email")),
            phone=next(
                (_clean_phone(p.get("number")) for p in contact.get("phones") or [] if p), ""
            ),
        )
        known.add(name.lower())
        added += 1
    return added


_HOST_TITLES = {"host", "vært", "vaert"}


def _known(codes, allowed) -> list[str]:
    return [c for c in dict.fromkeys(codes or []) if c in allowed]


def _absent_fields(service: dict) -> set[str]:
    """Fields only Brobyg's own taxonomies carry: a record without them says nothing about them,
    so an update keeps what the offer has."""
    terms = _terms(service)
    absent = set()
    for taxonomy, fields in (
        (STRATEGY_TAXONOMY, ["strategy"]),
        (ACTIVITY_TAXONOMY, ["activity_kinds"]),
        (INTEREST_TAXONOMY, ["interests"]),
        (TARGET_GROUP_TAXONOMY, ["target_groups"]),
        (FEATURE_TAXONOMY, ["fritidspas", "transport_offered", "accompaniment_possible"]),
    ):
        if not terms.get(taxonomy):
            absent.update(fields)
    return absent


def _offer_data(service: dict, *, default_strategy: str, notes: list[str]) -> dict:
    name = _line(service.get("name"), 200)
    if not name:
        raise _Skip(_("The service has no name."))
    if len(_para(service.get("name"))) > 200:
        notes.append(_("The name was shortened to 200 characters."))
    terms = _terms(service)
    strategy = next(
        (c for c in terms.get(STRATEGY_TAXONOMY, []) if c in Strategy.values), default_strategy
    )
    features = set(terms.get(FEATURE_TAXONOMY, []))
    place = _place(service, notes)
    access_text = place.pop("accessibility_text", "")
    lowered = access_text.lower()
    # Brobyg's own labels for the two access flags are flags, not a note about access.
    for label in _access_labels().values():
        access_text = access_text.replace(label, "")
    access_text = " ".join(access_text.split())
    host = next(
        (
            c
            for c in service.get("contacts") or []
            if c and str(c.get("title") or "").strip().lower() in _HOST_TITLES
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
    return {
        "title": name,
        "description": _para(service.get("description"))
        or _line(service.get("alternate_name"), 200)
        or name,
        "strategy": strategy,
        "activity_kinds": _known(terms.get(ACTIVITY_TAXONOMY), ActivityKind.values),
        "interests": _known(terms.get(INTEREST_TAXONOMY), Interest.values),
        "target_groups": _known(terms.get(TARGET_GROUP_TAXONOMY), TargetGroup.values),
        **ages,
        **place,
        **_price(service),
        "fritidspas": "fritidspas" in features,
        "wheelchair_accessible": "wheelchair" in features
        or any(word in lowered for word in ("wheelchair", "kørestol")),
        "hearing_loop": "hearing" in features
        or any(word in lowered for word in ("induction loop", "hearing loop", "teleslynge")),
        "accessibility_note": _line(access_text, 300),
        "transport_offered": "transport" in features,
        "accompaniment_possible": "accompaniment" in features,
        "languages": _languages_of(service, notes),
        "host_name": _line((host or {}).get("name"), 200),
        "host_phone": next(
            (_clean_phone(p.get("number")) for p in (host or {}).get("phones") or [] if p), ""
        ),
        "contact_email": _clean_email(service.get("email")),
        "contact_phone": next((p for p in phones if p), ""),
        "website": _clean_url(service.get("url")),
    }


_SCHEDULE_FIELDS = (
    "frequency",
    "weekday",
    "week_of_month",
    "date",
    "starts_at",
    "ends_at",
    "valid_from",
    "valid_until",
)


def _schedule_key(row) -> tuple:
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    return tuple(str(get(name)) if get(name) is not None else "" for name in _SCHEDULE_FIELDS)


def _existing_offer(service_id, organisation: Organisation, title: str) -> Offer | None:
    # An offer exported from Brobyg comes back with its own id; any other is known by its
    # organisation and title (HSDS ids of other systems are not kept on the offer).
    try:
        found = Offer.objects.filter(pk=uuid.UUID(str(service_id))).first()
    except (TypeError, ValueError):
        found = None
    if found is not None:
        return found
    return (
        Offer.objects.filter(organisation=organisation, title__iexact=title)
        .order_by("created_at")
        .first()
    )


def _import_service(
    service: dict,
    *,
    actor,
    team: Team | None,
    default_strategy: str,
    organisation_kind: str,
) -> ImportResult:
    if not isinstance(service, dict):
        raise _Skip(_("Not a service record."))
    result = ImportResult(name=_line(service.get("name"), 200) or "?", action="skipped")
    status = str(service.get("status") or "active").lower()
    data = _offer_data(service, default_strategy=default_strategy, notes=result.notes)
    schedules = _schedule_rows(
        [
            *(service.get("schedules") or []),
            *[
                s
                for link in service.get("service_at_locations") or []
                for s in (link or {}).get("schedules") or []
            ],
        ],
        result.notes,
    )
    organisation = _organisation_for(service, organisation_kind)
    offer = _existing_offer(service.get("id"), organisation, data["title"])
    if status in ("inactive", "defunct"):
        if offer is None or offer.status == OfferStatus.ARCHIVED:
            raise _Skip(_("The service is {status}.").format(status=status))
        offer_set_status(offer=offer, status=OfferStatus.ARCHIVED, actor=actor)
        result.action, result.offer = "updated", offer
        result.notes.append(_("Archived: the service is {status}.").format(status=status))
        return result
    wanted_status = OfferStatus.PAUSED if status == "temporarily closed" else OfferStatus.ACTIVE
    if offer is None:
        offer = offer_create(
            organisation=organisation, data=data, actor=actor, team=team, schedules=schedules
        )
        if wanted_status != OfferStatus.ACTIVE:
            offer_set_status(offer=offer, status=wanted_status, actor=actor)
        result.action = "created"
    else:
        data = {k: v for k, v in data.items() if k not in _absent_fields(service)}
        # HSDS has no code for "another language": keep it when the offer has it.
        if "other" in offer.languages and "other" not in data["languages"]:
            data["languages"] = [*data["languages"], "other"]
        changed = [name for name, value in data.items() if getattr(offer, name) != value]
        if changed:
            offer = offer_update(offer=offer, data=data, actor=actor)
        old = sorted(_schedule_key(s) for s in offer.schedules.all())
        new = sorted(
            _schedule_key({**{"week_of_month": None, "date": None, "weekday": None}, **s})
            for s in schedules
        )
        if old != new:
            offer_set_schedules(offer=offer, schedules=schedules, actor=actor)
            changed.append("schedules")
        if offer.status != wanted_status:
            offer_set_status(offer=offer, status=wanted_status, actor=actor)
            changed.append("status")
        result.action = "updated" if changed else "unchanged"
    added = _add_contacts(organisation, service)
    if added and result.action == "unchanged":
        result.action = "updated"
    result.offer = offer
    return result


def hsds_import(
    *,
    data,
    actor=None,
    team: Team | None = None,
    default_strategy: str = Strategy.SOCIAL_NETWORK,
    organisation_kind: str = OrganisationKind.ASSOCIATION,
) -> ImportReport:
    """Create or update offers from HSDS services, each on its own: one bad service is skipped
    with its reason and the others are still imported. Running it again changes nothing."""
    if default_strategy not in Strategy.values:
        raise ValidationError({"default_strategy": _("Choose one of the intervention strategies.")})
    if organisation_kind not in OrganisationKind.values:
        raise ValidationError({"organisation_kind": _("Choose a kind of organisation.")})
    report = ImportReport()
    for service in hsds_services(data):
        name = _line((service or {}).get("name"), 200) if isinstance(service, dict) else "?"
        try:
            with transaction.atomic():
                report.results.append(
                    _import_service(
                        service,
                        actor=actor,
                        team=team,
                        default_strategy=default_strategy,
                        organisation_kind=organisation_kind,
                    )
                )
        except _Skip as skip:
            report.results.append(
                ImportResult(name=name or "?", action="skipped", reason=str(skip))
            )
        except ValidationError as exc:
            messages = (
                [f"{field}: {' '.join(m)}" for field, m in exc.message_dict.items()]
                if hasattr(exc, "error_dict")
                else exc.messages
            )
            report.results.append(
                ImportResult(name=name or "?", action="skipped", reason="; ".join(messages))
            )
    return report


def hsds_load(text: str):
    try:
        return json.loads(text)
    except ValueError as exc:
        raise ValidationError(_("The file is not JSON: {error}").format(error=exc)) from exc
