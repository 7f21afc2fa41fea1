"""Groups on an offer ("hold"): several citizens, volunteers and a host on one activity for a
while. "Mad og mennesker" (seed 003): two volunteers cook in a host's home twice a month for six
months, and the same guests come each time.

A citizen takes part through their own match with the offer (Match.group): the place on the offer
is the match's, held as for anyone (match_propose), and the match's course, its follow-up and the
statistics stay the citizen's own. The group has a size of its own, at most the offer's places.
A volunteer (the host too) takes part through a MatchGroupVolunteer, in one of their roles, and
the group is one of their places (Volunteer.load) while they are in it. Where the group meets in
a private home every volunteer needs a valid certificate to join, as does a meal friend or a
visiting friend anywhere (matching/services/vetting.py); one that runs out later marks the group.

Every service locks the offer's row first, then the group's, then the volunteer's or the
match's: the order match_propose and match_end keep, so they queue instead of deadlocking.
Each change is audited, and told on the case of each citizen in the group, as data
(referrals/events.py).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from matching.models import Match, MatchGroup, MatchGroupStatus, MatchGroupVolunteer
from matching.services.matches import match_end, match_propose
from matching.services.vetting import group_vetting_needed
from offers.constants import OPEN_MATCH_STATUSES, MatchEndReason, OfferStatus
from offers.models import Offer
from referrals.constants import CaseEventAction, CaseEventKind
from referrals.models import Case
from referrals.timeline import case_event_record
from volunteers.constants import HOME_VISIT_ROLES, MATCHABLE_STATUSES, VolunteerRole
from volunteers.models import Volunteer


def _event(*, group: MatchGroup, match: Match, action: str, actor: User | None, **values) -> None:
    """A line on the citizen's case, as data; the sentence is made when it is read."""
    case_event_record(
        case_id=match.case_id,
        kind=CaseEventKind.MATCH,
        actor=actor,
        data={
            "action": action,
            "match": str(match.pk),
            "group": group.name,
            "group_id": str(group.pk),
            "provider": group.offer.title,
            **values,
        },
    )


def _lock(group: MatchGroup) -> MatchGroup:
    """The group's offer, then the group, locked; the group comes with its offer."""
    offer = Offer.objects.select_for_update().get(pk=group.offer_id)
    group = MatchGroup.objects.select_for_update().get(pk=group.pk)
    group.offer = offer
    return group


def _active(group: MatchGroup) -> None:
    if group.status != MatchGroupStatus.ACTIVE:
        raise ValidationError(_("The group has ended."))


def _current_matches(group: MatchGroup):
    """The citizens in the group now: their matches with it that have not ended."""
    return Match.objects.filter(group=group, status__in=OPEN_MATCH_STATUSES)


def _release(volunteer: Volunteer) -> None:
    if volunteer.load:
        volunteer.load -= 1
        volunteer.save(update_fields=["load", "updated_at"])


# --- The group ------------------------------------------------------------------------------------


@transaction.atomic
def group_create(
    *,
    offer: Offer,
    name: str,
    size: int,
    starts_on: date,
    actor: User,
    ends_on: date | None = None,
    rhythm: str = "",
    host: Volunteer | None = None,
) -> MatchGroup:
    """A new group on the offer, with its host if they are a volunteer in Brobyg (a host who is
    not, such as a guest who opens their home, is the offer's host or no one's to record).
    Refused as a whole when the host may not join (group_add_volunteer)."""
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if offer.status != OfferStatus.ACTIVE:
        raise ValidationError({"offer": _("The offer is not active.")})
    if not offer.is_group:
        raise ValidationError({"offer": _("The offer is not for groups.")})
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the group a name.")})
    if size is None or size < 1:
        raise ValidationError({"size": _("A group has room for at least one citizen.")})
    if offer.capacity is not None and size > offer.capacity:
        raise ValidationError(
            {
                "size": _(
                    "The group cannot have more citizens than the offer has places ({places})."
                ).format(places=offer.capacity)
            }
        )
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError({"ends_on": _("The group cannot end before it starts.")})
    if MatchGroup.objects.filter(offer=offer, name=name, status=MatchGroupStatus.ACTIVE).exists():
        raise ValidationError({"name": _("The offer already has an active group of this name.")})
    group = MatchGroup.objects.create(
        offer=offer,
        name=name,
        size=size,
        starts_on=starts_on,
        ends_on=ends_on,
        rhythm=" ".join((rhythm or "").split()),
        created_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=group)
    if host is not None:
        group_add_volunteer(group=group, volunteer=host, role=VolunteerRole.HOST, actor=actor)
    return group


