from django import template

from followups import selectors
from followups.forms import PlanForm, task_form_for
from followups.services import followup_plan_days

register = template.Library()


@register.simple_tag(takes_context=True)
def case_followup(context, case) -> dict:
    """What the case page's follow-up block shows: the case's tasks, the change in UCLA-3 score
    since the first screening, and the forms for a new task and a follow-up plan."""
    request = context["request"]
    return {
        "tasks": selectors.case_tasks(user=request.user, case=case),
        "outcome": selectors.screening_outcome(citizen=case.citizen),
        "form": task_form_for(request.user, citizen=case.citizen),
        "plan_form": PlanForm(prefix="plan"),
        "plan_days": followup_plan_days(team=case.team),
    }


@register.simple_tag(takes_context=True)
def case_open_work(context, case) -> dict:
    """What closing the case ends or hands over, shown before it closes: its open tasks and
    how many reminders about them are waiting to be sent."""
    return selectors.case_open_work(user=context["request"].user, case=case)
