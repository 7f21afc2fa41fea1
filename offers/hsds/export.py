"""Offers written as HSDS 3.0 services, with their organisation, location, schedules and terms."""

from math import ceil

from django.conf import settings
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import Organisation
from offers import selectors
from offers.constants import ActivityKind, Frequency, Interest, OfferStatus, PriceKind, TargetGroup
from offers.hsds.common import (
    _LANGUAGE_LABELS,
    ACTIVITY_TAXONOMY,
    DAY_CODES,
    DETAIL_TAXONOMY,
    DETAILS,
    FEATURE_TAXONOMY,
    FEATURES,
    INTEREST_TAXONOMY,
    ORGANISATION_KIND_TAXONOMY,
    OTHER_LANGUAGE,
    STRATEGY_TAXONOMY,
    TARGET_GROUP_TAXONOMY,
    TAXONOMY_DESCRIPTIONS,
    _anchor,
    _clock,
    _uid,
    contact_id,
    schedule_ids,
)
from offers.models import Offer, OfferSchedule
from places.selectors import postcode_get

# --- Export -------------------------------------------------------------------------------------


def _without_empty(record: dict) -> dict:
    """HSDS validators check formats (uri, email): leave a field out rather than send ''."""
    return {k: v for k, v in record.items() if v not in (None, "", [])}


def _phone(number: str, *, id_parts: tuple, **links) -> dict:
    return _without_empty({"id": _uid(*id_parts), "number": number, "type": "voice", **links})


def _schedule(schedule: OfferSchedule, offer: Offer, schedule_id: str) -> dict:
    record = {
        "id": schedule_id,
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


def _attribute(owner_id, link_entity: str, taxonomy: str, code: str, label, value=None) -> dict:
    record = {
        "id": _uid(owner_id, "attribute", taxonomy, code),
        "link_id": str(owner_id),
        "link_entity": link_entity,
        "taxonomy_term_id": _uid("term", taxonomy, code),
        "taxonomy_term": _term(taxonomy, code, label),
    }
    if value is not None:
        record["value"] = str(value)
    return record


def _attributes(offer: Offer) -> list[dict]:
    terms = [(STRATEGY_TAXONOMY, offer.strategy, offer.get_strategy_display(), None)]
    for taxonomy, values, choices in (
        (ACTIVITY_TAXONOMY, offer.activity_kinds, ActivityKind.choices),
        (INTEREST_TAXONOMY, offer.interests, Interest.choices),
        (TARGET_GROUP_TAXONOMY, offer.target_groups, TargetGroup.choices),
    ):
        labels = dict(choices)
        terms += [(taxonomy, v, labels[v], None) for v in values if v in labels]
    terms += [
        (FEATURE_TAXONOMY, code, _(label), None)
        for code, (field_name, label) in FEATURES.items()
        if getattr(offer, field_name)
    ]
    if "other" in offer.languages:
        terms.append((FEATURE_TAXONOMY, OTHER_LANGUAGE, _("Another language"), None))
    terms += [
        (DETAIL_TAXONOMY, code, _(label), getattr(offer, field_name))
        for code, (field_name, label) in DETAILS.items()
        if getattr(offer, field_name) not in (None, "")
    ]
    return [
        _attribute(offer.pk, "service", taxonomy, code, label, value)
        for taxonomy, code, label, value in terms
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
        return _without_empty(
            {
                "id": location_id,
                "location_type": "virtual",
                "name": _("By phone or online"),
                "url": offer.website or page_url,
                "transportation": offer.transport_note,
                "accessibility": _accessibility(offer, location_id),
                "languages": _languages(offer, location_id=location_id),
            }
        )
    latitude, longitude, address = offer.latitude, offer.longitude, offer.address
    if offer.in_private_home:
        # Someone's home is not published: the postcode and town, at the postcode's centre, as in
        # the directory. The address is given to those who sign up.
        centre = postcode_get(code=offer.postcode)
        latitude, longitude = (centre.latitude, centre.longitude) if centre else (None, None)
        address = ""
    return _without_empty(
        {
            "id": location_id,
            "location_type": "physical",
            "name": address or offer.title,
            "latitude": latitude,
            "longitude": longitude,
            "transportation": offer.transport_note,
            "addresses": [
                {
                    "id": _uid(offer.pk, "address"),
                    "location_id": location_id,
                    "address_1": address,
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
    # HSDS requires a description; the organisation's kind ("Forening") always gives one. The
    # kind itself travels as a term, for an import to read back.
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
                        "id": contact_id(organisation.pk, contact.name),
                        "organization_id": str(organisation.pk),
                        "name": contact.name,
                        "title": contact.title,
                        "email": contact.email,
                        "phones": [
                            _phone(
                                contact.phone,
                                id_parts=(contact_id(organisation.pk, contact.name), "phone"),
                                contact_id=contact_id(organisation.pk, contact.name),
                            )
                        ]
                        if contact.phone
                        else [],
                    }
                )
                for contact in organisation.contacts.all()
            ],
            "attributes": [
                _attribute(
                    organisation.pk,
                    "organization",
                    ORGANISATION_KIND_TAXONOMY,
                    organisation.kind,
                    organisation.get_kind_display(),
                )
            ],
        }
    )


_HSDS_STATUS = {
    OfferStatus.ACTIVE: "active",
    OfferStatus.PAUSED: "temporarily closed",
    OfferStatus.ARCHIVED: "inactive",
    # Not offered to anyone until a coordinator has looked at it.
    OfferStatus.FOR_REVIEW: "inactive",
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
    ids = schedule_ids(offer.pk, schedules)
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
        "schedules": [_schedule(s, offer, i) for s, i in zip(schedules, ids, strict=True)],
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
