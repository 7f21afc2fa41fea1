"""HSDS 3.0 services read into offers: each service checked, cleaned (offers/hsds/reading.py)
and created or updated through the offers' services; what could not be used is reported, never
guessed. An offer the import creates without a coordinating team or a place is held for review
(offers/hsds/review.py)."""

import json
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.constants import OrganisationKind, TeamKind
from accounts.models import Organisation, Team
from accounts.services import organisation_create
from audit.constants import AuditAction
from audit.services import audit_record
from offers.constants import Frequency, OfferStatus, Strategy
from offers.hsds.common import ORGANISATION_KIND_TAXONOMY, SCHEDULE_FIELDS, schedule_key
from offers.hsds.reading import (
    Skip,
    _clean_email,
    _clean_phone,
    _clean_url,
    _line,
    offer_data,
    schedule_rows,
    terms,
)
from offers.hsds.review import (
    HELD_BECAUSE,
    NO_PLACE,
    NO_TEAM,
    offer_hold_for_review,
    offer_review_assign_team,
)
from offers.models import Offer, offer_stale_before
from offers.services import (
    offer_create,
    offer_set_schedules,
    offer_set_status,
    offer_update,
    organisation_contact_add,
)


@dataclass
class ImportResult:
    name: str
    action: str  # created, updated, unchanged or skipped
    reason: str = ""
    notes: list[str] = field(default_factory=list)
    offer: Offer | None = None

    @property
    def held(self) -> bool:
        """Whether the offer is held for review after the import."""
        return self.offer is not None and self.offer.status == OfferStatus.FOR_REVIEW


@dataclass
class ImportReport:
    results: list[ImportResult] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.results if r.action == action)

    @property
    def held(self) -> int:
        return sum(1 for r in self.results if r.held)


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


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


def _organisation_for(service: dict, organisation_kind: str) -> Organisation:
    data = service.get("organization") or {}
    org_id = _uuid(data.get("id") or service.get("organization_id"))
    if org_id is not None:
        found = Organisation.objects.filter(pk=org_id).first()
        if found:
            return found
    name = _line(data.get("name"), 200)
    if not name:
        raise Skip(_("The service names no organisation."))
    found = Organisation.objects.filter(name__iexact=name).order_by("created_at").first()
    if found:
        return found
    kind = next(
        (
            code
            for code in terms(data).get(ORGANISATION_KIND_TAXONOMY, [])
            if code in OrganisationKind.values
        ),
        organisation_kind,
    )
    # Created under the id it has in the file: the same file imported again finds it by that.
    return organisation_create(
        name=name,
        kind=kind,
        email=_clean_email(data.get("email")),
        website=_clean_url(data.get("website")),
        phone=next((_clean_phone(p.get("number")) for p in data.get("phones") or [] if p), ""),
        **({"id": org_id} if org_id is not None else {}),
    )


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


def _coordinating_team(organisation: Organisation) -> Team | None:
    """The organisation's own coordinating team, when it has exactly one: a volunteer centre's
    coordinators keep the offers it runs."""
    teams = list(
        Team.objects.filter(organisation=organisation, kind=TeamKind.VOLUNTEER_COORDINATION)[:2]
    )
    return teams[0] if len(teams) == 1 else None


def _existing_offer(service_id, organisation: Organisation, title: str) -> Offer | None:
    # An offer is known by the id it has in the file (Brobyg's own, or the one it was created
    # under from another system's file), or else by its organisation and title.
    offer_id = _uuid(service_id)
    found = Offer.objects.filter(pk=offer_id).first() if offer_id else None
    if found is not None:
        return found
    return (
        Offer.objects.filter(organisation=organisation, title__iexact=title)
        .order_by("created_at")
        .first()
    )


_VALID_FROM = SCHEDULE_FIELDS.index("valid_from")


def _same_schedules(offer: Offer, rows: list[dict]) -> bool:
    """Whether the rows are the offer's meeting times already. Every other week given without
    a first time is the one the offer has, whichever week it is counted from
    (offer_set_schedules keeps that)."""
    unmatched = [schedule_key(s) for s in offer.schedules.all()]
    for row in rows:
        key = schedule_key({"week_of_month": None, "date": None, "weekday": None, **row})
        if key in unmatched:
            unmatched.remove(key)
            continue
        if row["frequency"] != Frequency.BIWEEKLY or row.get("valid_from") is not None:
            return False
        same = [u for u in unmatched if (*u[:_VALID_FROM], "", *u[_VALID_FROM + 1 :]) == key]
        if not same:
            return False
        unmatched.remove(same[0])
    return not unmatched