@transaction.atomic
def group_end(
    *,
    group: MatchGroup,
    actor: User | None,
    end_matches: bool = False,
    end_reason: str = "",
    note: str = "",
) -> MatchGroup:
    """The group has ended: its volunteers leave it (and have the place free), and each
    citizen's case is told.

    The citizens' matches go on unless `end_matches` (with an `end_reason`): a match is the
    citizen's course with the offer, and whether it ends, and why — a lasting community, or
    not a fit — is their bridge-builder's judgement, which the outcome statistics count. A
    group coming to its end says neither. Twice is harmless."""
    group = _lock(group)
    if group.status == MatchGroupStatus.ENDED:
        return group
    if end_matches and end_reason not in MatchEndReason.values:
        raise ValidationError({"end_reason": _("Choose why the matches ended.")})
    now = timezone.now()
    group.status = MatchGroupStatus.ENDED
    group.ended_at = now
    group.save(update_fields=["status", "ended_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=group, fields=["status", "ended_at"])
    memberships = list(
        group.volunteer_memberships.filter(left_at__isnull=True).order_by("volunteer_id")
    )
    volunteers = {
        v.pk: v
        for v in Volunteer.objects.select_for_update()
        .filter(pk__in=[m.volunteer_id for m in memberships])
        .order_by("pk")
    }
    for membership in memberships:
        membership.left_at = now
        membership.save(update_fields=["left_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=membership, fields=["left_at"])
        _release(volunteers[membership.volunteer_id])
    for match in _current_matches(group).order_by("created_at", "pk"):
        values = {"reason": end_reason} if end_matches else {}
        _event(group=group, match=match, action=CaseEventAction.GROUP_ENDED, actor=actor, **values)
        if end_matches:
            match_end(match=match, reason=end_reason, actor=actor, note=note)
    return group


# --- Citizens -------------------------------------------------------------------------------------


@transaction.atomic
def group_add_citizen(
    *,
    group: MatchGroup,
    actor: User | None,
    match: Match | None = None,
    case: Case | None = None,
) -> Match:
    """Put a citizen in the group through their open match with the group's offer (proposed,
    said yes, first meeting or active), or, given their case, through the one they have or one
    proposed now, which takes a place on the offer as any proposal does.

    Refused when the group is full (its size, not the offer's places, which the match holds)."""
    if (match is None) == (case is None):
        raise ValidationError(_("Choose the citizen's match or case."))
    group = _lock(group)
    _active(group)
    if match is None:
        match = Match.objects.filter(
            case=case, offer=group.offer, status__in=OPEN_MATCH_STATUSES
        ).first()
    if match is not None:
        match = (
            Match.objects.select_for_update(of=("self",)).select_related("group").get(pk=match.pk)
        )
        _may_join(group, match)
    if _current_matches(group).count() >= group.size:
        raise ValidationError(
            _("The group is full: it has room for {size} citizens.").format(size=group.size)
        )
    if match is None:
        match = match_propose(case=case, offer=group.offer, actor=actor)
    match.group = group
    match.save(update_fields=["group", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=match, fields=["group"])
    _event(group=group, match=match, action=CaseEventAction.GROUP_JOINED, actor=actor)
    return match


def _may_join(group: MatchGroup, match: Match) -> None:
    if match.offer_id != group.offer_id:
        raise ValidationError({"match": _("The match is not with the group's offer.")})
    if match.status not in OPEN_MATCH_STATUSES:
        raise ValidationError({"match": _("The match has ended.")})
    if match.group_id == group.pk:
        raise ValidationError({"match": _("The citizen is already in the group.")})
    if match.group is not None and match.group.status == MatchGroupStatus.ACTIVE:
        raise ValidationError(
            {
                "match": _(
                    "The citizen is in another group on this offer ({group}): take them out of "
                    "it first."
                ).format(group=match.group.name)
            }
        )


@transaction.atomic
def group_remove_citizen(
    *,
    group: MatchGroup,
    match: Match,
    actor: User | None,
    end_reason: str = "",
    note: str = "",
) -> Match:
    """Take a citizen out of the group. Their match with the offer goes on (they may join
    another group on it), unless `end_reason` ends it too, which frees their place."""
    group = _lock(group)
    _active(group)
    match = Match.objects.select_for_update().get(pk=match.pk)
    if match.group_id != group.pk or match.status not in OPEN_MATCH_STATUSES:
        raise ValidationError({"match": _("The citizen is not in the group.")})
    if end_reason and end_reason not in MatchEndReason.values:
        raise ValidationError({"end_reason": _("Choose why the match ended.")})
    match.group = None
    match.save(update_fields=["group", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=match, fields=["group"])
    values = {"reason": end_reason} if end_reason else {}
    _event(group=group, match=match, action=CaseEventAction.GROUP_LEFT, actor=actor, **values)
    if end_reason:
        match = match_end(match=match, reason=end_reason, actor=actor, note=note)
    return match


# --- Volunteers and the host ----------------------------------------------------------------------


def _vetting_refusal(*, role: str, in_private_home: bool) -> str:
    if role == VolunteerRole.HOST:
        return _(
            "The host's certificate is missing or expired: the group cannot meet in their home."
        )
    if in_private_home:
        return _(
            "The volunteer's certificate is missing or expired: the group meets in a private home."
        )
    if role in HOME_VISIT_ROLES:
        return _("The volunteer's certificate is missing or expired: no home visits.")
    return _("The volunteer's certificate is missing or expired.")


def _tell_citizens(*, group: MatchGroup, membership: MatchGroupVolunteer, action: str, actor):
    """Each citizen in the group hears who joined or left it, on their case."""
    for match in _current_matches(group).order_by("created_at", "pk"):
        _event(
            group=group,
            match=match,
            action=action,
            actor=actor,
            name=membership.volunteer.full_name,
            host=membership.is_host,
        )


@transaction.atomic
def group_add_volunteer(
    *, group: MatchGroup, volunteer: Volunteer, role: str, actor: User | None
) -> MatchGroupVolunteer:
    """A volunteer joins the group in one of their roles; a group has one host at a time. The
    group takes one of the volunteer's places."""
    group = _lock(group)
    _active(group)
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.status not in MATCHABLE_STATUSES:
        raise ValidationError({"volunteer": _("The volunteer is not approved or active.")})
    if role not in VolunteerRole.values or role not in volunteer.roles:
        raise ValidationError({"role": _("The volunteer does not take this role.")})
    current = group.volunteer_memberships.filter(left_at__isnull=True)
    if current.filter(volunteer=volunteer).exists():
        raise ValidationError({"volunteer": _("The volunteer is already in the group.")})
    if role == VolunteerRole.HOST and current.filter(role=VolunteerRole.HOST).exists():
        raise ValidationError(
            {"volunteer": _("The group already has a host: take them out of the group first.")}
        )
    in_private_home = group.offer.in_private_home
    if not volunteer.vetting_valid() and group_vetting_needed(
        in_private_home=in_private_home, role=role
    ):
        raise ValidationError(
            {"volunteer": _vetting_refusal(role=role, in_private_home=in_private_home)}
        )
    if volunteer.load >= volunteer.capacity:
        raise ValidationError({"volunteer": _("The volunteer has no room for more citizens.")})
    volunteer.load += 1
    volunteer.save(update_fields=["load", "updated_at"])
    membership = MatchGroupVolunteer.objects.create(
        group=group, volunteer=volunteer, role=role, added_by=actor
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=membership)
    _tell_citizens(
        group=group,
        membership=membership,
        action=CaseEventAction.GROUP_VOLUNTEER_JOINED,
        actor=actor,
    )
    return membership


@transaction.atomic
def group_remove_volunteer(
    *, membership: MatchGroupVolunteer, actor: User | None
) -> MatchGroupVolunteer:
    """The volunteer leaves the group, and has the place free. Twice is harmless."""
    group = _lock(membership.group)
    volunteer = Volunteer.objects.select_for_update().get(pk=membership.volunteer_id)
    membership = MatchGroupVolunteer.objects.select_for_update().get(pk=membership.pk)
    if membership.left_at is not None:
        return membership
    membership.volunteer = volunteer
    membership.left_at = timezone.now()
    membership.save(update_fields=["left_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=membership, fields=["left_at"])
    _release(volunteer)
    _tell_citizens(
        group=group,
        membership=membership,
        action=CaseEventAction.GROUP_VOLUNTEER_LEFT,
        actor=actor,
    )
    return membership
