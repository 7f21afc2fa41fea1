"""Matches: from the proposal through the first meeting to the end, each step on the case's
timeline, and the citizen's wishes for matching."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from core.slots import clean_slots
from core.validators import clean_choice_list
from followups.constants import TaskKind, TaskOrigin
from followups.models import Task
from followups.services import task_create, task_plan_create, tasks_end_for_match
from matching.constants import MATCH_TRANSITIONS, ProviderResponse
from matching.models import Match, MatchProfile
from matching.services.vetting import vetting_needed_for
from matching.services.waiting_list import (
    offer_waiting_list_claim_place,
    offer_waiting_list_fill_places,
)
from offers.constants import (
    ActivityKind,
    Interest,
    MatchEndReason,
    MatchStatus,
    OfferStatus,
    TargetGroup,
)
from offers.models import Offer
from referrals.constants import (
    CASE_TRANSITIONS,
    CITIZEN_LANGUAGES,
    CaseEventAction,
    CaseEventKind,
    CaseStatus,
)
from referrals.models import Case, Citizen
from referrals.services import case_change_status
from referrals.timeline import case_event_record
from volunteers.constants import HOME_VISIT_ROLES, MATCHABLE_STATUSES
from volunteers.models import Volunteer, VolunteerRequest
from volunteers.services import volunteer_request_close

# --- Matches ------------------------------------------------------------------------------------


def _match_event(*, match: Match, actor: User | None, action: str, provider=None, **values) -> None:
    """A line on the case's timeline: what happened and with whom, as data; the sentence is
    made when the timeline is read, in the reader's language (referrals/events.py)."""
    case_event_record(
        case_id=match.case_id,
        kind=CaseEventKind.MATCH,
        actor=actor,
        data={
            "action": action,
            "match": str(match.pk),
            "provider": str(provider or match.provider),
            **values,
        },
    )


def _lock_provider(match: Match):
    """Lock the offer or volunteer row before the match: always in this order, so two
    transactions on the same provider queue up instead of deadlocking."""
    if match.offer_id:
        return Offer.objects.select_for_update().get(pk=match.offer_id)
    return Volunteer.objects.select_for_update().get(pk=match.volunteer_id)


def _release_place(provider) -> None:
    if isinstance(provider, Offer):
        if provider.places_taken:
            provider.places_taken -= 1
            provider.save(update_fields=["places_taken", "updated_at"])
            # The freed place goes to the first on the offer's waiting list.
            offer_waiting_list_fill_places(offer=provider)
    elif provider.load:
        provider.load -= 1
        provider.save(update_fields=["load", "updated_at"])


def _match_transition(match: Match, status: str) -> None:
    if status not in MATCH_TRANSITIONS[match.status]:
        raise ValidationError(
            {
                "status": _("A match cannot go from “{old}” to “{new}”.").format(
                    old=match.get_status_display(), new=MatchStatus(status).label
                )
            }
        )


def _advance_case(*, case: Case, to: str, actor: User) -> None:
    path = {
        CaseStatus.MATCHING: [CaseStatus.CONTACTED, CaseStatus.SCREENING, CaseStatus.MATCHING],
        CaseStatus.FOLLOWING_UP: [CaseStatus.MATCHING, CaseStatus.FOLLOWING_UP],
    }[to]
    case.refresh_from_db(fields=["status"])
    for step in path:
        if case.status == to:
            break  # there already: a step back along the path would only come forward again
        if case.status != step and step in CASE_TRANSITIONS.get(case.status, set()):
            case = case_change_status(case=case, status=step, actor=actor)


