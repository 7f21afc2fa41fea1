"""The exit criteria on the case's plan: when the bridge-builder's role may end.

The goal is a lasting community, not dependence on the bridge-builder (seed 002: "klare
afslutningskriterier"). Each criterion is ticked with who and when, audited and on the timeline.
Closing a case as "in a lasting community" while some are unticked needs an explicit "close
anyway" (`exit_criteria_close_check`, called by case_close).
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from referrals.constants import CaseEventAction, CaseEventKind, CloseReason, ExitCriterionKind
from referrals.models import Case
from referrals.models.cases import ExitCriterion
from referrals.timeline import case_event_record


@dataclass(frozen=True)
class ExitCriterionState:
    """One line of the checklist: the criterion, and the tick (None: not met yet)."""

    criterion: str
    label: str
    tick: ExitCriterion | None

    @property
    def met(self) -> bool:
        return self.tick is not None


def case_exit_criteria(*, case: Case) -> list[ExitCriterionState]:
    """The checklist in its fixed order, each with its tick (who and when) or None. The caller
    has the case through a selector, which checked that they may see it."""
    ticks = {tick.criterion: tick for tick in case.exit_criteria.select_related("ticked_by")}
    return [
        ExitCriterionState(criterion=value, label=str(label), tick=ticks.get(value))
        for value, label in ExitCriterionKind.choices
    ]


def exit_criteria_unmet(*, case: Case) -> list[str]:
    """The labels of the criteria not ticked yet, in the checklist's order."""
    ticked = set(case.exit_criteria.values_list("criterion", flat=True))
    return [str(label) for value, label in ExitCriterionKind.choices if value not in ticked]


def _checked(case: Case, criterion: str) -> Case:
    if criterion not in ExitCriterionKind.values:
        raise ValidationError({"criterion": _("Choose one of the exit criteria.")})
    # The case's row is locked: two ticks of the same criterion at once make one row.
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not case.is_open:
        raise ValidationError({"criterion": _("The case is closed.")})
    return case


def _event(case: Case, criterion: str, actor: User, action: str) -> None:
    case_event_record(
        case=case,
        kind=CaseEventKind.PLAN,
        actor=actor,
        data={"action": action, "criterion": criterion},
    )


@transaction.atomic
def exit_criterion_tick(*, case: Case, criterion: str, actor: User) -> ExitCriterion:
    """Tick one exit criterion: met, by the actor, now. Ticking a ticked one changes nothing."""
    case = _checked(case, criterion)
    tick = case.exit_criteria.filter(criterion=criterion).first()
    if tick is not None:
        return tick
    tick = ExitCriterion.objects.create(
        case=case, criterion=criterion, ticked_by=actor, ticked_at=timezone.now()
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=tick)
    _event(case, criterion, actor, CaseEventAction.EXIT_CRITERION_MET)
    return tick


@transaction.atomic
def exit_criterion_untick(*, case: Case, criterion: str, actor: User) -> Case:
    """Untick one exit criterion: it is not met after all. Unticking an unticked one changes
    nothing. The case is returned."""
    case = _checked(case, criterion)
    tick = case.exit_criteria.filter(criterion=criterion).first()
    if tick is None:
        return case
    audit_record(actor=actor, action=AuditAction.DELETE, obj=tick)
    _event(case, criterion, actor, CaseEventAction.EXIT_CRITERION_UNMET)
    tick.delete()
    return case


def exit_criteria_close_check(*, case: Case, reason: str, close_anyway: bool) -> None:
    """Closing as "in a lasting community" with exit criteria unticked is refused unless the
    bridge-builder confirms it ("close anyway"): the message lists what is not met."""
    if reason != CloseReason.LASTING_COMMUNITY or close_anyway:
        return
    unmet = exit_criteria_unmet(case=case)
    if not unmet:
        return
    raise ValidationError(
        {
            "close_anyway": _(
                "Not all exit criteria are met: %(criteria)s. Tick them on the plan, or tick "
                "“Close anyway” to close the case as in a lasting community all the same."
            )
            % {"criteria": "; ".join(unmet)}
        }
    )
