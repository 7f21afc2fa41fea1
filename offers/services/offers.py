"""Offers: creating and changing them, their schedules and status, and their organisations'
contacts."""

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Team, User
from audit.constants import AuditAction
from audit.services import audit_record
from core.slots import slot_for
from core.validators import clean_choice_list
from offers.constants import (
    ActivityKind,
    Frequency,
    Interest,
    OfferStatus,
    PriceKind,
    Strategy,
    TargetGroup,
)
from offers.models import Offer, OfferSchedule, OrganisationContact
from places.geocoding import geocode
from referrals.constants import CITIZEN_LANGUAGES

OFFER_FIELDS = [
    "title",
    "description",
    "strategy",
    "activity_kinds",
    "interests",
    "target_groups",
    "age_min",
    "age_max",
    "is_group",
    "is_remote",
    "address",
    "postcode",
    "city",
    "capacity",
    "price_kind",
    "price_amount",
    "price_note",
    "fritidspas",
    "wheelchair_accessible",
    "hearing_loop",
    "accessibility_note",
    "transport_offered",
    "transport_note",
    "languages",
    "host_name",
    "host_phone",
    "host_note",
    "accompaniment_possible",
    "contact_email",
    "contact_phone",
    "website",
    "is_public",
]

_LIST_CHOICES = {
    "activity_kinds": set(ActivityKind.values),
    "interests": set(Interest.values),
    "target_groups": set(TargetGroup.values),
    "languages": {code for code, _label in CITIZEN_LANGUAGES},
}


def _clean_offer_data(data: dict, *, instance: Offer | None = None) -> dict:
    unknown = set(data) - set(OFFER_FIELDS)
    if unknown:
        raise ValueError(f"not offer fields: {sorted(unknown)}")
    data = dict(data)
    for field, allowed in _LIST_CHOICES.items():
        if field in data:
            data[field] = clean_choice_list(data[field], allowed, field)
    if "strategy" in data and data["strategy"] not in Strategy.values:
        raise ValidationError({"strategy": _("Choose one of the intervention strategies.")})
    if "price_kind" in data and data["price_kind"] not in PriceKind.values:
        raise ValidationError({"price_kind": _("Choose free or a price.")})
    merged = {f: getattr(instance, f) for f in OFFER_FIELDS} if instance else {}
    merged.update(data)
    if not (merged.get("title") or "").strip():
        raise ValidationError({"title": _("Give the offer a title.")})
    if not (merged.get("description") or "").strip():
        raise ValidationError({"description": _("Describe the offer in a few sentences.")})
    age_min, age_max = merged.get("age_min"), merged.get("age_max")
    if age_min is not None and age_max is not None and age_min > age_max:
        raise ValidationError({"age_max": _("The oldest age must not be below the youngest.")})
    if merged.get("price_kind") == PriceKind.PAID and merged.get("price_amount") in (None, ""):
        raise ValidationError({"price_amount": _("Give the price, or mark the offer free.")})
    if not merged.get("is_remote") and not merged.get("postcode"):
        raise ValidationError(
            {"postcode": _("Give the postcode where it takes place, or mark it by phone/online.")}
        )
    capacity = merged.get("capacity")
    if instance is not None and capacity is not None and capacity < instance.places_taken:
        raise ValidationError(
            {
                "capacity": _(
                    "{taken} places are already taken: the offer cannot have fewer."
                ).format(taken=instance.places_taken)
            }
        )
    return data


def _locate(offer: Offer) -> None:
    point = geocode(address=offer.address, postcode=offer.postcode)
    offer.latitude, offer.longitude = point if point else (None, None)


@transaction.atomic
def offer_create(
    *,
    organisation: Organisation,
    data: dict,
    actor: User | None,
    team: Team | None = None,
    schedules: list[dict] | None = None,
) -> Offer:
    data = _clean_offer_data(data)
    offer = Offer(organisation=organisation, team=team, **data)
    if not offer.is_remote or offer.postcode:
        _locate(offer)
    offer.full_clean(exclude=["weekdays", "slots"])
    offer.save()
    if schedules:
        offer_set_schedules(offer=offer, schedules=schedules, actor=None)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=offer)
    return offer


