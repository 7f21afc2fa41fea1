"""Recurring contact on a running match: the agreement, the volunteer's link, and each contact
logged, by the volunteer or host through the link or by a person in Brobyg.

A concern goes to the case's bridge-builder as a task at once. Agreed contacts missed
BROBYG_CONTACT_MISSED_IN_A_ROW times in a row (an agreed date nobody logged counts once
matching.contact.GRACE_DAYS have passed) make one follow-up task per run of misses: after each log,
and daily for the runs nobody logs (matching/tasks.py). The dates and the link are in
matching/contact.py.
"""

from datetime import date, time, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from core.validators import LONG_TEXT_MAX, strip_nul
from followups.constants import TaskKind, TaskOrigin
from followups.models import Task
from followups.services import task_create
from matching.contact import (
    RUNNING,
    agreed_dates,
    agreement_dates,
    contact_link_url,
    match_takes_agreement,
    missed_run,
)
from matching.models import (
    ContactAgreement,
    ContactChannel,
    ContactLogEntry,
    ContactOutcome,
    ContactRhythm,
    Match,
)
from matching.selectors import match_provider_may_see_citizen
from referrals.models import Case

# How far back an agreement may start, and how long its topics and concern may be.
AGREEMENT_START_MAX_BACK = timedelta(days=366)
# How far ahead an agreement may start, and end: a date beyond is a typing error, and one near the
# calendar's end cannot be counted from.
AGREEMENT_START_MAX_AHEAD = timedelta(days=366)
AGREEMENT_END_MAX_AHEAD = timedelta(days=10 * 366)
TOPICS_MAX = 2000


def _lock(match: Match) -> Match:
    """The match row, locked: logs, agreements and the tasks about missed contacts of one match
    are decided one at a time, so a run of misses makes its task once."""
    locked = (
        Match.objects.select_for_update(of=("self",))
        .select_related("offer", "volunteer")
        .get(pk=match.pk)
    )
    return locked


def _current(match: Match) -> ContactAgreement | None:
    return (
        ContactAgreement.objects.select_for_update()
        .filter(match=match, replaced_on__isnull=True)
        .first()
    )


# --- The agreement ------------------------------------------------------------------------------


