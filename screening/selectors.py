import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial

from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, JSONObject
from django.http import Http404
from django.utils import timezone

from accounts.constants import TeamKind
from accounts.models import Membership, Team, User
from accounts.selectors import user_team_ids
from audit.services import audit_read
from followups.constants import TaskKind
from followups.models import Task
from followups.selectors import tasks_visible_to
from referrals.constants import CaseStatus
from referrals.identity import citizen_team_ids, citizens_of_teams
from referrals.models import Citizen
from referrals.selectors import caseload_column_add, citizen_search, citizens_visible_to
from screening.constants import DEFAULT_INSTRUMENT, InstrumentStatus, QualityOutcome, TriageHow
from screening.models import (
    HomeHelpHours,
    Instrument,
    QualityCheck,
    Screening,
    TeamScreeningSettings,
    TriageColour,
    TriageScheme,
    TriageState,
    TriageTransition,
)


def _latest(citizen: str) -> QuerySet[Screening]:
    return Screening.objects.filter(
        citizen=OuterRef(citizen), is_draft=False, instrument__code=DEFAULT_INSTRUMENT
    ).order_by("-screened_at")


def latest_screening(field_name: str, output_field=None, citizen: str = "pk") -> Subquery:
    """A field of the citizen's latest complete UCLA-3 screening, as a subquery; `citizen` names
    the outer column that holds the citizen's id ("pk" on citizens, "citizen_id" on cases).
    Another instrument (the change form, the direct question) has no score to follow here."""
    return Subquery(_latest(citizen).values(field_name)[:1], output_field=output_field)


def latest_screening_summary(citizen: str = "pk") -> Subquery:
    """The latest complete UCLA-3 screening's score and colour as one object {"score", "code",
    "label", "hex", "scheme_id"} (None when the citizen has none). One subquery where a field
    each would be planned and run once per field for every row: PostgreSQL does not see that
    they are the same."""
    summary = JSONObject(
        score="score",
        code="triage_code",
        label="triage_label",
        hex="triage_hex",
        scheme_id="triage_scheme_id",
    )
    return Subquery(
        _latest(citizen).annotate(summary=summary).values("summary")[:1],
        output_field=JSONField(),
    )


def caseload_columns_register() -> None:
    """Hand referrals' caseload the latest screening's score and colour of each case's citizen
    (`triage`, see latest_screening_summary). Called from ScreeningConfig.ready: referrals sits
    below screening and does not import it."""
    caseload_column_add("triage", partial(latest_screening_summary, citizen="citizen_id"))


def with_latest_screening(citizens: QuerySet[Citizen]) -> QuerySet[Citizen]:
    """Each citizen with their latest complete screening: its date (`last_screened_at`, which
    the due rule reads in the query) and its score and colour (`last`, see
    latest_screening_summary), in one query; the partial index on (citizen, -screened_at)
    serves both subqueries."""
    return citizens.annotate(
        last_screened_at=latest_screening("screened_at", DateTimeField()),
        last=latest_screening_summary(),
    )


def screening_citizens(*, user: User, q: str = "", due: bool = False) -> QuerySet[Citizen]:
    """The citizens the user may screen, with their latest colour and whether they are due by
    their home-care team's criteria (`due`: only those)."""
    citizens = with_due(
        with_latest_screening(citizen_search(citizens_visible_to(user=user), q=q)),
        team=OuterRef("home_care_team_id"),
    )
    return citizens.filter(screening_due=True) if due else citizens


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
        .select_related("screened_by", "instrument")
        .order_by("screened_at")
    )


def other_instruments() -> QuerySet[Instrument]:
    """The instruments in use besides UCLA-3 (the change form, the direct question)."""
    return (
        Instrument.objects.filter(status=InstrumentStatus.ACTIVE)
        .exclude(code=DEFAULT_INSTRUMENT)
        .order_by("name")
    )


