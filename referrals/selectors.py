"""Every read of citizens, referrals and cases goes through here, scoped to the caller.

Fetching and checking access are one step: a record the caller may not see is simply not found.
"""

from collections.abc import Callable

from django.db.models import Case as Conditional
from django.db.models import (
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Least
from django.http import Http404

from accounts.constants import Role
from accounts.models import Team, User
from accounts.selectors import user_team_ids
from audit.services import audit_read
from referrals.constants import (
    FILLABLE_FIELDS,
    OPEN_STATUSES,
    AccessRequestStatus,
    CaseStatus,
    DuplicateStatus,
)
from referrals.identity import citizens_of_teams, name_fold
from referrals.models import (
    Case,
    CaseEvent,
    Citizen,
    CitizenTeam,
    ConsentRecord,
    Contact,
    PlanStep,
    PossibleDuplicate,
    Referral,
    TeamAccessRequest,
)


def _citizen_matches(q: str, prefix: str = "") -> Q:
    """Every word of the search must match the citizen's name, phone, postcode or town. Names
    match folded, so "Soeren Aaberg" finds "Søren Åberg" and "Lefevre" finds "Lefèvre"."""
    condition = Q()
    # A NUL cannot be in any text PostgreSQL stores, and it refuses it in a query.
    for word in q.replace("\x00", "").split():
        folded = name_fold(word)
        condition &= (
            (Q(**{f"{prefix}name_key__contains": folded}) if folded else Q(pk__in=[]))
            | Q(**{f"{prefix}phone__icontains": word})
            | Q(**{f"{prefix}postcode": word})
            | Q(**{f"{prefix}city__icontains": word})
        )
    return condition


def cases_visible_to(*, user: User) -> QuerySet[Case]:
    """Bridge-builders see their teams' cases in full; no other role sees a case."""
    if not (user.is_authenticated and user.has_perm("referrals.view_case")):
        return Case.objects.none()
    return Case.objects.filter(team_id__in=user_team_ids(user))


def case_get(*, user: User, case_id, request=None, log_read: bool = True) -> Case:
    """One case the user may see, or 404. Opening a case page is a read of the citizen's record,
    logged as one; a form posted on the case page passes `log_read=False`, as the service it
    calls records the change itself. Nothing is locked here: the services lock the case row
    inside their own transaction."""
    try:
        case = (
            cases_visible_to(user=user)
            .select_related("citizen", "team", "assignee")
            .get(pk=case_id)
        )
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if log_read:
        audit_read(actor=user, obj=case, request=request)
    return case


# --- What the apps above referrals add to a caseload row ------------------------------------------
# A caseload row shows the citizen's latest triage colour (screening) and the next thing due,
# their open follow-up tasks included (followups). Both apps build on referrals, so referrals
# cannot import them: each hands in its part at start-up, from its AppConfig.ready, through the
# two functions below, and caseload() adds what was handed in.

# Annotation name -> a function making it, e.g. "triage" -> the latest screening's colour.
_CASELOAD_COLUMNS: dict[str, Callable[[], Expression]] = {}
# What else falls due for a case's citizen besides the case's plan steps: each a function making
# a subquery of the earliest such date.
_CASELOAD_DUE_DATES: dict[str, Callable[[], Expression]] = {}


def caseload_column_add(name: str, expression: Callable[[], Expression]) -> None:
    _CASELOAD_COLUMNS[name] = expression


def caseload_due_date_add(name: str, expression: Callable[[], Expression]) -> None:
    _CASELOAD_DUE_DATES[name] = expression


# Suggestions for a citizen (offers, volunteers, like-minded citizens) are ranked by matching
# (offers), which builds on referrals; the citizen's API in referrals shows them. Offers hands in
# how to rank and how to log the citizens a page of suggestions names, at start-up.
_SUGGESTIONS: dict[str, Callable] = {}


def suggestion_readers_set(*, rank: Callable, read: Callable) -> None:
    """`rank(citizen=, visible_citizens=, kind=)` gives the suggestions best first (of one
    kind, or all with kind ""); `read(actor=, suggestions=, request=)` logs the reads of the
    citizens among them."""
    _SUGGESTIONS.update(rank=rank, read=read)


def suggestions_for_citizen(*, user: User, citizen: Citizen, kind: str = "") -> list:
    """The suggestions for `citizen` the user may see, best first (matching must be loaded)."""
    return _SUGGESTIONS["rank"](
        citizen=citizen, visible_citizens=citizens_visible_to(user=user), kind=kind
    )


def suggestions_read(*, actor: User, suggestions: list, request=None) -> None:
    _SUGGESTIONS["read"](actor=actor, suggestions=suggestions, request=request)


def _next_due():
    """The earliest open plan step of the case, or anything else due for its citizen."""
    step = Subquery(
        PlanStep.objects.filter(case=OuterRef("pk"), done_at__isnull=True, due_date__isnull=False)
        .order_by("due_date")
        .values("due_date")[:1]
    )
    due = [step, *(make() for make in _CASELOAD_DUE_DATES.values())]
    # LEAST ignores NULL: the earliest of those that exist.
    return Least(*due) if len(due) > 1 else step


# The path's order, for sorting by status (the codes' alphabetical order means nothing).
_STATUS_ORDER = Conditional(
    *[When(status=s, then=Value(i)) for i, s in enumerate(CaseStatus.values)],
    output_field=IntegerField(),
)

CASELOAD_SORTS = {
    # "next_due" sorts cases without a due step last; see caseload().
    "oldest": ("created_at",),
    "newest": ("-created_at",),
    "status": ("status_order", "created_at"),
    "name": ("citizen__last_name", "citizen__first_name"),
}


def caseload(
    *, user: User, q: str = "", status: str = "", sort: str = "oldest", mine_only: bool = True
) -> QuerySet[Case]:
    """Open cases with what the bridge-builder needs to plan the day, in one query."""
    cases = (
        cases_visible_to(user=user)
        .select_related("citizen", "assignee")
        .annotate(
            next_due=_next_due(),
            **{name: make() for name, make in _CASELOAD_COLUMNS.items()},
        )
    )
    if sort == "status":
        cases = cases.annotate(status_order=_STATUS_ORDER)
    if mine_only:
        cases = cases.filter(assignee=user)
    # Open cases unless asked for another status (closed cases stay findable this way).
    cases = (
        cases.filter(status=status)
        if status in CaseStatus.values
        else cases.filter(status__in=OPEN_STATUSES)
    )
    cases = cases.filter(_citizen_matches(q, prefix="citizen__"))
    if sort == "next_due":
        return cases.order_by(F("next_due").asc(nulls_last=True), "created_at")
    return cases.order_by(*CASELOAD_SORTS.get(sort, CASELOAD_SORTS["oldest"]))


def team_board(*, user: User, team: Team, q: str = "", status: str = "") -> QuerySet[Case]:
    """The team's open cases, unassigned new referrals first, then the oldest."""
    cases = caseload(user=user, q=q, status=status, mine_only=False).filter(team=team)
    return cases.annotate(
        # The latest referral's urgency, which the board shows and the caseload does not.
        urgency=Subquery(
            Referral.objects.filter(case=OuterRef("pk"))
            .order_by("-created_at")
            .values("urgency")[:1]
        ),
        unassigned_first=Conditional(
            When(assignee__isnull=True, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        ),
    ).order_by("unassigned_first", "created_at")


def teams_for_board(*, user: User) -> QuerySet[Team]:
    if not user.has_perm("referrals.view_case"):
        return Team.objects.none()
    return Team.objects.filter(pk__in=user_team_ids(user), kind="bridge_builders").order_by("name")


def case_timeline(*, case: Case) -> QuerySet[CaseEvent]:
    return case.events.select_related(
        "actor", "referral", "contact", "note", "consent", "assignee"
    ).order_by("-occurred_at", "-created_at")


def referrer_details(*, case: Case, referrals: list[Referral] | None = None) -> list[dict]:
    """What referrers wrote about the citizen that the record does not say: shown on the case
    beside the record, for the team to use or not (a referral never writes into a record).
    Per field only the latest referral's value is offered: an older one was already passed
    over or replaced. `referrals`: the case's referrals oldest first, when the page has them."""
    citizen = case.citizen
    offered, rows = set(), []
    newest_first = (
        case.referrals.order_by("-created_at") if referrals is None else reversed(referrals)
    )
    for referral in newest_first:
        details = referral.citizen_details or {}
        fields = []
        for name in FILLABLE_FIELDS:
            value = details.get(name)
            if not value or name in offered:
                continue
            offered.add(name)
            if value != getattr(citizen, name):
                fields.append(
                    {
                        "name": name,
                        "label": Citizen._meta.get_field(name).verbose_name,
                        "value": value,
                        "current": getattr(citizen, name),
                    }
                )
        if fields:
            rows.append({"referral": referral, "fields": fields})
    return rows


def case_consents(*, case: Case) -> QuerySet[ConsentRecord]:
    return case.citizen.consents.select_related("recorded_by", "withdrawn_by").order_by(
        "purpose", "-given_at"
    )


def team_bridge_builders(*, team: Team) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, memberships__team=team, groups__name=Role.BRIDGE_BUILDER
    ).order_by("first_name", "last_name")


def citizen_earlier_courses(*, user: User, case: Case) -> list[Case]:
    """The citizen's earlier, closed courses, newest first, for the bridge-builder of a new one:
    what was tried (each course's matches, with the offer or volunteer, and why they ended) and
    why the course closed. Only for someone who may see the citizen; the caller logs the read.
    Most citizens have no earlier course: whether the user may see the citizen is asked only
    when there is one to show."""
    courses = list(
        Case.objects.filter(citizen_id=case.citizen_id, status=CaseStatus.CLOSED)
        .exclude(pk=case.pk)
        .select_related("team", "assignee")
        # The matches are matching's rows, read through the case (referrals does not import it).
        .prefetch_related("matches__offer", "matches__volunteer")
        .order_by("-closed_at")
    )
    if courses and not citizens_visible_to(user=user).filter(pk=case.citizen_id).exists():
        return []
    return courses


def citizens_visible_to(*, user: User) -> QuerySet[Citizen]:
    """Bridge-builders: citizens with a case on their teams. Home care: their team's citizens.
    Both: citizens a team that has them granted their team access to."""
    if not (user.is_authenticated and user.has_perm("referrals.view_citizen")):
        return Citizen.objects.none()
    team_ids = user_team_ids(user)
    bridge_builder, home_care = user.has_role(Role.BRIDGE_BUILDER), user.has_role(Role.HOME_CARE)
    # One list of ids, not the ways joined by OR: no index serves an OR of subqueries, and
    # PostgreSQL would read every citizen of the municipality to test each.
    ways = []
    if bridge_builder:
        ways.append(Case.objects.filter(team_id__in=team_ids).values("citizen_id"))
    if home_care:
        ways.append(Citizen.objects.filter(home_care_team_id__in=team_ids).values("pk"))
    if bridge_builder or home_care:
        ways.append(CitizenTeam.objects.filter(team_id__in=team_ids).values("citizen_id"))
    if not ways:
        return Citizen.objects.none()
    return Citizen.objects.filter(pk__in=ways[0].union(*ways[1:], all=True))


def citizen_search(citizens: QuerySet[Citizen], *, q: str = "") -> QuerySet[Citizen]:
    return citizens.filter(_citizen_matches(q)).order_by("last_name", "first_name", "id")


def referrals_visible_to(*, user: User) -> QuerySet[Referral]:
    """A referrer sees their own referrals; a bridge-builder those that came to their teams.

    Each carries `referrer_status`: where the case has gone *since this referral* — a
    referral of a person already known starts at "received" like any other, so its status
    tells the sender nothing about what happened before."""
    if not user.is_authenticated:
        return Referral.objects.none()
    scope = Q(referrer=user)
    if user.has_perm("referrals.view_case"):
        scope |= Q(case__team_id__in=user_team_ids(user))
    since = CaseEvent.objects.filter(
        case=OuterRef("case_id"),
        status_to__gt="",
        occurred_at__gte=OuterRef("created_at"),
    ).order_by("-occurred_at", "-created_at")
    # A contact that reached the citizen after the referral is its first contact, whether or
    # not the case was contacted before: otherwise a referral of a known person would stay
    # "received" where a new person's moves on, and tell the sender who was known.
    contact_since = (
        Contact.objects.filter(
            case=OuterRef("case_id"), reached=True, occurred_at__gte=OuterRef("created_at")
        )
        .order_by("occurred_at")
        .values("occurred_at")[:1]
    )
    return (
        Referral.objects.filter(scope)
        .select_related("feedback_consent")
        .annotate(referrer_first_contact_at=Subquery(contact_since))
        .annotate(
            referrer_status=Coalesce(
                Subquery(since.values("status_to")[:1]),
                Conditional(
                    When(
                        referrer_first_contact_at__isnull=False,
                        then=Value(CaseStatus.CONTACTED.value),
                    ),
                    default=Value(CaseStatus.RECEIVED.value),
                ),
            ),
        )
    )


def bridge_builder_summary(*, user: User) -> dict:
    """The figures on a bridge-builder's start page: their open cases and the team's waiting."""
    open_cases = cases_visible_to(user=user).filter(status__in=OPEN_STATUSES)
    return {
        "my_open": open_cases.filter(assignee=user).count(),
        "team_unassigned": open_cases.filter(assignee__isnull=True).count(),
        "my_new": open_cases.filter(assignee=user, status=CaseStatus.RECEIVED).count(),
    }


# --- Who a citizen is, and who may have them ----------------------------------------------------


def _teams_citizens(user: User) -> QuerySet[Citizen]:
    if not (user.is_authenticated and user.has_perm("referrals.view_citizen")):
        return Citizen.objects.none()
    return Citizen.objects.filter(citizens_of_teams(user_team_ids(user)))


def access_requests_to_answer(*, user: User) -> QuerySet[TeamAccessRequest]:
    """Other teams' requests for citizens the user's teams have."""
    return (
        TeamAccessRequest.objects.filter(
            status=AccessRequestStatus.PENDING, citizen__in=_teams_citizens(user)
        )
        .select_related("citizen", "team__organisation", "requested_by")
        .order_by("created_at")
    )


def duplicates_to_judge(*, user: User) -> QuerySet[PossibleDuplicate]:
    """Possible duplicates of which the user's teams have one record or both. A team that has
    both judges the pair; a team that has one may ask the other for access (see
    referrals.identity.duplicate_sides)."""
    mine = _teams_citizens(user)
    return (
        PossibleDuplicate.objects.filter(
            Q(other__in=mine) | Q(citizen__in=mine), status=DuplicateStatus.OPEN
        )
        .select_related("citizen__home_care_team", "other__home_care_team")
        .order_by("created_at")
    )


def duplicates_mark_sides(*, user: User, duplicates: list) -> list:
    """Mark each pair with `both` (the user's teams have both records) and `shown`, the record
    the list may name: the earlier one when the user has both, else the user's own. One query
    for the whole list."""
    ids = {d.citizen_id for d in duplicates} | {d.other_id for d in duplicates}
    mine = set(_teams_citizens(user).filter(pk__in=ids).values_list("pk", flat=True))
    for duplicate in duplicates:
        duplicate.both = {duplicate.citizen_id, duplicate.other_id} <= mine
        duplicate.shown = duplicate.other if duplicate.other_id in mine else duplicate.citizen
    return duplicates


def duplicate_get(*, user: User, duplicate_id) -> PossibleDuplicate:
    try:
        return duplicates_to_judge(user=user).get(pk=duplicate_id)
    except (PossibleDuplicate.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_request_get(*, user: User, request_id) -> TeamAccessRequest:
    try:
        return access_requests_to_answer(user=user).get(pk=request_id)
    except (TeamAccessRequest.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def identity_queue_counts(*, user: User) -> dict:
    return {
        "requests": access_requests_to_answer(user=user).count(),
        "duplicates": duplicates_to_judge(user=user).count(),
    }
