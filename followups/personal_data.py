"""What follow-up holds about a citizen. Done tasks stay as anonymous rows (kind, due and done
dates) without their free text; open tasks are deleted with the person. A citizen with an open
task is still being followed up, so retention leaves them alone."""

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _

from core.personal_data import PersonalDataSection, register
from followups.events import NAMING_KEYS
from followups.models import Task


def _tasks_anonymise(citizen) -> int:
    tasks = Task.objects.filter(citizen=citizen)
    tasks.filter(done_at__isnull=True).delete()
    # What made a task stays (its kind and origin); the names its heading was made of go.
    return tasks.update(
        title="", outcome="", data=RawSQL("data - %s::text[]", (list(NAMING_KEYS),))
    )


def _tasks_in_use(citizens: QuerySet, cutoff) -> QuerySet:
    # Tasks about a volunteer have no citizen: a NULL in NOT IN would leave no citizen out.
    open_tasks = Task.objects.filter(done_at__isnull=True, citizen__isnull=False)
    return citizens.exclude(pk__in=open_tasks.values("citizen_id"))


register(
    PersonalDataSection(
        key="tasks",
        label=_("Follow-up tasks"),
        order=70,
        rows=lambda citizen: (
            Task.objects.filter(citizen=citizen)
            .select_related("assignee", "team")
            .order_by("due", "created_at")
        ),
        fields=["kind", "heading", "due", "done_at", "outcome_text", "assignee", "team"],
        labels={"heading": _("what to do"), "outcome_text": _("outcome")},
        anonymise=_tasks_anonymise,
        exclude_in_use=_tasks_in_use,
    )
)
