"""HSDS 3.0 services read into offers: each service checked, cleaned and created or updated
through the offers' services; what could not be used is reported, never guessed."""

import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.constants import OrganisationKind
from accounts.models import Organisation, Team
from accounts.services import organisation_create
from offers.constants import (
    ActivityKind,
    Frequency,
    Interest,
    OfferStatus,
    PriceKind,
    Strategy,
    TargetGroup,
)
from offers.hsds.common import (
    _LANGUAGE_ALIASES,
    _LANGUAGE_LABELS,
    ACTIVITY_TAXONOMY,
    DAY_CODES,
    FEATURE_TAXONOMY,
    INTEREST_TAXONOMY,
    STRATEGY_TAXONOMY,
    TARGET_GROUP_TAXONOMY,
)
from offers.hsds.export import _access_labels
from offers.models import Offer
from offers.services import (
    offer_create,
    offer_set_schedules,
    offer_set_status,
    offer_update,
    organisation_contact_add,
)

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
