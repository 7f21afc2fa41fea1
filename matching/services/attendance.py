"""Attendance at an offer's sessions, and the first meeting confirmed by the provider's link."""

import uuid
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from followups.constants import TaskKind, TaskOrigin
from followups.models import Task
from followups.services import task_create
from matching.models import Attendance, Match
from matching.services.matches import match_record_first_meeting
from offers.constants import MatchStatus
from offers.models import Offer, OfferSession
from offers.schedules import possible_meeting_dates

# --- Attendance ---------------------------------------------------------------------------------


@transaction.atomic
def session_record_attendance(
    *, offer: Offer, on: date, attended: dict, actor: User
) -> OfferSession:
    """Who came to one session. Each citizen who missed it gets a follow-up call, once.

    `attended` maps match ids to True (came) or False (did not). Recording again corrects it."""
    _refuse_unless_meeting(offer=offer, on=on)
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
    # A match that ended after the list was opened (its case was closed) is left out: nobody
    # follows it up any more, and its citizen is no longer the offer's to record.
    ended = _ended_since(offer=offer, ids=set(map(str, attended)) - set(matches))
    unknown = set(map(str, attended)) - set(matches) - ended
    if unknown:
        raise ValidationError({"attended": _("Someone on the list is not matched to the offer.")})
    attended = {key: came for key, came in attended.items() if str(key) not in ended}
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


def _refuse_unless_meeting(*, offer: Offer, on: date) -> None:
    """Attendance is for a day the offer meets (offers/schedules.py), or for a session already
    recorded, which may be corrected after the meeting time has moved."""
    if possible_meeting_dates(offer.schedules.all(), on, on):
        return
    if OfferSession.objects.filter(offer=offer, date=on).exists():
        return
    if not offer.schedules.exists():
        raise ValidationError(
            {"date": _("The offer has no meeting times: give them on the offer first.")}
        )
    raise ValidationError(
        {
            "date": _("The offer does not meet on {date}.").format(
                date=formats.date_format(on, "j.n.Y")
            )
        }
    )


def _ended_since(*, offer: Offer, ids: set[str]) -> set[str]:
    """Those of `ids` that are the offer's ended matches."""
    valid = []
    for value in ids:
        try:
            valid.append(uuid.UUID(value))
        except ValueError:
            continue
    if not valid:
        return set()
    return {
        str(pk)
        for pk in Match.objects.filter(
            offer=offer, pk__in=valid, status=MatchStatus.ENDED
        ).values_list("pk", flat=True)
    }


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