@transaction.atomic
def _set_checked_on(*, offer: Offer, checked_on: date, actor) -> None:
    """When the offer was last checked: the service's own date, never the day of the import."""
    offer.last_confirmed_on = checked_on
    offer.save(update_fields=["last_confirmed_on", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=["last_confirmed_on"])


def _held_note(reasons: list[str]) -> str:
    return _("Held for review: {reasons}").format(
        reasons=" ".join(str(HELD_BECAUSE[code]) for code in HELD_BECAUSE if code in reasons)
    )


def _create(service, read, *, organisation, team, schedules, wanted_status, actor, notes):
    reasons = []
    if team is None:
        reasons.append(NO_TEAM)
    data = {k: v for k, v in read.data.items() if k == "strategy" or k not in read.absent}
    if read.unplaced:
        # Kept as by phone or online until someone who knows says where: held, it reaches
        # nobody meanwhile.
        data.update(is_remote=True, address="", postcode="", city="")
        reasons.append(NO_PLACE)
    offer_id = _uuid(service.get("id"))
    offer = offer_create(
        organisation=organisation,
        data=data,
        actor=actor,
        team=team,
        schedules=schedules,
        offer_id=offer_id if offer_id and not Offer.objects.filter(pk=offer_id).exists() else None,
    )
    checked_on = read.checked_on
    if checked_on is None:
        # Nobody has said when it was checked: it counts as not confirmed, so that the
        # coordinators' list asks for it to be confirmed.
        checked_on = offer_stale_before() - timedelta(days=1)
        notes.append(_("The service does not say when it was last checked: it counts as stale."))
    _set_checked_on(offer=offer, checked_on=checked_on, actor=actor)
    if reasons:
        offer = offer_hold_for_review(offer=offer, reasons=reasons, actor=actor)
        notes.append(_held_note(reasons))
    elif wanted_status != OfferStatus.ACTIVE:
        offer = offer_set_status(offer=offer, status=wanted_status, actor=actor)
    return offer


def _update(offer, read, *, team, schedules, wanted_status, actor, notes) -> list[str]:
    data = {k: v for k, v in read.data.items() if k not in read.absent}
    # Another system's record has no code for "another language": keep it when the offer has it.
    if not read.own and "other" in offer.languages and "other" not in data["languages"]:
        data["languages"] = [*data["languages"], "other"]
    changed = [name for name, value in data.items() if getattr(offer, name) != value]
    if changed:
        offer = offer_update(offer=offer, data=data, actor=actor)
    if not _same_schedules(offer, schedules):
        offer_set_schedules(offer=offer, schedules=schedules, actor=actor)
        changed.append("schedules")
    # A later check elsewhere counts; an older file does not make the offer look less checked.
    if read.checked_on is not None and read.checked_on > offer.last_confirmed_on:
        _set_checked_on(offer=offer, checked_on=read.checked_on, actor=actor)
        changed.append("last_confirmed_on")
    if offer.status == OfferStatus.FOR_REVIEW:
        # Held: the import never makes it active, a coordinator does.
        if team is not None and offer.team_id is None:
            offer = offer_review_assign_team(offer=offer, team=team, actor=actor)
            changed.append("team")
        reasons = [
            code
            for code in offer.review_reasons
            if (code == NO_TEAM and offer.team_id is None) or (code == NO_PLACE and read.unplaced)
        ]
        if reasons != offer.review_reasons:
            offer = offer_hold_for_review(offer=offer, reasons=reasons, actor=actor)
            changed.append("review_reasons")
        notes.append(_held_note(reasons) if reasons else _("Held for review."))
    else:
        if read.unplaced:
            notes.append(_("No place given: the offer keeps its own."))
        if offer.status != wanted_status:
            offer_set_status(offer=offer, status=wanted_status, actor=actor)
            changed.append("status")
    return changed


def _import_service(
    service: dict,
    *,
    actor,
    team: Team | None,
    default_strategy: str,
    organisation_kind: str,
) -> ImportResult:
    if not isinstance(service, dict):
        raise Skip(_("Not a service record."))
    result = ImportResult(name=_line(service.get("name"), 200) or "?", action="skipped")
    status = str(service.get("status") or "active").lower()
    read = offer_data(service, default_strategy=default_strategy, notes=result.notes)
    schedules = schedule_rows(
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
    offer = _existing_offer(service.get("id"), organisation, read.data["title"])
    if status in ("inactive", "defunct"):
        if offer is None or offer.status == OfferStatus.ARCHIVED:
            raise Skip(_("The service is {status}.").format(status=status))
        offer_set_status(offer=offer, status=OfferStatus.ARCHIVED, actor=actor)
        result.action, result.offer = "updated", offer
        result.notes.append(_("Archived: the service is {status}.").format(status=status))
        return result
    wanted_status = OfferStatus.PAUSED if status == "temporarily closed" else OfferStatus.ACTIVE
    settings = {
        "schedules": schedules,
        "wanted_status": wanted_status,
        "actor": actor,
        "notes": result.notes,
    }
    if offer is None:
        offer = _create(
            service,
            read,
            organisation=organisation,
            team=team or _coordinating_team(organisation),
            **settings,
        )
        result.action = "created"
    else:
        changed = _update(offer, read, team=team, **settings)
        result.action = "updated" if changed else "unchanged"
    added = _add_contacts(organisation, service)
    if added and result.action == "unchanged":
        result.action = "updated"
    result.offer = Offer.objects.get(pk=offer.pk)
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
    with its reason and the others are still imported. Running it again changes nothing.

    A new offer gets `team`, or else its organisation's own coordinating team; without either
    it is held for review, as is one whose service names no place and does not say it is by
    phone or online (offers/hsds/review.py)."""
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
        except Skip as skip:
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
