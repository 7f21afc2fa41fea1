"""Waiting lists for full offers: first come, first served.

A bridge-builder puts a citizen on a full offer's list instead of proposing it. When a place comes
free (a match with the offer ends, the offer gets more places, or starts again after a pause) the
oldest entry is offered it: its bridge-builder gets a task and the case a line on its timeline,
and the place is held for that citizen — proposing the offer to anyone else is refused — until the
offer is proposed to them or they are taken off the list, when the place goes to the next.

Every service here locks the offer's row before it reads or changes the list, as match_propose
does, so the places taken, the places held and the queue change one transaction at a time.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from followups.constants import TaskKind, TaskOrigin, TaskOutcome
from followups.models import Task
from followups.services import task_complete, task_create
from matching.models import Match, OfferWaitingListEntry
from offers.constants import OPEN_MATCH_STATUSES, OfferStatus
from offers.models import Offer
from referrals.constants import CaseEventAction, CaseEventKind, WaitingListLeaveReason
from referrals.models import Case
from referrals.timeline import case_event_record

# --- Places free and places held -----------------------------------------------------------------


def _open_entries(offer: Offer):
    return OfferWaitingListEntry.objects.filter(offer=offer, left_at__isnull=True)


def places_free_for(offer: Offer, *, case: Case | None = None) -> int | None:
    """The places a newcomer (or `case`) could be proposed now: the places left, less those held
    for others on the waiting list who were offered one. None: the offer has no limit."""
    if offer.capacity is None:
        return None
    held = _open_entries(offer).filter(offered_at__isnull=False)
    if case is not None:
        held = held.exclude(case=case)
    return offer.places_left - held.count()


def _lock_offer(offer: Offer) -> Offer:
    return Offer.objects.select_for_update().get(pk=offer.pk)


def _event(*, entry: OfferWaitingListEntry, action: str, actor: User | None, **values) -> None:
    """A line on the case's timeline, as data; the sentence is made when it is read
    (referrals/events.py)."""
    case_event_record(
        case_id=entry.case_id,
        kind=CaseEventKind.MATCH,
        actor=actor,
        data={
            "action": action,
            "entry": str(entry.pk),
            "provider": str(entry.offer),
            **values,
        },
    )


def _place_free_tasks(entry: OfferWaitingListEntry):
    # Found by the entry it is about, never by its words.
    return Task.objects.filter(data__origin=TaskOrigin.PLACE_FREE, data__entry=str(entry.pk))


# --- On and off the list -------------------------------------------------------------------------


@transaction.atomic
def offer_waiting_list_add(*, case: Case, offer: Offer, actor: User) -> OfferWaitingListEntry:
    """Put the case's citizen on the waiting list of a full offer, at the back of the queue.

    An offer with a place free for the citizen is proposed instead (match_propose)."""
    offer = _lock_offer(offer)
    # The case's row, locked: nobody goes on a list for a case being closed at this moment.
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError({"case": _("The case is closed.")})
    if offer.status != OfferStatus.ACTIVE:
        raise ValidationError({"offer": _("The offer is not active.")})
    if _open_entries(offer).filter(case=case).exists():
        raise ValidationError({"offer": _("The citizen is already on this offer's waiting list.")})
    if Match.objects.filter(
        offer=offer, citizen_id=case.citizen_id, status__in=OPEN_MATCH_STATUSES
    ).exists():
        raise ValidationError({"offer": _("The citizen already has this offer.")})
    free = places_free_for(offer, case=case)
    if free is None or free > 0:
        raise ValidationError({"offer": _("The offer has places free: propose it instead.")})
    entry = OfferWaitingListEntry.objects.create(
        citizen_id=case.citizen_id, case=case, offer=offer, added_by=actor
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=entry)
    _event(entry=entry, action=CaseEventAction.WAITING_LIST_JOINED, actor=actor)
    return entry


def _leave(
    *, entry: OfferWaitingListEntry, reason: str, actor: User | None, outcome: str
) -> OfferWaitingListEntry:
    """Take the entry off the list (the caller holds the offer's lock). Its task to offer a free
    place, if it has one open, is done with it."""
    entry.left_at = timezone.now()
    entry.left_reason = reason
    entry.save(update_fields=["left_at", "left_reason", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=entry, fields=["left_at", "left_reason"]
    )
    _event(entry=entry, action=CaseEventAction.WAITING_LIST_LEFT, actor=actor, reason=reason)
    for task in _place_free_tasks(entry).filter(done_at__isnull=True):
        task_complete(task=task, actor=actor, outcome_kind=outcome)
    return entry


@transaction.atomic
def offer_waiting_list_remove(
    *, entry: OfferWaitingListEntry, actor: User
) -> OfferWaitingListEntry:
    """The citizen no longer wants to wait. A place held for them goes to the next in line.
    Twice is harmless: an entry off the list stays as it is."""
    offer = Offer.objects.select_for_update().get(pk=entry.offer_id)
    entry = OfferWaitingListEntry.objects.select_related("offer").get(pk=entry.pk)
    if entry.left_at is not None:
        return entry
    entry = _leave(
        entry=entry,
        reason=WaitingListLeaveReason.NO_LONGER_WANTED,
        actor=actor,
        outcome=TaskOutcome.OFF_WAITING_LIST,
    )
    if entry.offered_at is not None:
        offer_waiting_list_fill_places(offer=offer)
    return entry


def offer_waiting_list_claim_place(*, offer: Offer, case: Case, actor: User) -> None:
    """Called by match_propose, inside its transaction and under its lock of the offer's row,
    before it takes a place: a place held for someone else on the waiting list is not free, and
    the case's own entry leaves the list, as the citizen now has the offer proposed."""
    # One read: the places held for others, and the case's own entry.
    entries = list(
        _open_entries(offer)
        .filter(Q(offered_at__isnull=False) | Q(case=case))
        .select_related("offer")
    )
    held = sum(1 for entry in entries if entry.offered_at and entry.case_id != case.pk)
    if offer.capacity is not None and offer.places_left - held <= 0:
        raise ValidationError(
            {
                "offer": _(
                    "The free place is held for a citizen on the waiting list: put the citizen "
                    "on the list instead."
                )
            }
        )
    for entry in (entry for entry in entries if entry.case_id == case.pk):
        _leave(
            entry=entry,
            reason=WaitingListLeaveReason.PLACE_OFFERED,
            actor=actor,
            outcome=TaskOutcome.OFFER_PROPOSED,
        )


@transaction.atomic
def offer_waiting_list_case_closed(*, case: Case, actor: User | None) -> None:
    """The case closed: it leaves every waiting list, and a place held for it goes to the next
    in line. Runs inside case_close's transaction (handed to referrals at start-up)."""
    offer_ids = sorted(
        OfferWaitingListEntry.objects.filter(case=case, left_at__isnull=True)
        .values_list("offer_id", flat=True)
        .distinct()
    )
    # In the order of the offers' ids, so two closings lock the same offers in the same order.
    for offer_id in offer_ids:
        offer = Offer.objects.select_for_update().get(pk=offer_id)
        held = False
        for entry in _open_entries(offer).filter(case=case).select_related("offer"):
            held = held or entry.offered_at is not None
            _leave(
                entry=entry,
                reason=WaitingListLeaveReason.CASE_CLOSED,
                actor=actor,
                outcome=TaskOutcome.OFF_WAITING_LIST,
            )
        if held:
            offer_waiting_list_fill_places(offer=offer)


# --- A place comes free --------------------------------------------------------------------------


@transaction.atomic
def offer_waiting_list_fill_places(
    *, offer: Offer, actor: User | None = None
) -> list[OfferWaitingListEntry]:
    """Offer the places that are free and not yet held to the oldest entries that wait: each
    gets a task for the case's bridge-builder and a line on the case, and its place is held.

    Called wherever places come free (a match ends, the offer gets more places or is active
    again). Safe to call any number of times: an entry is offered a place once, and only as many
    as there are places free that nobody holds."""
    offer = _lock_offer(offer)
    if offer.status != OfferStatus.ACTIVE:
        return []
    # One read of the whole list (a queue, not a crowd): who holds a place, and who waits.
    entries = list(
        _open_entries(offer)
        .select_related("offer", "added_by", "case__citizen", "case__team", "case__assignee")
        .order_by("created_at", "pk")
    )
    waiting = [entry for entry in entries if entry.offered_at is None]
    if offer.capacity is not None:
        held = len(entries) - len(waiting)
        waiting = waiting[: max(offer.places_left - held, 0)]
    offered = waiting
    for entry in offered:
        entry.offered_at = timezone.now()
        entry.save(update_fields=["offered_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=entry, fields=["offered_at"])
        _event(entry=entry, action=CaseEventAction.WAITING_LIST_PLACE_FREE, actor=actor)
        _place_free_task(entry=entry, actor=actor)
    return offered


def _place_free_task(*, entry: OfferWaitingListEntry, actor: User | None) -> None:
    """ "A place is free on «Strikkecafé» – offer it to the citizen", once per entry, for the
    case's bridge-builder (or whoever put the citizen on the list, while the case has nobody)."""
    if _place_free_tasks(entry).exists():
        return
    case = entry.case
    assignee = case.assignee
    if assignee is None and entry.added_by.is_active:
        assignee = entry.added_by
    task_create(
        citizen=case.citizen,
        case=case,
        team=case.team,
        assignee=assignee,
        actor=actor,
        kind=TaskKind.CALL_CITIZEN,
        data={"origin": TaskOrigin.PLACE_FREE, "entry": str(entry.pk), "offer": entry.offer.title},
        due=timezone.localdate(),
    )
