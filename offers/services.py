"""Every change to offers: create, edit, schedules, pause, archive, confirm, and attendance."""

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Team, User
from audit.constants import AuditAction
from audit.services import audit_record
from followups.constants import TaskKind, TaskOrigin
from followups.models import Task
from followups.services import task_create, task_plan_create
from offers.constants import (
    MATCH_TRANSITIONS,
    ActivityKind,
    Frequency,
    Interest,
    MatchEndReason,
    MatchStatus,
    OfferStatus,
    PriceKind,
    ProviderResponse,
    Strategy,
    TargetGroup,
)
from offers.models import (
    Attendance,
    Match,
    MatchProfile,
    Offer,
    OfferSchedule,
    OfferSession,
    OrganisationContact,
    UnmetNeed,
)
from offers.slots import clean_slots, slot_for
from places.geocoding import geocode
from referrals.constants import (
    CASE_TRANSITIONS,
    CITIZEN_LANGUAGES,
    CaseEventAction,
    CaseEventKind,
    CaseStatus,
)
from referrals.models import Case, CaseEvent, Citizen, postcode_validator
from referrals.services import case_change_status
from volunteers.constants import HOME_VISIT_ROLES, MATCHABLE_STATUSES
from volunteers.models import Volunteer, VolunteerRequest

OFFER_FIELDS = [
    "title",
    "description",
    "strategy",
    "activity_kinds",
    "interests",
    "target_groups",
    "age_min",
    "age_max",
    "is_group",
    "is_remote",
    "address",
    "postcode",
    "city",
    "capacity",
    "price_kind",
    "price_amount",
    "price_note",
    "fritidspas",
    "wheelchair_accessible",
    "hearing_loop",
    "accessibility_note",
    "transport_offered",
    "transport_note",
    "languages",
    "host_name",
    "host_phone",
    "host_note",
    "accompaniment_possible",
    "contact_email",
    "contact_phone",
    "website",
    "is_public",
]

_LIST_CHOICES = {
    "activity_kinds": set(ActivityKind.values),
    "interests": set(Interest.values),
    "target_groups": set(TargetGroup.values),
    "languages": {code for code, _label in CITIZEN_LANGUAGES},
}


def clean_choice_list(values, allowed: set, field: str) -> list[str]:
    values = list(dict.fromkeys(values or []))
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError(
            {field: _("Unknown value: {values}.").format(values=", ".join(map(str, unknown)))}
        )
    return values


def _clean_offer_data(data: dict, *, instance: Offer | None = None) -> dict:
    unknown = set(data) - set(OFFER_FIELDS)
    if unknown:
        raise ValueError(f"not offer fields: {sorted(unknown)}")
    data = dict(data)
    for field, allowed in _LIST_CHOICES.items():
        if field in data:
            data[field] = clean_choice_list(data[field], allowed, field)
    if "strategy" in data and data["strategy"] not in Strategy.values:
        raise ValidationError({"strategy": _("Choose one of the intervention strategies.")})
    if "price_kind" in data and data["price_kind"] not in PriceKind.values:
        raise ValidationError({"price_kind": _("Choose free or a price.")})
    merged = {f: getattr(instance, f) for f in OFFER_FIELDS} if instance else {}
    merged.update(data)
    if not (merged.get("title") or "").strip():
        raise ValidationError({"title": _("Give the offer a title.")})
    if not (merged.get("description") or "").strip():
        raise ValidationError({"description": _("Describe the offer in a few sentences.")})
    age_min, age_max = merged.get("age_min"), merged.get("age_max")
    if age_min is not None and age_max is not None and age_min > age_max:
        raise ValidationError({"age_max": _("The oldest age must not be below the youngest.")})
    if merged.get("price_kind") == PriceKind.PAID and merged.get("price_amount") in (None, ""):
        raise ValidationError({"price_amount": _("Give the price, or mark the offer free.")})
    if not merged.get("is_remote") and not merged.get("postcode"):
        raise ValidationError(
            {"postcode": _("Give the postcode where it takes place, or mark it by phone/online.")}
        )
    capacity = merged.get("capacity")
    if instance is not None and capacity is not None and capacity < instance.places_taken:
        raise ValidationError(
            {
                "capacity": _(
                    "{taken} places are already taken: the offer cannot have fewer."
                ).format(taken=instance.places_taken)
            }
        )
    return data


