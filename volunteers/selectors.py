"""Reads of volunteers and the waiting list, scoped to the coordinator's teams."""

from collections.abc import Callable

from django.db.models import Exists, Expression, F, OuterRef, Q, QuerySet, Value
from django.http import Http404
from django.utils import timezone

from accounts.constants import Role, TeamKind
from accounts.models import User
from accounts.selectors import user_team_ids
from core.db import json_list_contains
from referrals.selectors import citizens_visible_to
from volunteers.models import Volunteer, VolunteerRequest
from volunteers.vetting import VettingWarning, vetting_warning_on


def volunteers_managed_by(*, user: User) -> QuerySet[Volunteer]:
    if not (user.is_authenticated and user.has_perm("volunteers.change_volunteer")):
        return Volunteer.objects.none()
    return Volunteer.objects.filter(team_id__in=user_team_ids(user))


def coordination_team_of(*, user: User):
    """The team new volunteers and offers of this coordinator belong to: their
    volunteer-coordination team, else their first team (None without a team)."""
    teams = user.teams.order_by("name")
    return teams.filter(kind=TeamKind.VOLUNTEER_COORDINATION).first() or teams.first()


def volunteer_get(*, user: User, volunteer_id) -> Volunteer:
    try:
        return volunteers_managed_by(user=user).select_related("team").get(pk=volunteer_id)
    except (Volunteer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


# --- What matching tells the volunteer pages ----------------------------------------------------
# A volunteer's page lists their matches, and the waiting list marks who has a volunteer proposed:
# both are matching's rows. Matching builds on volunteers (a match is with a volunteer), so it
# hands in the two readers at start-up (MatchingConfig.ready) and volunteers never imports it.

_MATCH_READERS: dict[str, Callable] = {}


def match_readers_set(
    *,
    open_matches_of_volunteer: Callable[..., list],
    proposal_for_request: Callable[[], Expression],
) -> None:
    """`open_matches_of_volunteer(volunteer=…)`: the volunteer's open matches, each marked with
    what the volunteer may know of the citizen. `proposal_for_request()`: an Exists over the open
    matches with a volunteer in the role of the outer VolunteerRequest's citizen and role."""
    _MATCH_READERS["open_matches_of_volunteer"] = open_matches_of_volunteer
    _MATCH_READERS["proposal_for_request"] = proposal_for_request


def open_matches_of_volunteer(*, volunteer: Volunteer) -> list:
    """The citizens the volunteer has or is proposed to now, each marked with what the
    volunteer may know of them (matching.selectors.matches_mark_shared decides)."""
    reader = _MATCH_READERS.get("open_matches_of_volunteer")
    return reader(volunteer=volunteer) if reader else []


def vetting_readers_set(*, matches_needing_vetting: Callable[..., set]) -> None:
    """`matches_needing_vetting(volunteer=…)`: the ids of the volunteer's open matches that bring
    them into a private home (volunteers/vetting.py); matching hands it in at start-up."""
    _MATCH_READERS["matches_needing_vetting"] = matches_needing_vetting


def volunteer_vetting_status(*, volunteer: Volunteer) -> tuple[VettingWarning | None, set]:
    """What the volunteer's page marks: what is wrong with the certificate, when an open match
    needs it, and the ids of those matches."""
    reader = _MATCH_READERS.get("matches_needing_vetting")
    needing = reader(volunteer=volunteer) if reader else set()
    if not needing:
        return None, set()
    warning = vetting_warning_on(
        seen=volunteer.vetting_seen_on,
        renewal_due=volunteer.vetting_renewal_due,
        on=timezone.localdate(),
    )
    return warning, needing if warning else set()


def volunteer_search(
    volunteers: QuerySet[Volunteer], *, q: str = "", status: str = "", role: str = "", sort=""
) -> QuerySet[Volunteer]:

    for word in q.split():
        volunteers = volunteers.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(phone__icontains=word)
            | Q(postcode=word)
        )
    if status:
        volunteers = volunteers.filter(status=status)
    if role:
        volunteers = volunteers.filter(json_list_contains("roles", role))
    orderings = {
        "name": ["first_name", "last_name", "id"],
        "renewal": [F("vetting_renewal_due").asc(nulls_first=True), "id"],
        "free": [F("load") - F("capacity"), "first_name", "id"],
        "newest": ["-created_at", "id"],
    }
    return volunteers.order_by(*orderings.get(sort, orderings["name"]))


def waiting_list(*, user: User) -> QuerySet[VolunteerRequest]:
    """Citizens waiting for a volunteer, oldest first: the coordinator's and bridge-builder's
    shared view. Only what is needed to find someone: age band, postcode, wish and wait, and
    `named` where the reader may see the first name."""
    if not (user.is_authenticated and user.has_perm("volunteers.view_volunteerrequest")):
        return VolunteerRequest.objects.none()
    requests = VolunteerRequest.objects.filter(closed_at__isnull=True)
    if user.has_role(Role.BRIDGE_BUILDER) and not user.has_role(Role.COORDINATOR):
        requests = requests.filter(case__team_id__in=user_team_ids(user))
    proposal = _MATCH_READERS.get("proposal_for_request")
    # The list is shared across volunteer centres and no consent names anyone on it: a name
    # shows only to those who work with the citizen anyway (their team's bridge-builders).
    named = Exists(citizens_visible_to(user=user).filter(pk=OuterRef("citizen_id")))
    return (
        requests.select_related("citizen")
        .annotate(has_proposal=proposal() if proposal else Value(False), named=named)
        .order_by("requested_on", "created_at")
    )


def waiting_summary(requests) -> list[dict]:
    """Per role: how many wait and the longest wait in days."""
    summary: dict[str, dict] = {}
    for request in requests:
        row = summary.setdefault(
            request.role,
            {"role": request.role, "label": request.get_role_display(), "count": 0, "longest": 0},
        )
        row["count"] += 1
        row["longest"] = max(row["longest"], request.days_waiting)
    return list(summary.values())