def screening_drafts(*, citizen: Citizen) -> QuerySet[Screening]:
    return citizen.screenings.filter(is_draft=True).select_related("screened_by")


def home_care_teams(*, user: User) -> QuerySet[Team]:
    return Team.objects.filter(pk__in=user_team_ids(user), kind=TeamKind.HOME_CARE).order_by("name")


DEFAULT_RESCREEN_INTERVAL = 90


def team_screening_settings(team: Team | None) -> TeamScreeningSettings | None:
    """The team's screening settings (with the colour that marks extra time), or None."""
    if team is None:
        return None
    return (
        TeamScreeningSettings.objects.select_related("extra_time_colour", "scheme")
        .filter(team=team)
        .first()
    )


def rescreen_interval(team: Team) -> int:
    return interval_of(team_screening_settings(team))


def interval_of(settings_: TeamScreeningSettings | None) -> int:
    return settings_.rescreen_interval_days if settings_ else DEFAULT_RESCREEN_INTERVAL


def extra_time(settings_: TeamScreeningSettings | None, screening) -> bool:
    """Whether the team gives extra time for the citizen whose latest screening this is
    (Odense: at a score of 7 or more). `screening` is a Screening, or None."""
    if settings_ is None or screening is None:
        return False
    return settings_.gives_extra_time(
        score=screening.score, scheme_id=screening.triage_scheme_id, code=screening.triage_code
    )


def citizen_screening_team(citizen: Citizen) -> Team | None:
    """The team whose screening settings apply to the citizen: the home-care team, else the
    open case's team (as for the triage scheme)."""
    if citizen.home_care_team_id is not None:
        return citizen.home_care_team
    case = citizen.cases.exclude(status=CaseStatus.CLOSED).select_related("team").first()
    return case.team if case else None


@dataclass
class BoardGroup:
    code: str
    label: str
    hex: str
    citizens: list = field(default_factory=list)
    rank: int = 0
    # The citizens whose colour is of the team's earlier scheme, with no colour of its code now.
    old_scheme: bool = False

    @property
    def key(self) -> str:
        """The group's name in the board's address (?farve=): its colour's code, `old_scheme`,
        or `none` for the citizens without a colour yet."""
        return self.code or NO_COLOUR


# The board's group of colours from the team's earlier scheme: to be set again.
OLD_SCHEME = "old_scheme"
# The board's group of citizens without a colour yet, in its address.
NO_COLOUR = "none"