@transaction.atomic
def match_propose(
    *,
    case: Case,
    actor: User,
    offer: Offer | None = None,
    volunteer: Volunteer | None = None,
    role: str = "",
    score: float | None = None,
    reasons: list[str] | None = None,
) -> Match:
    """Propose an offer or a volunteer to the citizen, holding a place for them.

    The offer's places and the volunteer's load change in this transaction, under a row lock:
    two bridge-builders taking the last place at the same moment queue on the lock, and the
    second sees it gone."""
    if (offer is None) == (volunteer is None):
        raise ValidationError(_("Propose an offer or a volunteer."))
    if case.status == CaseStatus.CLOSED:
        raise ValidationError({"case": _("The case is closed.")})
    if offer is not None:
        provider = Offer.objects.select_for_update().get(pk=offer.pk)
        if provider.status != OfferStatus.ACTIVE:
            raise ValidationError({"offer": _("The offer is not active.")})
        if provider.is_full:
            raise ValidationError({"offer": _("The offer has no places left.")})
        # A free place held for someone on the waiting list is not this citizen's to take.
        offer_waiting_list_claim_place(offer=provider, case=case, actor=actor)
        provider.places_taken += 1
        provider.save(update_fields=["places_taken", "updated_at"])
        existing = Q(offer=provider)
        role = ""
    else:
        provider = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
        if provider.status not in MATCHABLE_STATUSES:
            raise ValidationError({"volunteer": _("The volunteer is not approved or active.")})
        role = role or (provider.roles[0] if provider.roles else "")
        if role not in provider.roles:
            raise ValidationError({"role": _("The volunteer does not take this role.")})
        if not provider.vetting_valid() and vetting_needed_for(
            citizen_id=case.citizen_id, role=role
        ):
            raise ValidationError(
                {
                    "volunteer": _(
                        "The volunteer's certificate is missing or expired: no home visits."
                    )
                    if role in HOME_VISIT_ROLES
                    else _(
                        "The volunteer's certificate is missing or expired: they cannot go "
                        "along to an offer in a private home."
                    )
                }
            )
        if provider.load >= provider.capacity:
            raise ValidationError({"volunteer": _("The volunteer has no room for more citizens.")})
        provider.load += 1
        provider.save(update_fields=["load", "updated_at"])
        existing = Q(volunteer=provider)
    if (
        Match.objects.filter(existing, citizen_id=case.citizen_id)
        .exclude(status=MatchStatus.ENDED)
        .exists()
    ):
        raise ValidationError(_("The citizen already has this match."))
    match = Match.objects.create(
        citizen_id=case.citizen_id,
        case=case,
        offer=provider if offer is not None else None,
        volunteer=provider if volunteer is not None else None,
        volunteer_role=role,
        score=score,
        reasons=list(reasons or []),
        proposed_by=actor,
    )
    _match_event(match=match, actor=actor, action=CaseEventAction.MATCH_PROPOSED, provider=provider)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=match)
    _advance_case(case=case, to=CaseStatus.MATCHING, actor=actor)
    return match


def _lock_match(match: Match) -> tuple[Match, object]:
    provider = _lock_provider(match)
    return Match.objects.select_for_update().get(pk=match.pk), provider


@transaction.atomic
def match_accept(*, match: Match, actor: User) -> Match:
    """The citizen said yes."""
    match, _provider = _lock_match(match)
    _match_transition(match, MatchStatus.ACCEPTED)
    match.status = MatchStatus.ACCEPTED
    match.accepted_at = timezone.now()
    match.save(update_fields=["status", "accepted_at", "updated_at"])
    _match_event(match=match, actor=actor, action=CaseEventAction.MATCH_ACCEPTED)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=match, fields=["status"])
    return match


@transaction.atomic
def match_plan_first_meeting(
    *,
    match: Match,
    at: datetime,
    actor: User,
    accompaniment: bool = False,
    accompanied_by: str = "",
) -> Match:
    """When they meet the first time, and who goes along (følgeskab)."""
    match, _provider = _lock_match(match)
    _match_transition(match, MatchStatus.FIRST_MEETING)
    if at < timezone.now() - timedelta(days=30):
        raise ValidationError({"first_meeting_at": _("The first meeting is too far back.")})
    if accompaniment and not accompanied_by.strip():
        raise ValidationError({"accompanied_by": _("Say who goes along.")})
    match.status = MatchStatus.FIRST_MEETING
    match.first_meeting_at = at
    match.accompaniment = accompaniment
    match.accompanied_by = accompanied_by.strip() if accompaniment else ""
    match.save(
        update_fields=[
            "status",
            "first_meeting_at",
            "accompaniment",
            "accompanied_by",
            "updated_at",
        ]
    )
    _match_event(
        match=match,
        actor=actor,
        action=CaseEventAction.FIRST_MEETING_PLANNED,
        at=at.isoformat(),
    )
    case = Case.objects.select_related("citizen", "team").get(pk=match.case_id)
    due = timezone.localdate(at) + timedelta(days=1)
    # Moving the meeting moves the call after it; it is never made twice.
    moved = Task.objects.filter(
        match=match, kind=TaskKind.CHECK_FIRST_MEETING, done_at__isnull=True
    ).update(due=due, updated_at=timezone.now())
    if not moved:
        task_create(
            citizen=case.citizen,
            case=case,
            team=case.team,
            assignee=case.assignee or actor,
            actor=actor,
            kind=TaskKind.CHECK_FIRST_MEETING,
            data={"origin": TaskOrigin.FIRST_MEETING_CHECK, "provider": str(match.provider)},
            due=due,
            match=match,
        )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=match,
        fields=["status", "first_meeting_at", "accompaniment", "accompanied_by"],
    )
    return match


