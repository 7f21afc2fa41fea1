"""The certificate a volunteer needs in a private home (volunteers/vetting.py), for matches:
whether proposing a volunteer needs one, which matches need one that is missing, has run out or
is about to, and the daily reminders about them (volunteers/tasks.py runs them).

An offer has no volunteers of its own in Brobyg: the volunteer who goes to an offer held in a
private home is the citizen's companion (følgeven). So a companion needs a valid certificate
while the citizen has an open match with such an offer, as a visiting friend always does.
"""

from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.constants import Role
from accounts.models import Membership, User
from followups.constants import TaskKind, TaskOrigin, TaskOutcome
from followups.models import Task
from followups.services import task_complete, task_create
from matching.models import Match, MatchGroupStatus, MatchGroupVolunteer
from offers.constants import OPEN_MATCH_STATUSES, MatchStatus
from volunteers.constants import HOME_VISIT_ROLES, MATCHABLE_STATUSES
from volunteers.models import Volunteer
from volunteers.vetting import (
    RUNNING_MATCH_STATUSES,
    VettingWarning,
    vetting_needed,
    vetting_needed_q,
    vetting_valid_on,
    vetting_warning_on,
    vetting_warning_q,
)

# --- Which matches need a certificate ------------------------------------------------------------


def _to_private_home(citizen) -> Exists:
    """The citizen (an id, or an OuterRef) has an open match with an offer held in a private
    home."""
    return Exists(
        Match.objects.filter(
            citizen_id=citizen, offer__in_private_home=True, status__in=OPEN_MATCH_STATUSES
        )
    )


def vetting_needed_for(*, citizen_id, role: str) -> bool:
    """Whether a volunteer in `role` with this citizen comes into a private home."""
    if vetting_needed(role=role):
        return True
    if not vetting_needed(role=role, to_private_home=True):
        return False
    return Match.objects.filter(
        citizen_id=citizen_id, offer__in_private_home=True, status__in=OPEN_MATCH_STATUSES
    ).exists()


def matches_needing_vetting(matches: QuerySet[Match]) -> QuerySet[Match]:
    """Those of `matches` that bring their volunteer into a private home."""
    return matches.filter(volunteer__isnull=False).filter(
        vetting_needed_q(to_private_home=_to_private_home(OuterRef("citizen_id")))
    )


def match_vetting_warning(*, match: Match, on: date | None = None) -> VettingWarning | None:
    """What the case page marks on an open match: the volunteer's certificate where the match
    brings them into a private home and it is missing, has run out, or runs out within
    BROBYG_VETTING_WARN_DAYS. No query unless the certificate is in question."""
    if match.volunteer_id is None or match.status == MatchStatus.ENDED:
        return None
    volunteer = match.volunteer
    warning = vetting_warning_on(
        seen=volunteer.vetting_seen_on,
        renewal_due=volunteer.vetting_renewal_due,
        on=on or timezone.localdate(),
    )
    if warning is None or not vetting_needed_for(
        citizen_id=match.citizen_id, role=match.volunteer_role
    ):
        return None
    return warning


def volunteer_matches_needing_vetting(*, volunteer: Volunteer) -> set:
    """The ids of the volunteer's open matches that bring them into a private home: the
    volunteer's page (volunteers.selectors, which offers hands this to at start-up)."""
    return set(
        matches_needing_vetting(
            Match.objects.filter(volunteer=volunteer, status__in=OPEN_MATCH_STATUSES)
        ).values_list("pk", flat=True)
    )


# --- Groups on an offer --------------------------------------------------------------------------
# A volunteer in a group (matching/services/groups.py) comes into a private home when the group
# meets in one (the offer is held in a private home: the host's, as in "Mad og mennesker") and
# on a home visit (a meal friend, a visiting friend): then they join only with a valid
# certificate, and one that runs out later marks the group.