@transaction.atomic
def contact_agreement_set(
    *,
    match: Match,
    actor: User,
    rhythm: str,
    weekday: int,
    channel: str,
    starts_on: date,
    at: time | None = None,
    ends_on: date | None = None,
) -> ContactAgreement:
    """Agree how often, on which day and how the volunteer (or host) and the citizen are in
    contact. A new agreement replaces the current one from its own first day; the link the
    volunteer has keeps working (a first agreement makes one)."""
    match = _lock(match)
    errors = {}
    if not match_takes_agreement(match):
        raise ValidationError(
            _("Contact is agreed on a running match with a volunteer or a one-to-one offer.")
        )
    if rhythm not in ContactRhythm.values:
        errors["rhythm"] = [_("Choose how often.")]
    if weekday not in range(7):
        errors["weekday"] = [_("Choose a day of the week.")]
    if channel not in ContactChannel.values:
        errors["channel"] = [_("Choose how you are in contact.")]
    if starts_on is None:
        errors["starts_on"] = [_("Give the first day of the agreement.")]
    elif starts_on < timezone.localdate() - AGREEMENT_START_MAX_BACK:
        errors["starts_on"] = [_("The agreement cannot start more than a year back.")]
    elif starts_on > timezone.localdate() + AGREEMENT_START_MAX_AHEAD:
        errors["starts_on"] = [_("The agreement cannot start more than a year ahead.")]
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("The agreement cannot end before it starts.")]
    elif ends_on is not None and ends_on > timezone.localdate() + AGREEMENT_END_MAX_AHEAD:
        errors["ends_on"] = [_("The agreement cannot end more than ten years ahead.")]
    if errors:
        raise ValidationError(errors)
    current = _current(match)
    # From its first day the new agreement is the only one: the current one, and an earlier one
    # that still reached past that day (when the start is moved back), end the day before.
    for earlier in ContactAgreement.objects.select_for_update().filter(
        Q(replaced_on__isnull=True) | Q(replaced_on__gt=starts_on), match=match
    ):
        earlier.replaced_on = starts_on
        earlier.save(update_fields=["replaced_on", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=earlier, fields=["replaced_on"])
    agreement = ContactAgreement.objects.create(
        match=match,
        rhythm=rhythm,
        weekday=weekday,
        at=at,
        channel=channel,
        starts_on=starts_on,
        ends_on=ends_on,
        link_issued_at=current.link_issued_at if current is not None else timezone.now(),
        created_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=agreement)
    return agreement


@transaction.atomic
def contact_link_renew(*, agreement: ContactAgreement, actor: User) -> ContactAgreement:
    """A new link for the volunteer: every link made before it stops working (a lost phone)."""
    _lock(agreement.match)
    agreement = (
        ContactAgreement.objects.select_for_update().select_related("match").get(pk=agreement.pk)
    )
    if not agreement.is_current:
        raise ValidationError(_("The agreement has been replaced: use the current one."))
    agreement.link_issued_at = timezone.now()
    agreement.save(update_fields=["link_issued_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=agreement, fields=["link_issued_at"])
    return agreement


def _recipient(match: Match) -> str:
    if match.volunteer_id:
        return match.volunteer.email
    return match.offer.contact_email


def contact_link_send(*, agreement: ContactAgreement, actor: User) -> ContactAgreement:
    """E-mail the volunteer (or the offer) their link, in Brobyg's language. The e-mail names the
    citizen by first name only, and only with the citizen's consent to share with them."""
    match = Match.objects.select_related("citizen", "offer", "volunteer").get(pk=agreement.match_id)
    agreement.match = match
    if match.status not in RUNNING or not agreement.is_current:
        raise ValidationError(
            _("The link works only for the current agreement of a running match.")
        )
    address = _recipient(match)
    if not address:
        raise ValidationError(_("There is no e-mail address to send the link to."))
    shared = match_provider_may_see_citizen(match)
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "who": match.citizen.first_name if shared else _("the citizen"),
            "url": contact_link_url(agreement),
            "days": settings.BROBYG_CONTACT_LINK_DAYS,
        }
        subject = _("Brobyg: your link to log your contacts")
        body = render_to_string("matching/contact/email/link.txt", context)
    try:
        send_mail(subject, body, None, [address])
    except (SMTPException, OSError):
        raise ValidationError(_("The e-mail could not be sent. Try again later.")) from None
    audit_record(actor=actor, action=AuditAction.EXPORT, obj=agreement)
    return agreement


# --- The log ------------------------------------------------------------------------------------


def _clean_text(value: str, limit: int, field: str) -> str:
    value = strip_nul(value or "").strip()
    if len(value) > limit:
        raise ValidationError({field: _("Keep it to {limit} characters.").format(limit=limit)})
    return value


def _agreement_of(match: Match, expected_on: date) -> ContactAgreement | None:
    """The agreement that gives `expected_on` (agreements never overlap)."""
    for agreement in match.contact_agreements.order_by("-starts_on"):
        agreement.match = match
        if expected_on in agreement_dates(
            agreement, date_from=expected_on, date_to=expected_on, match=match
        ):
            return agreement
    return None


@transaction.atomic
def contact_log_record(
    *,
    match: Match,
    actor: User | None,
    outcome: str,
    expected_on: date | None = None,
    on: date | None = None,
    topics_next_time: str = "",
    concern: str = "",
    worried: bool = False,
) -> ContactLogEntry:
    """Log one contact. `actor` is the coordinator or bridge-builder who records it in Brobyg,
    or None for the volunteer or host through their link (the view has checked the link).

    `expected_on` is the agreed date it belongs to (empty for a contact besides the agreed ones,
    which cannot be missed); `on` when it happened, by default the agreed date or today."""
    match = _lock(match)
    today = timezone.localdate()
    if match.status not in RUNNING:
        raise ValidationError(_("The match has ended: no more contacts are logged."))
    current = _current(match)
    if current is None:
        raise ValidationError(_("No contact is agreed for this match yet."))
    errors = {}
    if outcome not in ContactOutcome.values:
        errors["outcome"] = [_("Say whether the contact happened.")]
    topics_next_time = _clean_text(topics_next_time, TOPICS_MAX, "topics_next_time")
    concern = _clean_text(concern, LONG_TEXT_MAX, "concern")
    agreement = current
    if expected_on is not None:
        if expected_on > today:
            errors["expected_on"] = [_("A contact is logged once its day has come.")]
        else:
            agreement = _agreement_of(match, expected_on)
            if agreement is None:
                errors["expected_on"] = [_("No contact was agreed for that day.")]
            elif match.contact_log_entries.filter(expected_on=expected_on).exists():
                errors["expected_on"] = [_("This contact is logged already.")]
    elif outcome == ContactOutcome.MISSED:
        errors["expected_on"] = [_("Choose the agreed contact that did not happen.")]
    # A contact that did not happen is on its agreed day (the errors above say if there is none).
    on = expected_on if outcome == ContactOutcome.MISSED else on or expected_on or today
    if on is not None and on > today:
        errors["on"] = [_("A contact is logged once its day has come.")]
    elif on is not None and on < current.starts_on - AGREEMENT_START_MAX_BACK:
        errors["on"] = [_("The date is too far back.")]
    if errors:
        raise ValidationError(errors)
    entry = ContactLogEntry.objects.create(
        match=match,
        agreement=agreement,
        expected_on=expected_on,
        on=on,
        outcome=outcome,
        topics_next_time=topics_next_time,
        concern=concern,
        worried=bool(worried),
        by_link=actor is None,
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=entry)
    if entry.has_concern:
        _concern_task(entry=entry, actor=actor)
    _missed_task(match=match, today=today, actor=actor)
    return entry


def _case(match: Match) -> Case:
    return Case.objects.select_related("citizen", "team", "assignee").get(pk=match.case_id)


def _concern_task(*, entry: ContactLogEntry, actor: User | None) -> Task:
    """The concern goes to the case's bridge-builder at once. The task says who raised it and
    when; the words stay on the log, which the bridge-builder reads on the case page."""
    match = entry.match
    case = _case(match)
    return task_create(
        citizen=case.citizen,
        case=case,
        team=case.team,
        assignee=case.assignee,
        actor=actor,
        kind=TaskKind.CALL_CITIZEN,
        data={
            "origin": TaskOrigin.CONTACT_WORRIED if entry.worried else TaskOrigin.CONTACT_CONCERN,
            "provider": str(match.provider),
            "date": entry.on.isoformat(),
            "contact": str(entry.pk),
        },
        due=timezone.localdate(),
        match=match,
    )


def _missed_task(*, match: Match, today: date, actor: User | None) -> Task | None:
    """A follow-up task when the agreed contacts up to today were missed
    BROBYG_CONTACT_MISSED_IN_A_ROW times in a row; once per run, found by the run's first date.
    The caller holds the match's row lock."""
    agreements = list(match.contact_agreements.order_by("starts_on"))
    if not agreements:
        return None
    agreed = agreed_dates(agreements, date_from=agreements[0].starts_on, date_to=today, match=match)
    entries = list(match.contact_log_entries.values_list("expected_on", "on", "outcome"))
    run = missed_run(agreed=agreed, entries=entries, today=today)
    if len(run) < settings.BROBYG_CONTACT_MISSED_IN_A_ROW:
        return None
    since = run[0].isoformat()
    if Task.objects.filter(
        match=match, data__origin=TaskOrigin.CONTACT_MISSED_IN_A_ROW, data__date=since
    ).exists():
        return None
    case = _case(match)
    return task_create(
        citizen=case.citizen,
        case=case,
        team=case.team,
        assignee=case.assignee,
        actor=actor,
        kind=TaskKind.CALL_CITIZEN,
        data={
            "origin": TaskOrigin.CONTACT_MISSED_IN_A_ROW,
            "provider": str(match.provider),
            "date": since,
            "missed": len(run),
        },
        due=today,
        match=match,
    )


def contact_missed_check(*, match: Match, today: date | None = None) -> Task | None:
    """The task for a run of missed contacts, if one is due and not made yet (see
    `_missed_task`). Safe to run twice: the second finds the task under the same lock."""
    with transaction.atomic():
        match = _lock(match)
        if match.status not in RUNNING:
            return None
        return _missed_task(match=match, today=today or timezone.localdate(), actor=None)


def contact_missed_sweep(*, today: date | None = None) -> int:
    """Every running match with a current agreement checked for a run of missed contacts
    (agreed dates nobody logged count once the grace days have passed). How many tasks it
    made."""
    match_ids = (
        ContactAgreement.objects.filter(replaced_on__isnull=True, match__status__in=RUNNING)
        .order_by("match_id")
        .values_list("match_id", flat=True)
    )
    made = 0
    for match_id in list(match_ids):
        if contact_missed_check(match=Match(pk=match_id), today=today) is not None:
            made += 1
    return made


# --- The citizen's data --------------------------------------------------------------------------


def contact_log_anonymise(citizen) -> int:
    """The logged contacts stay as anonymous rows (dates and outcomes); the topics and the
    concern are the citizen's life in words, and go. Safe to run twice."""
    return ContactLogEntry.objects.filter(match__citizen=citizen).update(
        topics_next_time="", concern="", updated_at=timezone.now()
    )