@transaction.atomic
def match_respond(*, match: Match, confirmed: bool, actor: User, note: str = "") -> Match:
    """The offer's coordinator or the volunteer answers the request. A no ends the match."""
    match, provider = _lock_match(match)
    if match.status == MatchStatus.ENDED:
        raise ValidationError({"status": _("The match has ended.")})
    if match.status == MatchStatus.ACTIVE:
        # The citizen came to the first meeting: the request was answered by the meeting.
        raise ValidationError({"status": _("The match is under way: there is nothing to answer.")})
    match.provider_response = ProviderResponse.CONFIRMED if confirmed else ProviderResponse.DECLINED
    match.responded_by = actor
    match.responded_at = timezone.now()
    fields = ["provider_response", "responded_by", "responded_at"]
    if not confirmed:
        if not note.strip():
            raise ValidationError({"note": _("Say why, so the bridge-builder can find another.")})
        match.status = MatchStatus.ENDED
        match.ended_at = timezone.now()
        match.end_reason = MatchEndReason.PROVIDER_DECLINED
        match.end_note = note.strip()
        fields += ["status", "ended_at", "end_reason", "end_note"]
        _release_place(provider)
    match.save(update_fields=[*fields, "updated_at"])
    _match_event(
        match=match,
        actor=actor,
        action=CaseEventAction.MATCH_CONFIRMED if confirmed else CaseEventAction.MATCH_DECLINED,
        provider=provider,
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=match, fields=fields)
    return match


def first_meeting_outcome_open(match: Match, *, today: date | None = None) -> bool:
    """Whether the citizen's coming to the first meeting can be recorded now: the meeting is
    planned and its day has come. The pages offer the buttons by this rule, and
    match_record_first_meeting refuses by it."""
    if match.status != MatchStatus.FIRST_MEETING:
        return False
    if match.first_meeting_at is None:
        return True
    return timezone.localdate(match.first_meeting_at) <= (today or timezone.localdate())


