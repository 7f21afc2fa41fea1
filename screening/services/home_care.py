"""Home care's part: putting a citizen on the team's list, "screen this week" from the board
meeting, and the one-tap referral to a bridge-builder after a screening."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import TeamKind
from accounts.models import Team, User
from followups.constants import TaskKind, TaskOrigin, TaskOutcome
from followups.models import Task
from followups.services import task_complete, task_create
from referrals.constants import ConsentMethod, ReferralSource
from referrals.identity import citizen_team_ids, team_access_request
from referrals.models import Citizen
from referrals.services import citizen_resolve, citizen_set_home_care_team, referral_create
from screening.models import Screening
from screening.selectors import home_care_citizens_of


def end_of_week(day: date) -> date:
    """Friday of the week `day` is in (a board meeting plans the working week)."""
    return day + timedelta(days=(4 - day.weekday()) % 7)


@transaction.atomic
def rescreen_assign(*, citizen: Citizen, team: Team, assignee: User, actor: User) -> Task:
    """ "Screen this citizen this week", given to a worker at the board meeting."""
    if team.kind != TeamKind.HOME_CARE or not (
        Citizen.objects.filter(home_care_citizens_of(team), pk=citizen.pk).exists()
    ):
        raise ValidationError({"citizen": _("The citizen is not on this team.")})
    if not assignee.memberships.filter(team=team).exists():
        raise ValidationError({"assignee": _("Choose someone on the team.")})
    # The board's "screen this week" replaces an earlier one, never the follow-up plan's
    # re-screening: that one measures the outcome, and stays for its own screening.
    pending = Task.objects.filter(
        citizen=citizen, kind=TaskKind.RESCREEN, done_at__isnull=True
    ).exclude(data__contains={"origin": TaskOrigin.PLAN_RESCREEN})
    for task in pending:
        task_complete(task=task, actor=actor, outcome_kind=TaskOutcome.GIVEN_TO_SOMEONE_ELSE)
    return task_create(
        citizen=citizen,
        team=team,
        assignee=assignee,
        kind=TaskKind.RESCREEN,
        data={"origin": TaskOrigin.RESCREEN_THIS_WEEK},
        due=end_of_week(timezone.localdate()),
        actor=actor,
    )


@transaction.atomic
def rescreen_assign_many(*, citizens, team: Team, assignee: User, actor: User) -> list[Task]:
    """The board meeting's decision: these citizens are screened this week by one worker.
    All or none: a citizen who may not be given leaves the others unchanged too."""
    return [
        rescreen_assign(citizen=citizen, team=team, assignee=assignee, actor=actor)
        for citizen in citizens
    ]


@dataclass
class HomeCareAddResult:
    # The citizen now on the team's list, or None while another team is asked for them.
    citizen: Citizen | None
    request: object = None


@transaction.atomic
def home_care_citizen_add(*, data: dict, team: Team, actor: User) -> HomeCareAddResult:
    """Put a citizen on a home-care team's list. A person another team already has (the same
    CPR number) is never moved or shown: the team that has them is asked to grant access."""
    if team.kind != TeamKind.HOME_CARE:
        raise ValidationError({"team": _("Choose a home-care team.")})
    match = citizen_resolve(data=data, actor=actor)
    citizen = match.citizen
    if not match.existed:
        citizen_set_home_care_team(citizen=citizen, team=team, actor=actor)
        return HomeCareAddResult(citizen)
    if team.pk in citizen_team_ids(citizen):
        return HomeCareAddResult(citizen)
    if not citizen_team_ids(citizen):
        # Known to nobody now (e.g. every team let go): this team takes them on.
        citizen_set_home_care_team(citizen=citizen, team=team, actor=actor)
        return HomeCareAddResult(citizen)
    request = team_access_request(
        citizen=citizen, team=team, actor=actor, reason=_("Home care visits the citizen.")
    )
    return HomeCareAddResult(None, request=request)


@transaction.atomic
def screening_refer(
    *,
    screening: Screening,
    actor: User,
    consent_given: bool,
    feedback_consent: bool = False,
    note: str = "",
):
    """One tap from the tablet: refer the screened citizen to a bridge-builder."""
    citizen = screening.citizen
    reason = _("Screened with UCLA-3 on %(date)s: score %(score)s%(colour)s.") % {
        "date": timezone.localtime(screening.screened_at).strftime("%d.%m.%Y"),
        "score": screening.score,
        "colour": f" ({screening.triage_label})" if screening.triage_label else "",
    }
    if screening.observations:
        reason += "\n" + screening.observations
    if note.strip():
        reason += "\n" + note.strip()
    return referral_create(
        known_citizen=citizen,
        source=ReferralSource.HOME_CARE,
        reason=reason,
        consent_given=consent_given,
        consent_method=ConsentMethod.VERBAL,
        feedback_consent=feedback_consent,
        referrer=actor,
    )
