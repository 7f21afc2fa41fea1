"""The case: its status, who has it, contacts, notes, the network and the plan."""

import inspect
from collections.abc import Callable
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from core.validators import validate_task_due
from referrals.constants import (
    CASE_TRANSITIONS,
    CaseEventAction,
    CaseEventKind,
    CaseStatus,
    CloseReason,
    ContactKind,
    NetworkKind,
)
from referrals.models import Case, CaseNote, Contact, NetworkPerson, PlanStep
from referrals.services.citizens import _choice
from referrals.services.exit_criteria import exit_criteria_close_check
from referrals.services.feedback import _referrer_feedback_schedule
from referrals.timeline import case_event_record

# --- The case -----------------------------------------------------------------------------------

FEEDBACK_STATUSES = {CaseStatus.MATCHING, CaseStatus.CLOSED}


def _set_status(*, case: Case, status: str, actor: User | None, extra_fields=()) -> Case:
    previous = case.status
    case.status = status
    case.status_changed_at = timezone.now()
    case.save(update_fields=["status", "status_changed_at", *extra_fields, "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, fields=["status", *extra_fields])
    case_event_record(
        case=case, kind=CaseEventKind.STATUS, actor=actor, status_from=previous, status_to=status
    )
    if status in FEEDBACK_STATUSES:
        _referrer_feedback_schedule(case=case, status=status)
    return case


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("citizen").get(pk=case.pk)


@transaction.atomic
def case_change_status(*, case: Case, status: str, actor: User) -> Case:
    """Move the case one step along its path. Closing has its own service (it needs a reason)."""
    case = _lock(case)
    _choice(status, CaseStatus, "status")
    if status == CaseStatus.CLOSED:
        raise ValidationError({"status": _("Close the case with a reason.")})
    if status not in CASE_TRANSITIONS[case.status]:
        raise ValidationError(
            {
                "status": _("A case cannot go from “%(from)s” to “%(to)s”.")
                % {"from": case.get_status_display(), "to": CaseStatus(status).label}
            }
        )
    return _set_status(case=case, status=status, actor=actor)


# --- What the apps above referrals end when a case closes ----------------------------------------
# Closing a case ends the bridge-builder's role, and with it what the case still holds open in the
# apps that build on referrals (offers: its places on offers' waiting lists). Referrals cannot
# import them: each hands in its part at start-up, from its AppConfig.ready, and case_close calls
# it in its own transaction, with the case's row locked.
# Followups ends or hands over the case's tasks and asks for the day to approach a citizen who
# said "not now" again; matching ends or hands over its matches, and checks first that "in a
# lasting community" names a community beyond the bridge-builder's own.
_ON_CASE_CLOSE: dict[str, Callable[..., None]] = {}
_CASE_CLOSE_CHECKS: dict[str, Callable[..., None]] = {}


def case_close_hook_add(name: str, hook: Callable[..., None]) -> None:
    """`hook(case=…, actor=…)` runs when a case closes, after it is closed. A hook that names
    them also gets the bridge-builder's choices: `hand_over_to` (the colleague who takes over
    what is open; None: it ends) and `approach_again_on` (a date, or None)."""
    _ON_CASE_CLOSE[name] = hook


def case_close_check_add(name: str, check: Callable[..., None]) -> None:
    """`check(case=…, reason=…, actor=…)` runs before a case closes, and refuses the close by
    raising a ValidationError."""
    _CASE_CLOSE_CHECKS[name] = check


def _call(function: Callable[..., None], **values) -> None:
    """Call a hook with the values it names (all of them if it takes **kwargs): a hook written
    before a value was added needs no change for it."""
    parameters = inspect.signature(function).parameters
    if not any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        values = {name: value for name, value in values.items() if name in parameters}
    function(**values)


def _may_take_case(user: User, case: Case) -> bool:
    return (
        user.is_active
        and user.has_role(Role.BRIDGE_BUILDER)
        and user.memberships.filter(team_id=case.team_id).exists()
    )


def _close_choices_errors(
    *, case: Case, reason: str, hand_over_to: User | None, approach_again_on: date | None
) -> dict:
    errors = {}
    if hand_over_to is not None:
        if not _may_take_case(hand_over_to, case):
            errors["hand_over_to"] = [_("Hand over to a bridge-builder on the case's team.")]
        elif hand_over_to.pk == case.assignee_id:
            errors["hand_over_to"] = [
                _("Choose a colleague: %(name)s has the case already.") % {"name": hand_over_to}
            ]
    if approach_again_on is not None:
        if reason != CloseReason.DECLINED:
            errors["approach_again_on"] = [
                _("A day to approach the citizen again is for a citizen who declined.")
            ]
        elif approach_again_on <= timezone.localdate():
            errors["approach_again_on"] = [_("Choose a day after today.")]
        else:
            try:
                validate_task_due(approach_again_on)
            except ValidationError as exc:
                errors["approach_again_on"] = exc.messages
    return errors


@transaction.atomic
def case_close(
    *,
    case: Case,
    reason: str,
    actor: User,
    note: str = "",
    hand_over_to: User | None = None,
    approach_again_on: date | None = None,
    close_anyway: bool = False,
) -> Case:
    """Close the case. This ends the bridge-builder's role: the case leaves every caseload.

    "In a lasting community" with exit criteria not ticked on the plan is refused unless the
    bridge-builder confirms it with `close_anyway`.

    What the course still holds open ends with it: its follow-up tasks and the reminders about
    them, and its matches (followups' and matching's hooks). With `hand_over_to`, a bridge-builder
    on the case's team, they go on with that colleague instead, who is given the case (so what
    its matches bring later is theirs). A citizen who declined may be approached again: with
    `approach_again_on`, the case's bridge-builder gets a task that day."""
    case = _lock(case)
    if not case.is_open:
        raise ValidationError({"status": _("The case is already closed.")})
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("Choose why the case is closed.")})
    note = note.strip()
    if reason == CloseReason.OTHER_HELP and not note:
        raise ValidationError({"note": _("Say where the citizen was referred on to.")})
    errors = _close_choices_errors(
        case=case, reason=reason, hand_over_to=hand_over_to, approach_again_on=approach_again_on
    )
    if errors:
        raise ValidationError(errors)
    for check in _CASE_CLOSE_CHECKS.values():
        _call(check, case=case, reason=reason, actor=actor)
    # After the checks of the reason itself: a reason that does not hold is said first.
    exit_criteria_close_check(case=case, reason=reason, close_anyway=close_anyway)
    if hand_over_to is not None:
        case.assignee = hand_over_to
        case.save(update_fields=["assignee", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, fields=["assignee"])
        case_event_record(
            case=case, kind=CaseEventKind.ASSIGNMENT, actor=actor, assignee=hand_over_to
        )
    case.closed_at = timezone.now()
    case.close_reason = reason
    case.close_note = note
    case = _set_status(
        case=case,
        status=CaseStatus.CLOSED,
        actor=actor,
        extra_fields=["closed_at", "close_reason", "close_note"],
    )
    for hook in _ON_CASE_CLOSE.values():
        _call(
            hook,
            case=case,
            actor=actor,
            hand_over_to=hand_over_to,
            approach_again_on=approach_again_on,
        )
    return case


@transaction.atomic
def case_assign(*, case: Case, assignee: User | None, actor: User) -> Case:
    """Give the case to a bridge-builder on its team (or to nobody: back to the team)."""
    case = _lock(case)
    if not case.is_open:
        raise ValidationError({"assignee": _("A closed case cannot be assigned.")})
    if assignee is not None and not (
        assignee.is_active
        and assignee.has_role(Role.BRIDGE_BUILDER)
        and assignee.memberships.filter(team_id=case.team_id).exists()
    ):
        raise ValidationError(
            {"assignee": _("Only a bridge-builder on the case's team can take the case.")}
        )
    if case.assignee_id == (assignee.pk if assignee else None):
        return case
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, fields=["assignee"])
    case_event_record(case=case, kind=CaseEventKind.ASSIGNMENT, actor=actor, assignee=assignee)
    return case