@transaction.atomic
def offer_update(*, offer: Offer, data: dict, actor: User) -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    data = _clean_offer_data(data, instance=offer)
    changed = [f for f, v in data.items() if getattr(offer, f) != v]
    for field in changed:
        setattr(offer, field, data[field])
    update_fields = [*changed]
    if {"address", "postcode"} & set(changed):
        _locate(offer)
        update_fields += ["latitude", "longitude"]
    if changed:
        offer.full_clean(exclude=["weekdays", "slots"])
        offer.save(update_fields=[*update_fields, "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=changed)
    return offer


def _clean_schedule(row: dict, number: int) -> OfferSchedule:
    frequency = row.get("frequency")
    if frequency not in Frequency.values:
        raise ValidationError({"schedules": _("Meeting {n}: say how often.").format(n=number)})
    starts_at = row.get("starts_at")
    if not isinstance(starts_at, time):
        raise ValidationError({"schedules": _("Meeting {n}: give a start time.").format(n=number)})
    ends_at = row.get("ends_at")
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError(
            {"schedules": _("Meeting {n}: it must end after it starts.").format(n=number)}
        )
    weekday = row.get("weekday")
    on = row.get("date")
    if frequency == Frequency.ONCE:
        if not isinstance(on, date):
            raise ValidationError({"schedules": _("Meeting {n}: give the date.").format(n=number)})
        weekday = None
    elif weekday not in range(7):
        raise ValidationError({"schedules": _("Meeting {n}: give the weekday.").format(n=number)})
    week_of_month = row.get("week_of_month") if frequency == Frequency.MONTHLY else None
    if week_of_month is not None and week_of_month not in (-1, 1, 2, 3, 4):
        raise ValidationError(
            {"schedules": _("Meeting {n}: the week of the month is 1–4 or last.").format(n=number)}
        )
    return OfferSchedule(
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month,
        date=on if frequency == Frequency.ONCE else None,
        starts_at=starts_at,
        ends_at=ends_at,
        valid_from=row.get("valid_from"),
        valid_until=row.get("valid_until"),
    )


def schedule_days_and_slots(schedules) -> tuple[list[int], list[int]]:
    weekdays, slots = set(), set()
    for schedule in schedules:
        day = schedule.weekday if schedule.date is None else schedule.date.weekday()
        weekdays.add(day)
        slots.add(slot_for(day, schedule.starts_at))
    return sorted(weekdays), sorted(slots)


@transaction.atomic
def offer_set_schedules(*, offer: Offer, schedules: list[dict], actor: User | None) -> Offer:
    """Replace the offer's meeting times, and the weekdays and slots matching filters on."""
    rows = [_clean_schedule(row, n) for n, row in enumerate(schedules, start=1)]
    offer.schedules.all().delete()
    for row in rows:
        row.offer = offer
    OfferSchedule.objects.bulk_create(rows)
    offer.weekdays, offer.slots = schedule_days_and_slots(rows)
    offer.save(update_fields=["weekdays", "slots", "updated_at"])
    if actor is not None:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=["schedules"])
    return offer


# The steps an offer's status may take (offer_set_status); the coordinator's page offers these.
OFFER_STATUS_STEPS = {
    OfferStatus.ACTIVE: {OfferStatus.PAUSED, OfferStatus.ARCHIVED},
    OfferStatus.PAUSED: {OfferStatus.ACTIVE, OfferStatus.ARCHIVED},
    OfferStatus.ARCHIVED: {OfferStatus.ACTIVE},
}


@transaction.atomic
def offer_set_status(*, offer: Offer, status: str, actor: User) -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if status == offer.status:
        return offer
    if status not in OFFER_STATUS_STEPS.get(offer.status, set()):
        raise ValidationError({"status": _("The offer cannot go from this status to that.")})
    offer.status = status
    offer.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=["status"])
    return offer


@transaction.atomic
def offer_confirm(*, offer: Offer, actor: User) -> Offer:
    """The coordinator has checked that the offer is still as described."""
    offer.last_confirmed_on = timezone.localdate()
    offer.save(update_fields=["last_confirmed_on", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=["last_confirmed_on"])
    return offer


@transaction.atomic
def organisation_contact_add(
    *, organisation: Organisation, name: str, actor: User, title="", email="", phone=""
) -> OrganisationContact:
    if not name.strip():
        raise ValidationError({"name": _("Give the contact person's name.")})
    contact = OrganisationContact.objects.create(
        organisation=organisation, name=name.strip(), title=title, email=email, phone=phone
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=contact)
    return contact