def _locate(offer: Offer) -> None:
    point = geocode(address=offer.address, postcode=offer.postcode)
    offer.latitude, offer.longitude = point if point else (None, None)


@transaction.atomic
def offer_create(
    *,
    organisation: Organisation,
    data: dict,
    actor: User | None,
    team: Team | None = None,
    schedules: list[dict] | None = None,
) -> Offer:
    data = _clean_offer_data(data)
    offer = Offer(organisation=organisation, team=team, **data)
    if not offer.is_remote or offer.postcode:
        _locate(offer)
    offer.full_clean(exclude=["weekdays", "slots"])
    offer.save()
    if schedules:
        offer_set_schedules(offer=offer, schedules=schedules, actor=None)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=offer)
    return offer


@transaction.atomic
def offer_update(*, offer: Offer, data: dict, actor: User) -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    data = _clean_offer_data(data, instance=offer)
    changed = [f for f, v in data.items() if getattr(offer, f) != v]
    for field in changed:
        setattr(offer, field, data[field])
    update_fields = [*changed]
    if {"address", "postcode"} & set(changed):
        _locate(offer)
        update_fields += ["latitude", "longitude"]
    if changed:
        offer.full_clean(exclude=["weekdays", "slots"])
        offer.save(update_fields=[*update_fields, "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=changed)
    return offer


def _clean_schedule(row: dict, number: int) -> OfferSchedule:
    frequency = row.get("frequency")
    if frequency not in Frequency.values:
        raise ValidationError({"schedules": _("Meeting {n}: say how often.").format(n=number)})
    starts_at = row.get("starts_at")
    if not isinstance(starts_at, time):
        raise ValidationError({"schedules": _("Meeting {n}: give a start time.").format(n=number)})
    ends_at = row.get("ends_at")
    if ends_at is not None and ends_at <= starts_at:
        raise ValidationError(
            {"schedules": _("Meeting {n}: it must end after it starts.").format(n=number)}
        )
    weekday = row.get("weekday")
    on = row.get("date")
    if frequency == Frequency.ONCE:
        if not isinstance(on, date):
            raise ValidationError({"schedules": _("Meeting {n}: give the date.").format(n=number)})
        weekday = None
    elif weekday not in range(7):
        raise ValidationError({"schedules": _("Meeting {n}: give the weekday.").format(n=number)})
    week_of_month = row.get("week_of_month") if frequency == Frequency.MONTHLY else None
    if week_of_month is not None and week_of_month not in (-1, 1, 2, 3, 4):
        raise ValidationError(
            {"schedules": _("Meeting {n}: the week of the month is 1–4 or last.").format(n=number)}
        )
    return OfferSchedule(
        frequency=frequency,
        weekday=weekday,
        week_of_month=week_of_month,
        date=on if frequency == Frequency.ONCE else None,
        starts_at=starts_at,
        ends_at=ends_at,
        valid_from=row.get("valid_from"),
        valid_until=row.get("valid_until"),
    )


def schedule_days_and_slots(schedules) -> tuple[list[int], list[int]]:
    weekdays, slots = set(), set()
    for schedule in schedules:
        day = schedule.weekday if schedule.date is None else schedule.date.weekday()
        weekdays.add(day)
        slots.add(slot_for(day, schedule.starts_at))
    return sorted(weekdays), sorted(slots)


@transaction.atomic
def offer_set_schedules(*, offer: Offer, schedules: list[dict], actor: User | None) -> Offer:
    """Replace the offer's meeting times, and the weekdays and slots matching filters on."""
    rows = [_clean_schedule(row, n) for n, row in enumerate(schedules, start=1)]
    offer.schedules.all().delete()
    for row in rows:
        row.offer = offer
    OfferSchedule.objects.bulk_create(rows)
    offer.weekdays, offer.slots = schedule_days_and_slots(rows)
    offer.save(update_fields=["weekdays", "slots", "updated_at"])
    if actor is not None:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=["schedules"])
    return offer


_STATUS_STEPS = {
    OfferStatus.ACTIVE: {OfferStatus.PAUSED, OfferStatus.ARCHIVED},
    OfferStatus.PAUSED: {OfferStatus.ACTIVE, OfferStatus.ARCHIVED},
    OfferStatus.ARCHIVED: {OfferStatus.ACTIVE},
}


@transaction.atomic
def offer_set_status(*, offer: Offer, status: str, actor: User) -> Offer:
    offer = Offer.objects.select_for_update().get(pk=offer.pk)
    if status == offer.status:
        return offer
    if status not in _STATUS_STEPS.get(offer.status, set()):
        raise ValidationError({"status": _("The offer cannot go from this status to that.")})
    offer.status = status
    offer.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=["status"])
    return offer


