"""Offers: creating and changing them, their schedules and status, and their organisations'
contacts."""

import uuid
from datetime import date, time, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import Organisation, Team, User
from audit.constants import AuditAction
from audit.services import audit_record
from core.slots import slot_for
from core.validators import clean_choice_list
from offers.constants import (
    BRIDGE_BUILDER_HOSTED_KINDS,
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
    "in_private_home",
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
    "call_before_sessions",
    "call_days_before",
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


def offer_data_errors(data: dict, *, instance: Offer | None = None) -> dict[str, list[str]]:
    """Everything wrong with an offer's fields, by field, all at once (empty when nothing is):
    the coordinator's form shows each on its field in one go, and the services refuse with all
    of them. Fields missing from `data` are the offer's own (`instance`) or empty."""
    errors: dict[str, list[str]] = {}

    def refuse(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for field, allowed in _LIST_CHOICES.items():
        if field in data:
            try:
                clean_choice_list(data[field], allowed, field)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    errors.setdefault(name, []).extend(messages)
    if "strategy" in data and data["strategy"] not in Strategy.values:
        refuse("strategy", _("Choose one of the intervention strategies."))
    if "price_kind" in data and data["price_kind"] not in PriceKind.values:
        refuse("price_kind", _("Choose free or a price."))
    merged = {f: getattr(instance, f) for f in OFFER_FIELDS} if instance else {}
    merged.update(data)
    if not (merged.get("title") or "").strip():
        refuse("title", _("Give the offer a title."))
    if not (merged.get("description") or "").strip():
        refuse("description", _("Describe the offer in a few sentences."))
    age_min, age_max = merged.get("age_min"), merged.get("age_max")
    if age_min is not None and age_max is not None and age_min > age_max:
        refuse("age_max", _("The oldest age must not be below the youngest."))
    price_amount = _amount(merged.get("price_amount"))
    if merged.get("price_kind") == PriceKind.PAID and merged.get("price_amount") in (None, ""):
        refuse("price_amount", _("Give the price, or mark the offer free."))
    elif merged.get("price_kind") == PriceKind.FREE and price_amount and price_amount > 0:
        refuse(
            "price_amount",
            _("The offer is marked free: leave the price empty, or choose that it costs money."),
        )
    if not merged.get("is_remote") and not merged.get("postcode"):
        refuse("postcode", _("Give the postcode where it takes place, or mark it by phone/online."))
    capacity = merged.get("capacity")
    if instance is not None and capacity is not None and capacity < instance.places_taken:
        refuse(
            "capacity",
            _("{taken} places are already taken: the offer cannot have fewer.").format(
                taken=instance.places_taken
            ),
        )
    return errors


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None  # not a number: the model's own check names it


def _clean_offer_data(data: dict, *, instance: Offer | None = None) -> dict:
    unknown = set(data) - set(OFFER_FIELDS)
    if unknown:
        raise ValueError(f"not offer fields: {sorted(unknown)}")
    errors = offer_data_errors(data, instance=instance)
    if errors:
        raise ValidationError(errors)
    data = dict(data)
    for field, allowed in _LIST_CHOICES.items():
        if field in data:
            data[field] = clean_choice_list(data[field], allowed, field)
    return data


def _locate(offer: Offer) -> None:
    point = geocode(address=offer.address, postcode=offer.postcode)
    offer.latitude, offer.longitude = point if point else (None, None)


def _hosting_errors(*, actor: User | None, team: Team | None, data: dict) -> dict:
    """A bridge-builder who coordinates no offers may create a community they host
    themself: a network café or a practice community of their own team, nothing else."""
    if actor is None or not actor.has_role(Role.BRIDGE_BUILDER):
        return {}
    if actor.is_superuser or actor.has_role(Role.COORDINATOR) or actor.has_role(Role.ADMIN):
        return {}
    errors = {}
    kinds = set(data.get("activity_kinds") or [])
    if not kinds or not kinds <= BRIDGE_BUILDER_HOSTED_KINDS:
        errors["activity_kinds"] = [
            _(
                "As a bridge-builder you create a community you host yourself: choose network "
                "café or practice community, and no other category."
            )
        ]
    if team is None or not actor.memberships.filter(team=team).exists():
        errors["team"] = [_("A community you host belongs to your own team.")]
    return errors


# What else an offer's change asks for, inside the same transaction: matching hands in its hooks
# when it starts (matching/apps.py): more places or an offer active again fill places from the
# waiting list, and an offer paused or stopped tells the bridge-builders of its citizens. Offers
# build below matching and do not import it.
_offer_changed_hooks: dict = {}


def offer_changed_hook_add(name: str, hook) -> None:
    """`hook(offer=, change=, actor=)` runs after a change to the offer's places ("capacity")
    or its status ("status")."""
    _offer_changed_hooks[name] = hook


def _offer_changed(*, offer: Offer, change: str, actor: User | None) -> None:
    for hook in _offer_changed_hooks.values():
        hook(offer=offer, change=change, actor=actor)


@transaction.atomic
def offer_create(
    *,
    organisation: Organisation,
    data: dict,
    actor: User | None,
    team: Team | None = None,
    schedules: list[dict] | None = None,
    today: date | None = None,
    offer_id: uuid.UUID | None = None,
) -> Offer:
    data = _clean_offer_data(data)
    errors = _hosting_errors(actor=actor, team=team, data=data)
    if errors:
        raise ValidationError(errors)
    offer = Offer(organisation=organisation, team=team, **data)
    if offer_id is not None:
        # An offer read from another system keeps its id there (offers.hsds), so that the
        # same file imported again finds it.
        offer.id = offer_id
    if not offer.is_remote or offer.postcode:
        _locate(offer)
    offer.full_clean(exclude=["weekdays", "slots"])
    offer.save()
    if schedules:
        offer_set_schedules(offer=offer, schedules=schedules, actor=None, today=today)
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
    if "capacity" in changed:
        _offer_changed(offer=offer, change="capacity", actor=actor)
    return offer


# What a meeting time is; a row given to offer_set_schedules may also carry the id of the
# meeting time it changes.
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


def schedule_errors(row: dict, *, number: int) -> dict[str, str]:
    """Everything wrong with one meeting time, by field, each message naming it ("Meeting 2:
    ..."): the coordinator's form shows them on the row, the services refuse with all of them."""
    errors = {}
    frequency = row.get("frequency")
    if frequency not in Frequency.values:
        errors["frequency"] = _("Meeting {n}: say how often.").format(n=number)
    starts_at, ends_at = row.get("starts_at"), row.get("ends_at")
    if not isinstance(starts_at, time):
        errors["starts_at"] = _("Meeting {n}: give a start time.").format(n=number)
    elif ends_at is not None and ends_at <= starts_at:
        errors["ends_at"] = _("Meeting {n}: it must end after it starts.").format(n=number)
    if frequency == Frequency.ONCE:
        if not isinstance(row.get("date"), date):
            errors["date"] = _("Meeting {n}: give the date.").format(n=number)
    elif frequency in Frequency.values and row.get("weekday") not in range(7):
        errors["weekday"] = _("Meeting {n}: give the weekday.").format(n=number)
    if frequency == Frequency.MONTHLY and row.get("week_of_month") not in (None, -1, 1, 2, 3, 4):
        errors["week_of_month"] = _("Meeting {n}: the week of the month is 1–4 or last.").format(
            n=number
        )
    valid_from, valid_until = row.get("valid_from"), row.get("valid_until")
    if isinstance(valid_from, date) and isinstance(valid_until, date) and valid_until < valid_from:
        errors["valid_until"] = _(
            "Meeting {n}: the last time must not be before the first."
        ).format(n=number)
    return errors


def _schedule_values(row: dict) -> dict:
    frequency = row["frequency"]
    return {
        "frequency": frequency,
        "weekday": None if frequency == Frequency.ONCE else row.get("weekday"),
        "week_of_month": row.get("week_of_month") if frequency == Frequency.MONTHLY else None,
        "date": row.get("date") if frequency == Frequency.ONCE else None,
        "starts_at": row["starts_at"],
        "ends_at": row.get("ends_at"),
        "valid_from": row.get("valid_from"),
        "valid_until": row.get("valid_until"),
    }


def _same_meeting(schedule: OfferSchedule, values: dict) -> bool:
    """A row without an id is the meeting time it equals; every other week without a first
    time is the one it was (the first time was set when it was made)."""
    return all(
        getattr(schedule, field) == values[field]
        or (
            field == "valid_from"
            and values[field] is None
            and values["frequency"] == schedule.frequency == Frequency.BIWEEKLY
        )
        for field in SCHEDULE_FIELDS
    )


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _count_from(values: dict, *, was: OfferSchedule | None, today: date) -> dict:
    """Every other week is counted from its first time (valid_from), which the coordinator
    sees and may change. Without one it keeps the day it was counted from, or starts at the
    first such weekday from today: never from when the offer was last saved, or the weeks
    would move each time."""
    if values["frequency"] != Frequency.BIWEEKLY or values["valid_from"] is not None:
        return values
    if was is not None and was.frequency == Frequency.BIWEEKLY and was.valid_from is not None:
        return {**values, "valid_from": was.valid_from}
    return {**values, "valid_from": _first_on_or_after(today, values["weekday"])}


def _schedule_id(value):
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def schedule_days_and_slots(schedules) -> tuple[list[int], list[int]]:
    weekdays, slots = set(), set()
    for schedule in schedules:
        day = schedule.weekday if schedule.date is None else schedule.date.weekday()
        weekdays.add(day)
        slots.add(slot_for(day, schedule.starts_at))
    return sorted(weekdays), sorted(slots)


@transaction.atomic
def offer_set_schedules(
    *, offer: Offer, schedules: list[dict], actor: User | None, today: date | None = None
) -> Offer:
    """Make the offer's meeting times `schedules`, and keep the weekdays and slots matching
    filters on in step.

    A row with the id of one of the offer's meeting times changes that one; a row without one
    that equals one of them is that one; any other is a new meeting time, and the offer's
    meeting times not given are removed. A meeting time that does not change is not written,
    so a save that changes nothing keeps every meeting time as it was (and every other week
    keeps its weeks: see _count_from). Everything wrong with the rows is refused at once."""
    today = today or timezone.localdate()
    errors, rows = [], []
    for number, row in enumerate(schedules, start=1):
        problems = schedule_errors(row, number=number)
        errors += problems.values()
        if not problems:
            rows.append((_schedule_id(row.get("id")), _schedule_values(row)))
    if errors:
        raise ValidationError({"schedules": errors})
    unclaimed = {s.pk: s for s in offer.schedules.select_for_update().order_by("pk")}
    pairs, without = [], []
    for row_id, values in rows:
        if row_id in unclaimed:
            pairs.append((unclaimed.pop(row_id), values))
        else:
            without.append(values)
    for values in without:
        was = next((s for s in unclaimed.values() if _same_meeting(s, values)), None)
        if was is not None:
            del unclaimed[was.pk]
        pairs.append((was, values))
    kept, new = [], []
    for was, values in pairs:
        values = _count_from(values, was=was, today=today)
        if was is None:
            new.append(OfferSchedule(offer=offer, **values))
            continue
        changed = [f for f in SCHEDULE_FIELDS if getattr(was, f) != values[f]]
        if changed:
            for field in changed:
                setattr(was, field, values[field])
            was.save(update_fields=[*changed, "updated_at"])
        kept.append((was, changed))
    if unclaimed:
        OfferSchedule.objects.filter(pk__in=list(unclaimed)).delete()
    OfferSchedule.objects.bulk_create(new)
    touched = bool(new or unclaimed or any(changed for _was, changed in kept))
    days_and_slots = schedule_days_and_slots([*(was for was, _changed in kept), *new])
    if touched or [offer.weekdays, offer.slots] != list(days_and_slots):
        offer.weekdays, offer.slots = days_and_slots
        offer.save(update_fields=["weekdays", "slots", "updated_at"])
    if touched and actor is not None:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=["schedules"])
    return offer


# The steps an offer's status may take (offer_set_status); the coordinator's page offers these.
OFFER_STATUS_STEPS = {
    OfferStatus.ACTIVE: {OfferStatus.PAUSED, OfferStatus.ARCHIVED, OfferStatus.FOR_REVIEW},
    OfferStatus.PAUSED: {OfferStatus.ACTIVE, OfferStatus.ARCHIVED, OfferStatus.FOR_REVIEW},
    OfferStatus.ARCHIVED: {OfferStatus.ACTIVE},
    # Held for review (offers.hsds.review): active once a coordinating team keeps it.
    OfferStatus.FOR_REVIEW: {OfferStatus.ACTIVE, OfferStatus.ARCHIVED},
}


def offer_status_steps_from(offer: Offer) -> set[str]:
    """The statuses offer_set_status takes the offer to now: OFFER_STATUS_STEPS, except that an
    offer held for review becomes active only once a coordinating team keeps it up to date."""
    steps = set(OFFER_STATUS_STEPS.get(offer.status, set()))
    if offer.status == OfferStatus.FOR_REVIEW and offer.team_id is None:
        steps.discard(OfferStatus.ACTIVE)
    return steps


@transaction.atomic
def offer_set_status(*, offer: Offer, status: str, actor: User) -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if status == offer.status:
        return offer
    if status not in offer_status_steps_from(offer):
        if status == OfferStatus.ACTIVE and offer.status == OfferStatus.FOR_REVIEW:
            raise ValidationError(
                {"team": _("Choose the coordinating team that keeps the offer up to date first.")}
            )
        raise ValidationError({"status": _("The offer cannot go from this status to that.")})
    update_fields = ["status", "updated_at"]
    if offer.status == OfferStatus.FOR_REVIEW:
        # Out of review: why it was held no longer applies.
        offer.review_reasons = []
        update_fields.append("review_reasons")
    offer.status = status
    offer.save(update_fields=update_fields)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=["status"])
    _offer_changed(offer=offer, change="status", actor=actor)
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
    *,
    organisation: Organisation,
    name: str,
    actor: User,
    title="",
    email="",
    phone="",
    asks_after_first_meetings: bool = False,
) -> OrganisationContact:
    if not name.strip():
        raise ValidationError({"name": _("Give the contact person's name.")})
    contact = OrganisationContact.objects.create(
        organisation=organisation,
        name=name.strip(),
        title=title,
        email=email,
        phone=phone,
        asks_after_first_meetings=asks_after_first_meetings,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=contact)
    return contact