def group_vetting_needed(*, in_private_home: bool, role: str) -> bool:
    """Whether a volunteer in `role` in a group on an offer comes into a private home: every one
    of them, the host included, when the offer is held in one."""
    return in_private_home or vetting_needed(role=role)


def _group_memberships_needing_vetting() -> QuerySet[MatchGroupVolunteer]:
    return MatchGroupVolunteer.objects.filter(
        left_at__isnull=True, group__status=MatchGroupStatus.ACTIVE
    ).filter(Q(group__offer__in_private_home=True) | Q(role__in=sorted(HOME_VISIT_ROLES)))


def group_vetting_warnings(*, memberships, in_private_home: bool, on: date | None = None) -> dict:
    """What marks a group: for each of its current volunteers who need a certificate there, one
    that is missing, has run out, or runs out within BROBYG_VETTING_WARN_DAYS (membership id →
    VettingWarning). No query: the memberships come with their volunteers."""
    today = on or timezone.localdate()
    warnings = {}
    for membership in memberships:
        if membership.left_at is not None:
            continue
        if not group_vetting_needed(in_private_home=in_private_home, role=membership.role):
            continue
        volunteer = membership.volunteer
        warning = vetting_warning_on(
            seen=volunteer.vetting_seen_on, renewal_due=volunteer.vetting_renewal_due, on=today
        )
        if warning is not None:
            warnings[membership.pk] = warning
    return warnings


# --- The daily reminders -------------------------------------------------------------------------

_COORDINATOR_ORIGINS = [TaskOrigin.VETTING_RENEWAL, TaskOrigin.VETTING_MISSING]
_ALL_ORIGINS = [*_COORDINATOR_ORIGINS, TaskOrigin.VETTING_EXPIRED]


def _renewal_key(volunteer: Volunteer) -> str | None:
    """Which certificate a reminder is about: its renewal day (None: there is none)."""
    due = volunteer.vetting_renewal_due
    return due.isoformat() if volunteer.vetting_seen_on and due else None


def _coordinator_of(volunteer: Volunteer) -> User | None:
    """Who renews the volunteer's certificate: their team's lead coordinator, else its first
    coordinator by name. None leaves the task to the team, whose leads hear when it is overdue."""
    membership = (
        Membership.objects.filter(
            team_id=volunteer.team_id, user__is_active=True, user__groups__name=Role.COORDINATOR
        )
        .select_related("user")
        .order_by("-is_lead", "user__first_name", "user__last_name", "user_id")
        .first()
    )
    return membership.user if membership else None


def _close_renewed(today: date) -> None:
    """A task about a certificate that has since been renewed (or first recorded) is done."""
    tasks = list(
        Task.objects.filter(
            kind=TaskKind.CERTIFICATE, done_at__isnull=True, data__origin__in=_ALL_ORIGINS
        )
    )
    ids = {task.data.get("volunteer") for task in tasks}
    volunteers = {str(v.pk): v for v in Volunteer.objects.filter(pk__in=ids)}
    for task in tasks:
        volunteer = volunteers.get(task.data.get("volunteer"))
        if volunteer is None:
            continue
        renewed = _renewal_key(volunteer) != task.data.get("renewal_due")
        if renewed and vetting_valid_on(
            seen=volunteer.vetting_seen_on, renewal_due=volunteer.vetting_renewal_due, on=today
        ):
            task_complete(task=task, actor=None, outcome_kind=TaskOutcome.CERTIFICATE_RENEWED)