@transaction.atomic
def offer_confirm(*, offer: Offer, actor: User) -> Offer:
    """The coordinator has checked that the offer is still as described."""
    offer.last_confirmed_on = timezone.localdate()
    offer.save(update_fields=["last_confirmed_on", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=offer, fields=["last_confirmed_on"])
    return offer


@transaction.atomic
def organisation_contact_add(
    *, organisation: Organisation, name: str, actor: User, title="", email="", phone=""
) -> OrganisationContact:
    if not name.strip():
        raise ValidationError({"name": _("Give the contact person's name.")})
    contact = OrganisationContact.objects.create(
        organisation=organisation, name=name.strip(), title=title, email=email, phone=phone
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=contact)
    return contact


# --- Matches ------------------------------------------------------------------------------------


def _match_event(*, match: Match, actor: User | None, action: str, provider=None, **values) -> None:
    """A line on the case's timeline: what happened and with whom, as data; the sentence is
    made when the timeline is read, in the reader's language (referrals/events.py)."""
    CaseEvent.objects.create(
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
        if role in HOME_VISIT_ROLES and not provider.vetting_valid():
            raise ValidationError(
                {
                    "volunteer": _(
                        "The volunteer's certificate is missing or expired: no home visits."
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


@transaction.atomic
def match_record_first_meeting(*, match: Match, came: bool, actor: User, note: str = "") -> Match:
    """After the first meeting: did the citizen come? Yes makes the match active."""
    match, provider = _lock_match(match)
    if match.status != MatchStatus.FIRST_MEETING:
        raise ValidationError({"status": _("No first meeting is planned.")})
    case = Case.objects.select_related("citizen", "team", "assignee").get(pk=match.case_id)
    if came:
        match.status = MatchStatus.ACTIVE
        match.activated_at = timezone.now()
        match.save(update_fields=["status", "activated_at", "updated_at"])
        if match.volunteer_id:
            # volunteers.services builds on this module's validators: imported here, not above.
            from volunteers.services import volunteer_request_close

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
    return match


@transaction.atomic
def match_profile_save(*, citizen: Citizen, data: dict, actor: User) -> MatchProfile:
    """What the citizen would like, when they are free, how far they will go."""
    allowed = {
        "interests": set(Interest.values),
        "activity_kinds": set(ActivityKind.values),
        "target_groups": set(TargetGroup.values),
        "other_languages": {code for code, _label in CITIZEN_LANGUAGES},
    }
    unknown = set(data) - {
        *allowed,
        "slots",
        "wishes",
        "max_distance_km",
        "wants_company_of_others",
        "accepts_remote",
    }
    if unknown:
        raise ValueError(f"not profile fields: {sorted(unknown)}")
    data = dict(data)
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


# --- Attendance ---------------------------------------------------------------------------------


@transaction.atomic
def session_record_attendance(
    *, offer: Offer, on: date, attended: dict, actor: User
) -> OfferSession:
    """Who came to one session. Each citizen who missed it gets a follow-up call, once.

    `attended` maps match ids to True (came) or False (did not). Recording again corrects it."""
    if on > timezone.localdate():
        raise ValidationError({"date": _("Attendance is recorded after the session.")})
    session, _created = OfferSession.objects.get_or_create(
        offer=offer, date=on, defaults={"recorded_by": actor}
    )
    matches = {
        str(m.pk): m
        for m in Match.objects.filter(
            offer=offer, status__in=[MatchStatus.FIRST_MEETING, MatchStatus.ACTIVE]
        ).select_related("case__citizen", "case__team", "case__assignee")
    }
    unknown = set(map(str, attended)) - set(matches)
    if unknown:
        raise ValidationError({"attended": _("Someone on the list is not matched to the offer.")})
    previous = {
        str(a.match_id): a for a in Attendance.objects.filter(session=session, match_id__in=matches)
    }
    for match_id, came in attended.items():
        match = matches[str(match_id)]
        row = previous.get(str(match_id))
        if row is None:
            row = Attendance.objects.create(session=session, match=match, attended=bool(came))
            audit_record(actor=actor, action=AuditAction.CREATE, obj=row)
        elif row.attended != bool(came):
            row.attended = bool(came)
            row.save(update_fields=["attended", "updated_at"])
            audit_record(actor=actor, action=AuditAction.UPDATE, obj=row, fields=["attended"])
        if not came:
            _missed_session_task(match=match, session=session, actor=actor)
    return session


def _missed_session_task(*, match: Match, session: OfferSession, actor: User) -> None:
    """One call per missed session, found by the session it is about (whatever language the
    attendance was recorded in)."""
    if Task.objects.filter(
        match=match,
        kind=TaskKind.AFTER_MISSED_SESSION,
        data__origin=TaskOrigin.MISSED_SESSION,
        data__session=str(session.pk),
    ).exists():
        return
    case = match.case
    task_create(
        citizen=case.citizen,
        case=case,
        team=case.team,
        assignee=case.assignee,
        actor=actor,
        kind=TaskKind.AFTER_MISSED_SESSION,
        data={
            "origin": TaskOrigin.MISSED_SESSION,
            "session": str(session.pk),
            "offer": session.offer.title,
            "date": session.date.isoformat(),
        },
        due=timezone.localdate() + timedelta(days=1),
        match=match,
    )


@transaction.atomic
def match_confirm_by_link(*, match: Match, came: bool) -> Match:
    """The offer or volunteer answered through the e-mailed link: spend the link, record it."""
    locked = Match.objects.select_for_update().get(pk=match.pk)
    if locked.confirmation_answered_at is not None:
        raise ValidationError(_("Thank you, this has already been answered."))
    locked.confirmation_answered_at = timezone.now()
    locked.save(update_fields=["confirmation_answered_at", "updated_at"])
    return match_record_first_meeting(match=locked, came=came, actor=None)


# --- Unmet needs ----------------------------------------------------------------------------------

UNMET_NEED_WANTED_MAX = UnmetNeed._meta.get_field("wanted").max_length


@transaction.atomic
def unmet_need_record(
    *, case: Case, category: str, wanted: str, actor: User, postcode: str = ""
) -> UnmetNeed:
    """No fitting offer exists: what the citizen wanted, the kind of offer, and the area where it
    is missing (the citizen's own postcode unless another is given)."""
    wanted = (wanted or "").strip()
    postcode = (postcode or "").strip()
    errors = {}
    if category not in ActivityKind.values:
        errors["category"] = _("Choose the kind of offer that is missing.")
    if not wanted:
        errors["wanted"] = _("Write in a few words what the citizen would like.")
    elif len(wanted) > UNMET_NEED_WANTED_MAX:
        errors["wanted"] = _("Write it in at most %(max)s characters.") % {
            "max": UNMET_NEED_WANTED_MAX
        }
    if postcode:
        try:
            postcode_validator(postcode)
        except ValidationError as exc:
            errors["postcode"] = exc.messages
    if errors:
        raise ValidationError(errors)
    # The case's row, locked: a need is never recorded on a case being closed at this moment.
    locked = Case.objects.select_for_update().get(pk=case.pk)
    if not locked.is_open:
        raise ValidationError(_("The case is closed: a need is recorded on an open case."))
    need = UnmetNeed.objects.create(
        case=case,
        category=category,
        wanted=wanted,
        postcode=postcode or case.citizen.postcode,
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=need)
    return need


@transaction.atomic
def unmet_need_mark_met(*, need: UnmetNeed, actor: User) -> UnmetNeed:
    """An offer came (or another way was found): the need is no longer open."""
    locked = UnmetNeed.objects.select_for_update().select_related("case").get(pk=need.pk)
    if locked.met_at is not None:
        raise ValidationError(_("The need is already marked met."))
    locked.met_at, locked.met_by = timezone.now(), actor
    locked.save(update_fields=["met_at", "met_by", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, fields=["met_at", "met_by"])
    return locked
