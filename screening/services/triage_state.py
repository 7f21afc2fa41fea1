"""The citizen's triage colour on a team, with its history: the board meeting's working state.

A colour is set by a screening's rule (`triage_state_from_screening`, called when a screening is
recorded), by a step of the team's procedure (`triage_state_move`: Greve moves a citizen black →
purple → pink without a new UCLA-3 each time), by another instrument (a screening of its own
kind, such as Sorø's change form) or by hand with a reason (`triage_state_set_by_hand`).

Each change is a new row and the one before stops being current. The citizen's row is locked
first, so two changes at once take turns and the database's "one current colour per citizen and
team" holds at every moment. Every change is audited; a move or a colour set by hand is a line on
the open case's timeline (a screening's own line tells of its colour) and its colour's next step
becomes the citizen's next-step task, replacing the one before.
"""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.selectors import user_team_ids
from audit.constants import AuditAction
from audit.services import audit_record
from core.validators import long_text
from followups.constants import TaskKind, TaskOutcome
from followups.models import Task
from followups.services import task_complete, task_create
from referrals.constants import CaseEventKind, CaseStatus
from referrals.identity import citizen_team_ids
from referrals.models import Case, Citizen
from referrals.timeline import case_event_record
from screening.constants import InstrumentKind, TriageHow
from screening.models import Screening, TriageColour, TriageState, TriageTransition
from screening.selectors import Procedure, team_scheme, triage_procedure, triage_view

# How a triage colour's next step that is a referral to a bridge-builder is known among the
# citizen's tasks (Task.data), to be done when the citizen is referred.
REFERRAL_STEP = {"next_step": "referral"}


def _lock(citizen: Citizen, team: Team, actor: User) -> Citizen:
    """The citizen's row, locked: changes of their colour take turns. Only a member of the team
    changes a colour on its board."""
    if team.pk not in user_team_ids(actor):
        raise ValidationError({"team": _("You are not on this team.")})
    citizen = Citizen.objects.select_for_update().get(pk=citizen.pk)
    if team.pk not in citizen_team_ids(citizen):
        raise ValidationError({"team": _("The citizen is not on this team.")})
    return citizen


# _state_set's default: the citizen's open case is looked up there.
_LOOK_UP = object()


def _open_case(citizen: Citizen) -> Case | None:
    return (
        Case.objects.filter(citizen=citizen)
        .exclude(status=CaseStatus.CLOSED)
        .select_related("assignee")
        .first()
    )


def _next_step(colour: TriageColour, *, case: Case | None, on: date) -> tuple[str, date | None]:
    """The colour's next step and its deadline. A referral to a bridge-builder is no next step
    for a citizen who has an open case: they have a bridge-builder."""
    if not colour.next_step or (colour.next_step_is_referral and case is not None):
        return "", None
    deadline = (
        on + timedelta(days=colour.deadline_days) if colour.deadline_days is not None else None
    )
    return colour.next_step, deadline


def _colour_of_scheme(colour: TriageColour, procedure: Procedure, field: str) -> None:
    if procedure.scheme is None or colour.scheme_id != procedure.scheme.pk:
        raise ValidationError(
            {
                field: _("“%(colour)s” is not a colour of the team's scheme “%(scheme)s”.")
                % {
                    "colour": colour.label,
                    "scheme": procedure.scheme.name if procedure.scheme else "–",
                }
            }
        )