@transaction.atomic
def contact_record(
    *,
    case: Case,
    kind: str,
    actor: User,
    occurred_at: datetime | None = None,
    reached: bool = True,
    note: str = "",
    declined: bool = False,
    approach_again_on: date | None = None,
) -> Contact:
    """A contact with the citizen. The first one that reaches them is the first contact.

    A citizen who does not want help now (`declined`) closes the case as declined; "not now" is
    a date: with `approach_again_on`, the bridge-builder gets a task that day to ask again."""
    case = _lock(case)
    if not case.is_open:
        raise ValidationError({"kind": _("The case is closed.")})
    if declined and not reached:
        raise ValidationError(
            {"declined": _("Only a contact that reached the citizen can record their answer.")}
        )
    if approach_again_on is not None and not declined:
        raise ValidationError(
            {
                "approach_again_on": _(
                    "A day to approach the citizen again is for a citizen who declined."
                )
            }
        )
    _choice(kind, ContactKind, "kind")
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("A contact cannot be in the future.")})
    if occurred_at < case.created_at - timezone.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("The contact is before the referral.")})
    contact = Contact.objects.create(
        case=case,
        kind=kind,
        occurred_at=occurred_at,
        reached=reached,
        note=note.strip(),
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=contact)
    case_event_record(
        case=case, kind=CaseEventKind.CONTACT, actor=actor, contact=contact, occurred_at=occurred_at
    )
    if reached and case.first_contact_at is None:
        case.first_contact_at = occurred_at
        case.save(update_fields=["first_contact_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, fields=["first_contact_at"])
    if reached and case.status == CaseStatus.RECEIVED:
        _set_status(case=case, status=CaseStatus.CONTACTED, actor=actor)
    if declined:
        case_close(
            case=case,
            reason=CloseReason.DECLINED,
            actor=actor,
            approach_again_on=approach_again_on,
        )
    return contact


@transaction.atomic
def note_add(*, case: Case, text: str, actor: User) -> CaseNote:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    note = CaseNote.objects.create(case=case, author=actor, text=text)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=note)
    case_event_record(case=case, kind=CaseEventKind.NOTE, actor=actor, note=note)
    return note


@transaction.atomic
def network_person_add(
    *, case: Case, kind: str, name: str, closeness: int, actor: User, note: str = ""
) -> NetworkPerson:
    _choice(kind, NetworkKind, "kind")
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Write who the person is.")})
    person = NetworkPerson(
        citizen=case.citizen, kind=kind, name=name, closeness=closeness, note=note.strip()
    )
    person.full_clean()
    person.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=person)
    case_event_record(
        case=case,
        kind=CaseEventKind.NETWORK,
        actor=actor,
        data={
            "action": CaseEventAction.NETWORK_ADDED,
            "person": str(person.pk),
            "network_kind": person.kind,
            "name": person.name,
        },
    )
    return person