@transaction.atomic
def match_record_first_meeting(*, match: Match, came: bool, actor: User, note: str = "") -> Match:
    """After the first meeting: did the citizen come? Yes makes the match active. Not before
    the meeting's day: whether someone came to a meeting still ahead cannot be known."""
    match, provider = _lock_match(match)
    if match.status != MatchStatus.FIRST_MEETING:
        raise ValidationError({"status": _("No first meeting is planned.")})
    if not first_meeting_outcome_open(match):
        day = formats.date_format(timezone.localdate(match.first_meeting_at), "SHORT_DATE_FORMAT")
        raise ValidationError(
            {
                "first_meeting_at": _(
                    "The first meeting is on {date}. Whether the citizen came can be recorded "
                    "from that day."
                ).format(date=day)
            }
        )
    case = Case.objects.select_related("citizen", "team", "assignee").get(pk=match.case_id)
    if came:
        match.status = MatchStatus.ACTIVE
        match.activated_at = timezone.now()
        match.save(update_fields=["status", "activated_at", "updated_at"])
        if match.volunteer_id:
            for request in VolunteerRequest.objects.filter(
                citizen_id=match.citizen_id, role=match.volunteer_role, closed_at__isnull=True
            ):
                volunteer_request_close(request=request, actor=actor, match=match)
        _match_event(
            match=match,
            actor=actor,
            action=CaseEventAction.FIRST_MEETING_HELD,
            provider=provider,
        )
        # The follow-up plan counts from the day they met: a week, four weeks, three months.
        task_plan_create(
            citizen=case.citizen,
            case=case,
            team=case.team,
            assignee=case.assignee,
            first_meeting_on=timezone.localdate(match.first_meeting_at or timezone.now()),
            actor=actor,
            match=match,
        )
        _advance_case(case=case, to=CaseStatus.FOLLOWING_UP, actor=actor)
    else:
        # Back to "said yes", so a new first meeting can be planned; someone calls to hear why.
        match.status = MatchStatus.ACCEPTED
        match.save(update_fields=["status", "updated_at"])
        _match_event(
            match=match,
            actor=actor,
            action=CaseEventAction.FIRST_MEETING_MISSED,
            provider=provider,
        )
        task_create(
            citizen=case.citizen,
            case=case,
            team=case.team,
            assignee=case.assignee,
            actor=actor,
            kind=TaskKind.AFTER_MISSED_SESSION,
            data={"origin": TaskOrigin.MISSED_FIRST_MEETING, "provider": str(provider)},
            due=timezone.localdate(),
            match=match,
        )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=match, fields=["status"])
    return match


@transaction.atomic
def match_end(*, match: Match, reason: str, actor: User, note: str = "") -> Match:
    match, provider = _lock_match(match)
    if match.status == MatchStatus.ENDED:
        return match
    if reason not in MatchEndReason.values:
        raise ValidationError({"end_reason": _("Choose why the match ended.")})
    match.status = MatchStatus.ENDED
    match.ended_at = timezone.now()
    match.end_reason = reason
    match.end_note = note.strip()
    match.save(update_fields=["status", "ended_at", "end_reason", "end_note", "updated_at"])
    _release_place(provider)
    _match_event(
        match=match,
        actor=actor,
        action=CaseEventAction.MATCH_ENDED,
        provider=provider,
        reason=reason,
    )
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=match, fields=["status", "end_reason"])
    # Its first meeting's check and follow-up plan end with it.
    tasks_end_for_match(match_id=match.pk, actor=actor)
    return match


@transaction.atomic
def match_profile_save(*, citizen: Citizen, data: dict, actor: User) -> MatchProfile:
    """What the citizen would like, when they are free, how far they will go, and who has
    arranged what the citizen cannot do alone (a lift, someone to go along, an interpreter)."""
    allowed = {
        "interests": set(Interest.values),
        "activity_kinds": set(ActivityKind.values),
        "target_groups": set(TargetGroup.values),
        "other_languages": {code for code, _label in CITIZEN_LANGUAGES},
    }
    arranged = ["companion_arranged_by", "transport_arranged_by", "language_help_arranged_by"]
    unknown = set(data) - {
        *allowed,
        *arranged,
        "slots",
        "wishes",
        "max_distance_km",
        "wants_company_of_others",
        "accepts_remote",
        "needs_companion",
    }
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    data = dict(data)
    for name in arranged:
        if name in data:
            data[name] = " ".join(str(data[name] or "").split())[:200]
    for name, values in allowed.items():
        if name in data:
            data[name] = clean_choice_list(data[name], values, name)
    if "slots" in data:
        try:
            data["slots"] = clean_slots(data["slots"])
        except (TypeError, ValueError):
            raise ValidationError({"slots": _("Unknown time of the week.")}) from None
    distance = data.get("max_distance_km")
    if distance is not None and not 1 <= int(distance) <= 200:
        raise ValidationError({"max_distance_km": _("Give a distance from 1 to 200 km.")})
    profile, created = MatchProfile.objects.select_for_update().get_or_create(citizen=citizen)
    changed = [f for f, v in data.items() if getattr(profile, f) != v]
    for name in changed:
        setattr(profile, name, data[name])
    if changed:
        profile.save(update_fields=[*changed, "updated_at"])
    if changed or created:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE if created else AuditAction.UPDATE,
            obj=profile,
            fields=[] if created else changed,
        )
    return profile