def triage_board(
    *,
    team: Team,
    interval: int | None = None,
    today: date | None = None,
    user: User | None = None,
    settings_: TeamScreeningSettings | None = None,
) -> list[BoardGroup]:
    """The team's citizens grouped by their colour on the team now (their triage state, in the
    team's current scheme), for the weekly board meeting, each with the moves the team's
    procedure allows and marked when the team gives them extra time (`settings_`, the team's
    screening settings).

    One query for the citizens, whatever the team's size: the latest screening, the overdue next
    steps and the pending "screen again" are subqueries on indexed columns; one more for their
    colours on the team, and two for the scheme's colours and procedure (PostgreSQL's JIT
    compiler is off for every connection: it priced this query past compiling). With `user`,
    only the tasks that user may see count (never the bridge-builders' tasks for home care).
    """
    today = today or timezone.localdate()
    if interval is None:
        interval = interval_of(settings_) if settings_ else rescreen_interval(team)
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
        with_due(
            with_latest_screening(
                # What the board shows of each citizen: the name (full_name) and no more.
                Citizen.objects.filter(home_care_citizens_of(team)).only(
                    "id", "first_name", "last_name", "merged_into", "anonymised_at"
                )
            ),
            team=team.pk,
            settings_=FROM_THE_TEAM if settings_ is None else settings_,
            interval=interval,
        )
        .annotate(
            overdue_steps=Subquery(overdue, output_field=IntegerField()),
            rescreen_assignee=Subquery(pending.values("assignee__first_name")[:1]),
            rescreen_due=Subquery(pending.values("due")[:1]),
            last_rank=latest_screening("triage_rank", IntegerField()),
        )
        .prefetch_related(
            Prefetch(
                "triage_states",
                # The board shows of each state's screening its instrument's name, and of who set
                # it their name: not the answers, nor the instrument's whole definition for every
                # citizen.
                queryset=_current_states()
                .filter(team=team)
                .defer(
                    "screening__answers",
                    "screening__observations",
                    "screening__instrument__definition",
                    "set_by__password",
                    "set_by__security_stamp",
                ),
                to_attr="current_triage",
            )
        )
        .order_by("-last_rank", "last_screened_at", "last_name", "first_name")
    )
    procedure = triage_procedure(team_scheme(team, settings_))
    groups: dict[str, BoardGroup] = {}
    for citizen in citizens:
        citizen.rescreen_due_now = citizen.screening_due
        last = citizen.last or {}
        citizen.extra_time = settings_ is not None and settings_.gives_extra_time(
            score=last.get("score"),
            scheme_id=uuid.UUID(last["scheme_id"]) if last.get("scheme_id") else None,
            code=last.get("code") or "",
        )
        citizen.triage = view = triage_view(
            citizen.current_triage[0] if citizen.current_triage else None, procedure
        )
        if view.colour is not None:
            key = view.colour.code
            group = BoardGroup(
                code=key, label=view.colour.label_text, hex=view.colour.hex, rank=view.colour.rank
            )
        elif view.old_scheme:
            key, group = OLD_SCHEME, BoardGroup(code=OLD_SCHEME, label="", hex="", old_scheme=True)
        else:
            key, group = "", BoardGroup(code="", label="", hex="")
        groups.setdefault(key, group).citizens.append(citizen)
    # Most serious first; then the colours to set again; citizens without a colour last.
    return sorted(
        groups.values(),
        key=lambda g: (g.code == "", g.old_scheme, -g.rank),
    )


def home_care_citizens_of(team: Team) -> Q:
    """The citizens a home-care team works with: those it visits, and those another team
    granted it (referrals.identity's rule for which citizens a team has)."""
    return citizens_of_teams([team.pk])


def citizens_of_team(*, user: User, team: Team) -> QuerySet[Citizen]:
    return citizens_visible_to(user=user).filter(home_care_citizens_of(team))


def team_members(*, team: Team) -> QuerySet[User]:
    """The team's active members, each with `leads_team` (in the same query)."""
    return (
        User.objects.filter(memberships__team=team, is_active=True)
        .annotate(
            leads_team=Exists(
                Membership.objects.filter(team=team, user=OuterRef("pk"), is_lead=True)
            )
        )
        .order_by("first_name")
    )


# --- The citizen's triage state: the board meeting's working state ------------------------------


def team_scheme(team: Team | None, settings_: TeamScreeningSettings | None = None):
    """The triage scheme the team uses now: its own, else the default (None without either),
    in one query; in none when the caller has the team's screening settings (`settings_`)."""
    if settings_ is not None:
        return settings_.scheme
    schemes = TriageScheme.objects.filter(is_default=True)
    if team is not None:
        schemes = TriageScheme.objects.filter(Q(teams__team=team) | Q(is_default=True))
    # The team's own before the default.
    return schemes.order_by("is_default").first()


@dataclass
class Procedure:
    """A scheme's colours and the steps of its procedure, read once (two queries) for a board or
    a citizen's page. The board, the citizen's page and services.triage_state_move all ask this
    which moves are allowed, so what is offered is what is accepted."""

    scheme: TriageScheme | None
    colours: list[TriageColour] = field(default_factory=list)
    steps: list[TriageTransition] = field(default_factory=list)

    def colour_like(self, colour: TriageColour | None) -> TriageColour | None:
        """The scheme's own colour for `colour`: itself, or the colour of the same code when
        `colour` is one of an earlier scheme; None when this scheme has no such colour."""
        if colour is None or self.scheme is None:
            return None
        if colour.scheme_id == self.scheme.pk:
            return next((c for c in self.colours if c.pk == colour.pk), colour)
        return next((c for c in self.colours if c.code == colour.code), None)

    def moves_from(self, colour: TriageColour | None) -> list[TriageTransition]:
        """The steps allowed from this colour of the scheme (None: from no colour yet)."""
        colour_id = colour.pk if colour is not None else None
        return [step for step in self.steps if step.from_colour_id == colour_id]


