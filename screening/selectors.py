from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from django.db.models import (
    Count,
    DateTimeField,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.utils import timezone

from accounts.constants import TeamKind
from accounts.models import Team, User
from accounts.selectors import user_team_ids
from audit.services import audit_read
from followups.constants import TaskKind
from followups.models import Task
from followups.selectors import tasks_visible_to
from referrals.identity import citizens_of_teams
from referrals.models import Citizen
from referrals.selectors import caseload_column_add, citizen_search, citizens_visible_to
from screening.models import Screening, TeamScreeningSettings


def latest_screening(field_name: str, output_field=None, citizen: str = "pk") -> Subquery:
    """A field of the citizen's latest complete screening, as a subquery; `citizen` names the
    outer column that holds the citizen's id ("pk" on citizens, "citizen_id" on cases)."""
    latest = Screening.objects.filter(citizen=OuterRef(citizen), is_draft=False).order_by(
        "-screened_at"
    )
    return Subquery(latest.values(field_name)[:1], output_field=output_field)


def caseload_columns_register() -> None:
    """Hand referrals' caseload the latest triage colour of each case's citizen. Called from
    ScreeningConfig.ready: referrals sits below screening and does not import it."""
    for name in ("triage_code", "triage_label", "triage_hex"):
        caseload_column_add(name, partial(latest_screening, name, citizen="citizen_id"))


def with_latest_screening(citizens: QuerySet[Citizen]) -> QuerySet[Citizen]:
    """Each citizen with their latest complete screening's date, score and colour, in one query
    (the partial index on (citizen, -screened_at) serves every subquery)."""
    return citizens.annotate(
        last_screened_at=latest_screening("screened_at", DateTimeField()),
        last_score=latest_screening("score", IntegerField()),
        last_code=latest_screening("triage_code"),
        last_label=latest_screening("triage_label"),
        last_hex=latest_screening("triage_hex"),
        last_rank=latest_screening("triage_rank", IntegerField()),
    )


def screening_citizens(*, user: User, q: str = "") -> QuerySet[Citizen]:
    """The citizens the user may screen, with their latest colour."""
    return with_latest_screening(citizen_search(citizens_visible_to(user=user), q=q))


def citizen_get(*, user: User, citizen_id, request=None) -> Citizen:
    try:
        citizen = citizens_visible_to(user=user).select_related("home_care_team").get(pk=citizen_id)
    except (Citizen.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if request is not None:
        audit_read(actor=user, obj=citizen, request=request)
    return citizen


def screening_history(*, citizen: Citizen) -> list[Screening]:
    return list(
        citizen.screenings.filter(is_draft=False)
        .select_related("screened_by")
        .order_by("screened_at")
    )


def screening_drafts(*, citizen: Citizen) -> QuerySet[Screening]:
    return citizen.screenings.filter(is_draft=True).select_related("screened_by")


def home_care_teams(*, user: User) -> QuerySet[Team]:
    return Team.objects.filter(pk__in=user_team_ids(user), kind=TeamKind.HOME_CARE).order_by("name")


def rescreen_interval(team: Team) -> int:
    settings_ = TeamScreeningSettings.objects.filter(team=team).first()
    return settings_.rescreen_interval_days if settings_ else 90


@dataclass
class BoardGroup:
    code: str
    label: str
    hex: str
    citizens: list = field(default_factory=list)


def triage_board(
    *,
    team: Team,
    interval: int | None = None,
    today: date | None = None,
    user: User | None = None,
) -> list[BoardGroup]:
    """The team's citizens grouped by their latest colour, for the weekly board meeting.

    One query for the citizens, whatever the team's size: the latest screening, the overdue next
    steps and the pending "screen again" are subqueries on indexed columns. With `user`, only
    the tasks that user may see count (never the bridge-builders' tasks for home care).
    """
    today = today or timezone.localdate()
    interval = interval if interval is not None else rescreen_interval(team)
    tasks = tasks_visible_to(user=user) if user is not None else Task.objects.all()
    overdue = (
        tasks.filter(citizen=OuterRef("pk"), done_at__isnull=True, due__lt=today)
        .exclude(kind=TaskKind.RESCREEN)
        .values("citizen")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pending = tasks.filter(
        citizen=OuterRef("pk"), kind=TaskKind.RESCREEN, done_at__isnull=True
    ).order_by("due")
    citizens = (
        with_latest_screening(Citizen.objects.filter(home_care_citizens_of(team)))
        .annotate(
            overdue_steps=Subquery(overdue, output_field=IntegerField()),
            rescreen_assignee=Subquery(pending.values("assignee__first_name")[:1]),
            rescreen_due=Subquery(pending.values("due")[:1]),
        )
        .order_by("-last_rank", "last_screened_at", "last_name", "first_name")
    )
    due_before = timezone.now() - timedelta(days=interval)
    groups: dict[str, BoardGroup] = {}
    for citizen in citizens:
        citizen.rescreen_due_now = (
            citizen.last_screened_at is None or citizen.last_screened_at <= due_before
        )
        key = citizen.last_code or ""
        if key not in groups:
            groups[key] = BoardGroup(
                code=key, label=citizen.last_label or "", hex=citizen.last_hex or ""
            )
        groups[key].citizens.append(citizen)
    # Most serious first; citizens never screened last.
    return sorted(
        groups.values(),
        key=lambda g: (g.code == "", -(g.citizens[0].last_rank or 0)),
    )


def home_care_citizens_of(team: Team) -> Q:
    """The citizens a home-care team works with: those it visits, and those another team
    granted it (referrals.identity's rule for which citizens a team has)."""
    return citizens_of_teams([team.pk])


def citizens_of_team(*, user: User, team: Team) -> QuerySet[Citizen]:
    return citizens_visible_to(user=user).filter(home_care_citizens_of(team))


def team_members(*, team: Team) -> QuerySet[User]:
    return User.objects.filter(memberships__team=team, is_active=True).order_by("first_name")
