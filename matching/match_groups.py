"""Groups on an offer ("hold", matching/services/groups.py): the reads the pages make of them, each
scoped to the caller, and what a roster may show.

The offer's coordinator manages its groups. A citizen in a group is named to the coordinator only
while the citizen's consent to share with this very offer stands, as on the requests page
(matching.selectors.matches_mark_shared decides); otherwise the roster says "a citizen (no consent
to share yet)". Every citizen a page shows, named or not, is a read of that citizen's data: the
views log it.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from matching.models import Match, MatchGroup, MatchGroupStatus, MatchGroupVolunteer
from matching.selectors import matches_mark_shared
from matching.services.vetting import group_vetting_warnings
from offers.constants import OPEN_MATCH_STATUSES
from offers.models import Offer
from offers.selectors import offers_managed_by
from volunteers.constants import MATCHABLE_STATUSES, VolunteerRole
from volunteers.models import Volunteer
from volunteers.selectors import volunteers_managed_by

# Who manages groups: the coordinators, who answer the requests for their offers.
GROUP_PERMISSION = "matching.answer_match_requests"


@dataclass
class GroupRoster:
    """A group as its pages show it: the citizens in it (each marked `shared`), its volunteers
    (the host first), and the certificates that mark it (membership id → VettingWarning)."""

    group: MatchGroup
    citizens: list[Match] = field(default_factory=list)
    volunteers: list[MatchGroupVolunteer] = field(default_factory=list)
    warnings: dict = field(default_factory=dict)
    # The offer's matches that could join (the group's page only), each marked `shared`.
    candidates: list[Match] = field(default_factory=list)

    @property
    def host(self) -> MatchGroupVolunteer | None:
        return next((m for m in self.volunteers if m.is_host), None)

    @property
    def places_left(self) -> int:
        return max(self.group.size - len(self.citizens), 0)

    @property
    def marked(self) -> list[tuple[MatchGroupVolunteer, object]]:
        """The volunteers whose certificate marks the group, with what is wrong with it."""
        return [(m, self.warnings[m.pk]) for m in self.volunteers if m.pk in self.warnings]


def _may_manage(user: User) -> bool:
    return user.is_authenticated and user.has_perm(GROUP_PERMISSION)


def groups_managed_by(*, user: User) -> QuerySet[MatchGroup]:
    """The groups on the offers the coordinator manages."""
    if not _may_manage(user):
        return MatchGroup.objects.none()
    return MatchGroup.objects.filter(offer__in=offers_managed_by(user=user).values("pk"))


def group_managed_get(*, user: User, group_id) -> MatchGroup:
    try:
        return groups_managed_by(user=user).select_related("offer").get(pk=group_id)
    except (MatchGroup.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _host_first():
    return Case(
        When(role=VolunteerRole.HOST, then=Value(0)), default=Value(1), output_field=IntegerField()
    )


def _rosters(groups: list[MatchGroup], *, candidates_for: MatchGroup | None = None):
    """The rosters of `groups`, in a fixed number of queries however many there are. An
    active group shows who is in it now; an ended one who was in it at the end."""
    if not groups:
        return []
    ids = [group.pk for group in groups]
    memberships = list(
        MatchGroupVolunteer.objects.filter(group_id__in=ids)
        .filter(Q(left_at__isnull=True) | Q(group__status=MatchGroupStatus.ENDED))
        .select_related("volunteer")
        .order_by(_host_first(), "joined_at", "pk")
    )
    matches = list(
        Match.objects.filter(group_id__in=ids)
        .filter(Q(status__in=OPEN_MATCH_STATUSES) | Q(group__status=MatchGroupStatus.ENDED))
        .select_related("citizen")
        .order_by("created_at", "pk")
    )
    candidates = []
    if candidates_for is not None:
        candidates = list(
            Match.objects.filter(offer_id=candidates_for.offer_id, status__in=OPEN_MATCH_STATUSES)
            .filter(Q(group__isnull=True) | Q(group__status=MatchGroupStatus.ENDED))
            .select_related("citizen")
            .order_by("created_at", "pk")
        )
    # One read of the consents for everyone the page may show.
    matches_mark_shared(matches + candidates)
    rosters = []
    for group in groups:
        ended_at = group.ended_at
        volunteers = [
            m
            for m in memberships
            if m.group_id == group.pk
            and (m.left_at is None or (ended_at is not None and m.left_at >= ended_at))
        ]
        rosters.append(
            _roster(
                group,
                volunteers,
                citizens=[m for m in matches if m.group_id == group.pk],
                candidates=candidates if group is candidates_for else [],
            )
        )
    return rosters


def _roster(group, volunteers, *, on: date | None = None, **lists) -> GroupRoster:
    """The roster, each volunteer marked with what is wrong with a certificate the group
    needs (`warning`, None when nothing is): only while the group is active."""
    warnings = group_vetting_warnings(
        memberships=volunteers if group.is_active else [],
        in_private_home=group.offer.in_private_home,
        on=on,
    )
    for membership in volunteers:
        membership.warning = warnings.get(membership.pk)
    return GroupRoster(group=group, volunteers=volunteers, warnings=warnings, **lists)


def group_roster(*, group: MatchGroup, with_candidates: bool = False) -> GroupRoster:
    """One group's roster; `with_candidates`: and the offer's matches that could join it."""
    return _rosters([group], candidates_for=group if with_candidates else None)[0]


def offer_group_rosters(*, user: User, offer: Offer) -> list[GroupRoster]:
    """The offer's groups on its coordinator's page, the active ones first."""
    if not _may_manage(user):
        return []
    groups = list(MatchGroup.objects.filter(offer=offer).order_by("status", "-starts_on", "name"))
    for group in groups:
        group.offer = offer
    return _rosters(groups)


def group_default_name(*, offer: Offer) -> str:
    """The name a new group is offered: "Mad og mennesker – hold 3" for the offer's third."""
    number = MatchGroup.objects.filter(offer=offer).count() + 1
    return _("{offer} – group {number}").format(offer=offer.title, number=number)


def group_volunteer_choices(*, user: User, role: str = "") -> QuerySet[Volunteer]:
    """The volunteers the coordinator may put in a group (their own, approved or active);
    `role`: only those who take it."""
    volunteers = volunteers_managed_by(user=user).filter(status__in=MATCHABLE_STATUSES)
    if role:
        volunteers = volunteers.filter(roles__contains=[role])
    return volunteers.order_by("first_name", "last_name", "pk")


def group_current_case_line(*, match: Match, on: date | None = None) -> GroupRoster | None:
    """The group of a citizen's match, for the case page: its name, dates, host and volunteers,
    and a certificate that marks it. None when the match is in no group."""
    if match.group_id is None:
        return None
    group = MatchGroup.objects.select_related("offer").get(pk=match.group_id)
    volunteers = list(
        MatchGroupVolunteer.objects.filter(group=group, left_at__isnull=True)
        .select_related("volunteer")
        .order_by(_host_first(), "joined_at", "pk")
    )
    return _roster(group, volunteers, on=on)