def triage_procedure(scheme: TriageScheme | None) -> Procedure:
    """The scheme's colours (most serious last) and its procedure, in two queries."""
    if scheme is None:
        return Procedure(scheme=None)
    colours = list(scheme.colours.order_by("rank", "code"))
    by_id = {colour.pk: colour for colour in colours}
    steps = list(TriageTransition.objects.filter(scheme=scheme).order_by("order", "label"))
    for step in steps:
        step.from_colour = by_id.get(step.from_colour_id)
        step.to_colour = by_id.get(step.to_colour_id)
    # A step to a colour of another scheme (edited by hand in the database) is never offered.
    steps = [s for s in steps if s.to_colour is not None]
    return Procedure(scheme=scheme, colours=colours, steps=steps)


@dataclass
class TriageView:
    """A citizen's colour on a team as the board and the citizen's page show it: always in the
    team's current scheme. A colour of an earlier scheme is shown as the current scheme's colour
    of the same code (`converted`), or flagged to be set again (`old_scheme`)."""

    state: TriageState | None
    colour: TriageColour | None
    old_scheme: bool = False
    converted: bool = False
    moves: list[TriageTransition] = field(default_factory=list)

    @property
    def by_hand(self) -> bool:
        return self.state is not None and self.state.how == TriageHow.HAND

    @property
    def reason_steps(self) -> list[str]:
        """The names of the allowed steps that need a reason."""
        return [step.label for step in self.moves if step.reason_required]


def triage_view(state: TriageState | None, procedure: Procedure) -> TriageView:
    colour = procedure.colour_like(state.colour) if state is not None else None
    old_scheme = state is not None and colour is None
    converted = colour is not None and colour.scheme_id != state.colour.scheme_id
    return TriageView(
        state=state,
        colour=colour,
        old_scheme=old_scheme,
        converted=converted,
        moves=procedure.moves_from(colour),
    )


def _current_states():
    return TriageState.objects.filter(is_current=True).select_related(
        "colour", "set_by", "screening__instrument"
    )


def triage_state_current(*, citizen: Citizen, team: Team) -> TriageState | None:
    """The citizen's colour on the team now, or None."""
    return _current_states().filter(citizen=citizen, team=team).first()


def triage_history(*, citizen: Citizen, team: Team) -> list[TriageState]:
    """Every colour the citizen has had on the team, the latest first."""
    return list(
        TriageState.objects.filter(citizen=citizen, team=team)
        .select_related("colour", "set_by", "screening__instrument")
        .order_by("-set_at", "-created_at")
    )


def triage_for_citizen(*, citizen: Citizen, team: Team | None) -> dict | None:
    """What the citizen's page shows of the colour on the team: now, the allowed moves, the
    colours to set by hand, and the history. None without a team."""
    if team is None:
        return None
    procedure = triage_procedure(team_scheme(team))
    view = triage_view(triage_state_current(citizen=citizen, team=team), procedure)
    return {
        "team": team,
        "view": view,
        "colours": procedure.colours,
        "history": triage_history(citizen=citizen, team=team),
    }


def triage_teams(*, user: User, citizen: Citizen) -> list[Team]:
    """The teams whose colour of the citizen the user may change: the user's own teams among
    those that have the citizen (the citizen's screening team first). A worker who may see the
    citizen through another team's grant never sets the colour on a board they are not on."""
    own = citizen_screening_team(citizen)
    mine = set(user_team_ids(user))
    ids = mine & (citizen_team_ids(citizen) | ({own.pk} if own else set()))
    teams = list(Team.objects.filter(pk__in=ids).exclude(pk=own.pk if own else None))
    return [own, *teams] if own is not None and own.pk in mine else teams