@transaction.atomic
def network_person_remove(*, case: Case, person: NetworkPerson, actor: User) -> None:
    if person.citizen_id != case.citizen_id:
        raise ValidationError({"person": _("The person is not in this citizen's network.")})
    audit_record(actor=actor, action=AuditAction.DELETE, obj=person)
    case_event_record(
        case=case,
        kind=CaseEventKind.NETWORK,
        actor=actor,
        data={
            "action": CaseEventAction.NETWORK_REMOVED,
            "person": str(person.pk),
            "network_kind": person.kind,
            "name": person.name,
        },
    )
    person.delete()


@transaction.atomic
def plan_step_add(
    *, case: Case, description: str, responsible: str, actor: User, due_date: date | None = None
) -> PlanStep:
    description, responsible = description.strip(), responsible.strip()
    errors = {}
    if not description:
        errors["description"] = [_("Describe the next step.")]
    if not responsible:
        errors["responsible"] = [_("Say who does it.")]
    try:
        validate_task_due(due_date)
    except ValidationError as exc:
        errors["due_date"] = exc.messages
    if errors:
        raise ValidationError(errors)
    step = PlanStep.objects.create(
        case=case, description=description, responsible=responsible, due_date=due_date
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=step)
    # The step is the words of the person who wrote it: kept as written.
    case_event_record(
        case=case,
        kind=CaseEventKind.PLAN,
        actor=actor,
        detail=description,
        data={"action": CaseEventAction.PLAN_STEP_ADDED, "step": str(step.pk)},
    )
    return step


@transaction.atomic
def plan_step_complete(*, step: PlanStep, actor: User) -> PlanStep:
    if step.done_at is not None:
        return step
    step.done_at = timezone.now()
    step.save(update_fields=["done_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=step, fields=["done_at"])
    case_event_record(
        case=step.case,
        kind=CaseEventKind.PLAN,
        actor=actor,
        detail=step.description,
        data={"action": CaseEventAction.PLAN_STEP_DONE, "step": str(step.pk)},
    )
    return step