def _state_set(
    *,
    citizen: Citizen,
    team: Team,
    colour: TriageColour,
    how: str,
    actor: User | None,
    set_at: datetime | None = None,
    screening: Screening | None = None,
    transition: TriageTransition | None = None,
    reason: str = "",
    case=_LOOK_UP,
) -> tuple[TriageState, Case | None]:
    """A new colour for the citizen on the team, with the citizen's row locked by the caller;
    the citizen's open case with it (`case`, when the caller has read it already).

    The latest colour is the current one: a screening made earlier than the current colour was
    set (a tablet that sends it days later) goes into the history only."""
    set_at = set_at or timezone.now()
    # The state's own row only: a lock on the joined colour would be every citizen's of that
    # colour, and two screenings of different citizens would deadlock over it at commit.
    previous = (
        TriageState.objects.select_for_update(of=("self",))
        .select_related("colour")
        .filter(citizen=citizen, team=team, is_current=True)
        .first()
    )
    becomes_current = previous is None or previous.set_at <= set_at
    if previous is not None and becomes_current:
        previous.is_current = False
        previous.save(update_fields=["is_current", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=previous, fields=["is_current"])
    if case is _LOOK_UP:
        case = _open_case(citizen)
    next_step, deadline = _next_step(colour, case=case, on=timezone.localtime(set_at).date())
    state = TriageState.objects.create(
        citizen=citizen,
        team=team,
        colour=colour,
        how=how,
        set_at=set_at,
        set_by=actor if actor is not None and actor.is_authenticated else None,
        screening=screening,
        transition=transition,
        step_label=transition.label if transition is not None else "",
        reason=reason,
        next_step=next_step,
        deadline=deadline,
        is_current=becomes_current,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=state)
    if screening is None and case is not None:
        # A screening's own line on the timeline tells of its colour; this is a change without.
        case_event_record(
            case=case,
            kind=CaseEventKind.SCREENING,
            actor=state.set_by,
            occurred_at=set_at,
            detail=reason[:300],
            data={
                "triage_state": str(state.pk),
                "triage_how": how,
                "colour_code": colour.code,
                "colour_label": colour.label,
                "from_label": previous.colour.label if previous is not None else "",
                "step": state.step_label,
            },
        )
    return state, case


def next_step_replaced(task: Task, *, team_id) -> bool:
    """Whether a new colour on the team replaces this open next step: the team's own do (and
    those from before a step named its team); a step of another team the citizen is on is that
    team's to settle on its own board."""
    return task.kind == TaskKind.TRIAGE_NEXT_STEP and task.team_id in (team_id, None)


def _next_step_task(*, state: TriageState, case: Case | None, actor: User) -> Task | None:
    """The new colour's next step replaces the team's earlier one (as a newer screening's
    does)."""
    for earlier in Task.objects.filter(
        citizen=state.citizen, kind=TaskKind.TRIAGE_NEXT_STEP, done_at__isnull=True
    ).order_by("pk"):
        if next_step_replaced(earlier, team_id=state.team_id):
            task_complete(
                task=earlier, actor=actor, outcome_kind=TaskOutcome.REPLACED_BY_NEW_COLOUR
            )
    if not state.next_step or state.deadline is None:
        return None
    return task_create(
        citizen=state.citizen,
        case=case,
        team=state.team,
        assignee=case.assignee if case is not None and case.assignee else actor,
        kind=TaskKind.TRIAGE_NEXT_STEP,
        title=state.next_step,
        data=dict(REFERRAL_STEP) if state.colour.next_step_is_referral else None,
        due=state.deadline,
        actor=actor,
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    try:
        long_text()(reason)
    except ValidationError as exc:
        raise ValidationError({"reason": exc.messages}) from None
    return reason


def _refusal(procedure: Procedure, current, to_colour: TriageColour) -> str:
    """Why a move is refused, and what the procedure allows instead."""
    here = current.colour.label if current.colour is not None else _("no colour")
    allowed = ", ".join(f"{step.label} ({step.to_colour.label})" for step in current.moves)
    text = _("The procedure of “%(scheme)s” does not move a citizen from %(from)s to %(to)s.") % {
        "scheme": procedure.scheme.name,
        "from": here,
        "to": to_colour.label,
    }
    if allowed:
        return (
            text + " " + _("From %(from)s it allows: %(steps)s.") % {"from": here, "steps": allowed}
        )
    return text + " " + _("From %(from)s it allows no step.") % {"from": here}


@transaction.atomic
def triage_state_move(
    *, citizen: Citizen, team: Team, to_colour: TriageColour, actor: User, reason: str = ""
) -> TriageState:
    """Move the citizen to another colour by a step of the team's procedure (Greve: black →
    purple, "Bekræftet"). A move the procedure does not list is refused, saying what it allows;
    a step that needs a reason is refused without one. No screening is made."""
    citizen = _lock(citizen, team, actor)
    procedure = triage_procedure(team_scheme(team))
    _colour_of_scheme(to_colour, procedure, "to_colour")
    current = triage_view(
        TriageState.objects.select_related("colour")
        .filter(citizen=citizen, team=team, is_current=True)
        .first(),
        procedure,
    )
    step = next((s for s in current.moves if s.to_colour_id == to_colour.pk), None)
    if step is None:
        raise ValidationError({"to_colour": _refusal(procedure, current, to_colour)})
    reason = _reason(reason)
    if step.reason_required and not reason:
        raise ValidationError(
            {"reason": _("Say why: the step “%(step)s” needs a reason.") % {"step": step.label}}
        )
    state, case = _state_set(
        citizen=citizen,
        team=team,
        colour=step.to_colour,
        how=TriageHow.PROCEDURE,
        actor=actor,
        transition=step,
        reason=reason,
    )
    _next_step_task(state=state, case=case, actor=actor)
    return state


@transaction.atomic
def triage_state_set_by_hand(
    *, citizen: Citizen, team: Team, colour: TriageColour, actor: User, reason: str
) -> TriageState:
    """Set the citizen's colour on the team by hand, outside the procedure, saying why: the board
    and the citizen's page show it as set by hand, with who and why."""
    reason = _reason(reason)
    if not reason:
        raise ValidationError({"reason": _("Say why the colour is set by hand.")})
    citizen = _lock(citizen, team, actor)
    _colour_of_scheme(colour, triage_procedure(team_scheme(team)), "colour")
    state, case = _state_set(
        citizen=citizen, team=team, colour=colour, how=TriageHow.HAND, actor=actor, reason=reason
    )
    _next_step_task(state=state, case=case, actor=actor)
    return state


def triage_state_from_screening(
    *,
    screening: Screening,
    colour: TriageColour | None,
    by_hand: bool,
    reason: str = "",
    case=_LOOK_UP,
) -> TriageState | None:
    """A complete screening sets the citizen's colour on its team: by the screening's rule
    (UCLA-3's score ranges), by another instrument's rule, or chosen by hand with it. Called in
    the screening's transaction; the screening makes its own next-step task and timeline line.
    `case` is the citizen's open case (or None) when the caller has read it. Nothing changes
    without a colour or a team."""
    if colour is None or screening.team_id is None or screening.is_draft:
        return None
    if by_hand:
        how = TriageHow.HAND
    elif screening.instrument.kind == InstrumentKind.RULE:
        how = TriageHow.INSTRUMENT
    else:
        how = TriageHow.SCREENING
    citizen = Citizen.objects.select_for_update().get(pk=screening.citizen_id)
    state, _case = _state_set(
        citizen=citizen,
        team=screening.team,
        colour=colour,
        how=how,
        actor=screening.screened_by,
        set_at=screening.screened_at,
        screening=screening,
        reason=_reason(reason),
        case=case,
    )
    return state