# --- Who is due, by the team's criteria ---------------------------------------------------------


class _FromTheTeam:
    """with_due's default: the criteria are read from the team's settings in the query."""


FROM_THE_TEAM = _FromTheTeam()
HOURS_FIELD = DecimalField(max_digits=5, decimal_places=2)


def home_help_hours_now(team, *, citizen: str = "pk", today: date | None = None) -> Subquery:
    """The hours of home help a week the citizen gets from the team today, as a subquery.
    `team` is a team's id, or OuterRef("home_care_team_id") for each citizen's own team."""
    rows = HomeHelpHours.objects.filter(
        citizen=OuterRef(citizen), team=team, valid_from__lte=today or timezone.localdate()
    ).order_by("-valid_from", "-created_at")
    # Without trailing zeros, as people write hours: 2,5 and 2, not 2,50 and 2,00.
    trimmed = Func(F("hours"), function="trim_scale", output_field=HOURS_FIELD)
    return Subquery(rows.values(trimmed=trimmed).values("trimmed")[:1], output_field=HOURS_FIELD)


def with_due(
    citizens: QuerySet[Citizen],
    *,
    team,
    settings_=FROM_THE_TEAM,
    interval: int | None = None,
    now=None,
) -> QuerySet[Citizen]:
    """Each citizen (annotated by with_latest_screening) with `hours_a_week`, the hours of
    home help they get from the team now, and `screening_due`: the one rule for who is due.

    - Screened before, longer ago than the team's interval (90 days unless the team says):
      due again, whatever the hours: a course of screening, once begun, is kept up.
    - Never screened: due, unless the team screens from a number of hours of home help a
      week (Holstebro: 2) and the citizen gets fewer, or none are recorded.

    `team` is a team's id, or OuterRef("home_care_team_id") for each citizen's own home-care
    team (the citizen list, across the user's teams). `settings_` are the team's settings when
    the caller has them (the board): then the criteria are values, else read in the query.
    """
    now = now or timezone.now()
    if settings_ is FROM_THE_TEAM:
        team_settings = TeamScreeningSettings.objects.filter(team=team)
        days = Coalesce(
            Subquery(team_settings.values("rescreen_interval_days")[:1]),
            Value(DEFAULT_RESCREEN_INTERVAL),
        )
        threshold = Subquery(
            team_settings.values("screen_from_home_help_hours")[:1], output_field=HOURS_FIELD
        )
    else:
        days = Value(interval_of(settings_))
        hours_from = settings_.screen_from_home_help_hours if settings_ else None
        threshold = Value(hours_from, output_field=HOURS_FIELD)
    if interval is not None:
        days = Value(interval)
    citizens = citizens.annotate(
        hours_a_week=home_help_hours_now(team, today=timezone.localdate(now))
    ).alias(
        # In the rule only: not read back for every citizen.
        due_from_hours=threshold,
        due_before=ExpressionWrapper(
            Value(now, output_field=DateTimeField())
            - ExpressionWrapper(days * Value(timedelta(days=1)), output_field=DurationField()),
            output_field=DateTimeField(),
        ),
    )
    # The date decides when there is one; without one (the comparison is NULL) the hours do; an
    # unknown number of hours (NULL again) is "not due". The date is named once: each mention of
    # the latest screening would be planned and run again for every citizen.
    hours_rule = Q(due_from_hours__isnull=True) | Q(hours_a_week__gte=F("due_from_hours"))
    return citizens.annotate(
        screening_due=Coalesce(
            ExpressionWrapper(
                Q(last_screened_at__lte=F("due_before")), output_field=BooleanField()
            ),
            ExpressionWrapper(hours_rule, output_field=BooleanField()),
            Value(False),
        )
    )