@transaction.atomic
def vetting_reminders_create(*, on: date | None = None) -> int:
    """The day's reminders about certificates; how many tasks were made.

    - The volunteer's coordinator is asked, once per certificate, to renew it from
      BROBYG_VETTING_WARN_DAYS before it runs out: for every approved or active home-visit
      volunteer, and every volunteer a match under way or an active group brings into a private
      home (who is asked to get one if they have none). The task is about the volunteer and
      names no citizen.
    - Once it has run out (or is missing), the bridge-builder of each match under way that
      brings the volunteer into a private home gets a task on the case, once per certificate.
    - A task about a certificate that has since been renewed is done.

    Safe to run twice, also at the same moment: the volunteers are locked in primary-key order
    before the tasks made earlier are looked up, so a second run waits for the first and then
    finds its tasks."""
    today = on or timezone.localdate()
    _close_renewed(today)
    running = matches_needing_vetting(Match.objects.filter(status__in=RUNNING_MATCH_STATUSES))
    needed_by_running = set(running.values_list("volunteer_id", flat=True))
    # A volunteer in an active group that brings them into a private home needs it as well.
    needed_by_running |= set(
        _group_memberships_needing_vetting().values_list("volunteer_id", flat=True)
    )
    volunteers = list(
        Volunteer.objects.filter(vetting_warning_q(today))
        .filter(
            Q(pk__in=needed_by_running)
            | Q(
                status__in=MATCHABLE_STATUSES,
                roles__has_any_keys=sorted(HOME_VISIT_ROLES),
                vetting_seen_on__isnull=False,
            )
        )
        .select_related("team")
        .order_by("pk")
        .select_for_update(of=("self",))
    )
    made = _coordinator_tasks(volunteers, needed_by_running, today)
    lapsed = {
        v.pk: v
        for v in volunteers
        if not vetting_valid_on(seen=v.vetting_seen_on, renewal_due=v.vetting_renewal_due, on=today)
    }
    return made + _bridge_builder_tasks(
        running.filter(volunteer_id__in=list(lapsed)), lapsed, today
    )


def _coordinator_tasks(volunteers: list[Volunteer], needed_by_running: set, today: date) -> int:
    asked = set(
        Task.objects.filter(
            kind=TaskKind.CERTIFICATE,
            data__origin__in=_COORDINATOR_ORIGINS,
            data__volunteer__in=[str(v.pk) for v in volunteers],
        ).values_list("data__volunteer", "data__renewal_due")
    )
    made = 0
    for volunteer in volunteers:
        key = _renewal_key(volunteer)
        if (str(volunteer.pk), key) in asked:
            continue
        if key is not None:
            # Renew by the last day it is in order (today, once that has passed).
            origin, due = TaskOrigin.VETTING_RENEWAL, max(volunteer.vetting_renewal_due, today)
            values = {"date": key}
        elif volunteer.pk in needed_by_running:
            origin, due, values = TaskOrigin.VETTING_MISSING, today, {}
        else:
            continue
        task_create(
            citizen=None,
            team=volunteer.team,
            assignee=_coordinator_of(volunteer),
            actor=None,
            kind=TaskKind.CERTIFICATE,
            data={
                "origin": origin,
                "volunteer": str(volunteer.pk),
                "provider": volunteer.full_name,
                "renewal_due": key,
                **values,
            },
            due=due,
        )
        made += 1
    return made


def _bridge_builder_tasks(matches: QuerySet[Match], lapsed: dict, today: date) -> int:
    matches = list(matches.select_related("citizen", "case__team", "case__assignee", "proposed_by"))
    told = set(
        Task.objects.filter(match__in=matches, data__origin=TaskOrigin.VETTING_EXPIRED).values_list(
            "match_id", "data__renewal_due"
        )
    )
    made = 0
    for match in matches:
        volunteer = lapsed[match.volunteer_id]
        key = _renewal_key(volunteer)
        if (match.pk, key) in told:
            continue
        case = match.case
        proposer = match.proposed_by if match.proposed_by.is_active else None
        task_create(
            citizen=match.citizen,
            case=case,
            team=case.team,
            assignee=case.assignee or proposer,
            actor=None,
            kind=TaskKind.CERTIFICATE,
            data={
                "origin": TaskOrigin.VETTING_EXPIRED,
                "volunteer": str(volunteer.pk),
                "provider": volunteer.full_name,
                "renewal_due": key,
            },
            due=today,
            match=match,
        )
        made += 1
    return made
