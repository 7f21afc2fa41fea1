"""The case: its status, who has it, contacts, notes, the network and the plan."""

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


@transaction.atomic
def case_close(*, case: Case, reason: str, actor: User, note: str = "") -> Case:
    """Close the case. This ends the bridge-builder's role: the case leaves every caseload."""
    case = _lock(case)
    if not case.is_open:
        raise ValidationError({"status": _("The case is already closed.")})
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("Choose why the case is closed.")})
    note = note.strip()
    if reason == CloseReason.OTHER_HELP and not note:
        raise ValidationError({"note": _("Say where the citizen was referred on to.")})
    case.closed_at = timezone.now()
    case.close_reason = reason
    case.close_note = note
    return _set_status(
        case=case,
        status=CaseStatus.CLOSED,
        actor=actor,
        extra_fields=["closed_at", "close_reason", "close_note"],
    )


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
) -> Contact:
    """A contact with the citizen. The first one that reaches them is the first contact."""
    case = _lock(case)
    if not case.is_open:
        raise ValidationError({"kind": _("The case is closed.")})
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