def home_help_team(*, user: User, citizen: Citizen) -> Team | None:
    """The user's home-care team whose hours of home help the citizen's page shows and takes:
    the citizen's own home-care team when it is the user's, else one of the user's home-care
    teams that was granted the citizen."""
    teams = list(home_care_teams(user=user).filter(pk__in=citizen_team_ids(citizen)))
    own = next((t for t in teams if t.pk == citizen.home_care_team_id), None)
    return own or (teams[0] if teams else None)


def home_help_hours_of(*, citizen: Citizen, team: Team) -> dict:
    """The hours in force today and those from a later day, for the citizen's page."""
    today = timezone.localdate()
    rows = list(
        HomeHelpHours.objects.filter(citizen=citizen, team=team).order_by(
            "-valid_from", "-created_at"
        )[:12]
    )
    now = next((r for r in rows if r.valid_from <= today), None)
    return {
        "team": team,
        "now": now,
        "later": sorted((r for r in rows if r.valid_from > today), key=lambda r: r.valid_from),
        "earlier": [r for r in rows if r.valid_from <= today and r is not now][:5],
    }


def home_help_import_teams(*, user: User) -> QuerySet[Team]:
    """The home-care teams whose hours of home help the user may import: any with
    import_home_help_hours (the administrator), else those the user leads."""
    teams = Team.objects.filter(kind=TeamKind.HOME_CARE).order_by("name")
    if user.has_perm("screening.import_home_help_hours"):
        return teams
    if not user.has_perm("screening.add_homehelphours"):
        return teams.none()
    return teams.filter(memberships__user=user, memberships__is_lead=True)


# --- The ambassador's quality check ---------------------------------------------------------------

QUALITY_CHECKED_SHOWN = 20


def quality_overview(*, team: Team, settings_: TeamScreeningSettings | None) -> dict:
    """The team's quality-check queue (oldest screening first), the checks done lately, and
    per screener their screenings, how many were flagged and how many wait. Each check in the
    queue is marked when the team gives extra time for its screening."""
    related = ("screening__citizen", "screening__screened_by", "screening__instrument")
    queue = list(
        QualityCheck.objects.filter(team=team, outcome="")
        .select_related(*related)
        .order_by("screening__screened_at", "created_at")
    )
    for check in queue:
        check.extra_time = extra_time(settings_, check.screening)
    checked = list(
        QualityCheck.objects.filter(team=team)
        .exclude(outcome="")
        .select_related(*related, "checked_by")
        .order_by("-checked_at")[:QUALITY_CHECKED_SHOWN]
    )
    screeners = [
        {
            "name": f"{row['screened_by__first_name']} {row['screened_by__last_name']}".strip(),
            "screenings": row["screenings"],
            "flagged": row["flagged"],
            "open": row["open"],
            "talk": row["talk"],
        }
        for row in Screening.objects.filter(team=team, is_draft=False)
        .values("screened_by", "screened_by__first_name", "screened_by__last_name")
        .annotate(
            screenings=Count("pk"),
            flagged=Count("quality_check"),
            open=Count("quality_check", filter=Q(quality_check__outcome="")),
            talk=Count(
                "quality_check",
                filter=Q(quality_check__outcome=QualityOutcome.TALK_TO_SCREENER),
            ),
        )
        .order_by("-flagged", "screened_by__first_name", "screened_by__last_name")
    ]
    return {
        "queue": queue,
        "checked": checked,
        "screeners": screeners,
        "shown": [check.screening.citizen for check in [*queue, *checked]],
    }


def quality_check_get(*, user: User, check_id) -> QualityCheck:
    """A check of one of the user's home-care teams (404 otherwise)."""
    try:
        return QualityCheck.objects.select_related("screening__citizen").get(
            pk=check_id, team_id__in=home_care_teams(user=user).values("pk")
        )
    except (QualityCheck.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
