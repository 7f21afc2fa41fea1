"""Every change to citizens, referrals and cases. Each validates, runs in one transaction,
writes its timeline event and audit event there, and schedules e-mails after commit."""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.constants import Role, TeamKind
from accounts.models import Team, User
from audit.constants import AuditAction
from audit.services import audit_record
from core.tasks import enqueue_on_commit
from core.validators import CLOCK_SKEW, validate_birth_date, validate_task_due
from referrals.constants import (
    CASE_TRANSITIONS,
    FILLABLE_FIELDS,
    CaseEventAction,
    CaseEventKind,
    CaseStatus,
    CloseReason,
    ConsentMethod,
    ConsentPurpose,
    ContactKind,
    LifeTransition,
    NetworkKind,
    ReferralSource,
    Urgency,
)
from referrals.cpr import cpr_encrypt, cpr_hash, cpr_parse
from referrals.identity import (
    citizen_by_cpr,
    identity_lock,
    name_key,
    owning_case_team,
    possible_duplicates_record,
)
from referrals.models import (
    Case,
    CaseEvent,
    CaseNote,
    Citizen,
    ConsentRecord,
    Contact,
    NetworkPerson,
    PlanStep,
    Referral,
    ReferralFeedback,
)

CITIZEN_FIELDS = [
    "first_name",
    "last_name",
    "birth_date",
    "phone",
    "email",
    "address",
    "postcode",
    "city",
    "preferred_language",
    "needs_mobility",
    "needs_hearing",
    "needs_transport",
    "needs_interpreter",
]


def _choice(value: str, choices, field: str) -> str:
    if value not in choices.values:
        raise ValidationError({field: _("“%(value)s” is not a valid choice.") % {"value": value}})
    return value


def _event(*, case: Case, kind: str, actor: User | None, **fields) -> CaseEvent:
    return CaseEvent.objects.create(case=case, kind=kind, actor=actor, **fields)


# --- Citizens -----------------------------------------------------------------------------------


@dataclass
class CitizenMatch:
    citizen: Citizen
    existed: bool
    # What the sender wrote about the person, for the record's team to use or not.
    details: dict


def _citizen_identity(data: dict) -> tuple[str | None, dict]:
    """Validate the citizen's fields; returns the CPR digits (or None) and the clean fields."""
    fields = {k: data[k] for k in CITIZEN_FIELDS if k in data and data[k] is not None}
    cpr = (data.get("cpr") or "").strip()
    errors = {}
    digits = None
    if cpr:
        try:
            digits, cpr_birth_date = cpr_parse(cpr)
        except ValidationError as exc:
            errors["cpr"] = exc.messages
        else:
            if fields.get("birth_date") is None:
                fields["birth_date"] = cpr_birth_date
            elif fields["birth_date"] != cpr_birth_date:
                errors["birth_date"] = [_("The date of birth does not match the CPR number.")]
    candidate = Citizen(**fields)
    try:
        candidate.full_clean(exclude=["name_key", "home_care_team"], validate_unique=False)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if "birth_date" not in errors:
        try:
            validate_birth_date(candidate.birth_date)
        except ValidationError as exc:
            errors["birth_date"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return digits, fields


def citizen_check(*, data: dict) -> None:
    """Raise the ValidationError `citizen_resolve` would raise for these fields, writing
    nothing: an interface checks a citizen's fields where it shows them (an API's nested
    `citizen`, say) before the referral is made."""
    _citizen_identity(data)


def citizen_resolve(*, data: dict, actor: User | None) -> CitizenMatch:
    """The citizen the data describes. The same CPR number is the same person; anyone else
    gets a new record, and a record with the same name and date of birth becomes a possible
    duplicate for a person to judge. An existing record is never written to from here."""
    digits, fields = _citizen_identity(data)
    key = name_key(fields["first_name"], fields["last_name"])
    digest = cpr_hash(digits) if digits else None
    # Two referrals of the same new person at the same moment must not both create them.
    identity_lock(birth_date=fields["birth_date"], key=key, cpr_digest=digest)
    details = {f: fields[f] for f in ["first_name", "last_name", *FILLABLE_FIELDS] if fields.get(f)}
    if digits:
        existing = citizen_by_cpr(digits)
        if existing is not None:
            return CitizenMatch(existing, existed=True, details=details)

    citizen = Citizen(**fields, name_key=key)
    if digits:
        citizen.cpr_encrypted, citizen.cpr_hash = cpr_encrypt(digits), digest
    citizen.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=citizen)
    possible_duplicates_record(citizen=citizen)
    return CitizenMatch(citizen, existed=False, details=details)


@transaction.atomic
def citizen_update(*, citizen: Citizen, data: dict, actor: User) -> Citizen:
    """Correct the citizen's details. A CPR number given here is checked and stored encrypted;
    left empty, the stored one (if any) stays."""
    digits, fields = _citizen_identity({**{f: getattr(citizen, f) for f in CITIZEN_FIELDS}, **data})
    changed = [f for f in CITIZEN_FIELDS if f in fields and getattr(citizen, f) != fields[f]]
    if digits:
        new_hash = cpr_hash(digits)
        if Citizen.objects.filter(cpr_hash=new_hash).exclude(pk=citizen.pk).exists():
            raise ValidationError(
                {"cpr": _("Another citizen has this CPR number. Ask the team to merge them.")}
            )
        if new_hash != citizen.cpr_hash:
            citizen.cpr_encrypted, citizen.cpr_hash = cpr_encrypt(digits), new_hash
            changed += ["cpr_encrypted", "cpr_hash"]
    if not changed:
        return citizen
    for field in changed:
        if field in fields:
            setattr(citizen, field, fields[field])
    citizen.name_key = name_key(citizen.first_name, citizen.last_name)
    citizen.save(update_fields=[*changed, "name_key", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=citizen, fields=changed)
    possible_duplicates_record(citizen=citizen)
    return citizen


@transaction.atomic
def referral_details_use(*, referral: Referral, fields: list[str], actor: User) -> Citizen:
    """Take what a referrer wrote (a phone number, an address) into the citizen's record."""
    unknown = [f for f in fields if f not in FILLABLE_FIELDS or f not in referral.citizen_details]
    if unknown or not fields:
        raise ValidationError({"fields": _("Choose the referrer's details to use.")})
    citizen = Citizen.objects.select_for_update().get(pk=referral.citizen_id)
    data = {f: referral.citizen_details[f] for f in fields}
    if "postcode" in data and "city" in referral.citizen_details and "city" not in data:
        data["city"] = referral.citizen_details["city"]
    citizen = citizen_update(citizen=citizen, data=data, actor=actor)
    _event(
        case=referral.case,
        kind=CaseEventKind.IDENTITY,
        actor=actor,
        referral=referral,
        data={"action": CaseEventAction.DETAILS_USED, "fields": list(data)},
    )
    return citizen


# --- Consent ------------------------------------------------------------------------------------


def consent_given_at_check(given_at: datetime | None) -> None:
    """Consent is given before it is recorded (a clock a little ahead is allowed for)."""
    if given_at is not None and given_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"given_at": _("Consent cannot be given in the future.")})


def consent_give(
    *,
    citizen: Citizen,
    purpose: str,
    method: str,
    given_at: datetime | None = None,
    recipient: str = "",
    recipient_id=None,
    actor: User | None,
    case: Case | None = None,
) -> ConsentRecord:
    """Record consent for one purpose. Consent to share names its recipient: the offer or
    volunteer (`recipient_id`, the purpose says which) and its name for people to read."""
    _choice(purpose, ConsentPurpose, "purpose")
    _choice(method, ConsentMethod, "method")
    given_at = given_at or timezone.now()
    consent_given_at_check(given_at)
    if purpose in (ConsentPurpose.SHARE_VOLUNTEER, ConsentPurpose.SHARE_OFFER) and not (
        recipient and recipient_id
    ):
        raise ValidationError({"recipient": _("Choose the volunteer or offer to share with.")})
    consent = ConsentRecord.objects.create(
        citizen=citizen,
        purpose=purpose,
        method=method,
        given_at=given_at,
        recipient=recipient,
        recipient_id=recipient_id,
        recorded_by=actor if actor and actor.is_authenticated else None,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=consent)
    if case is not None:
        _event(case=case, kind=CaseEventKind.CONSENT, actor=actor, consent=consent)
    return consent


@transaction.atomic
def consent_withdraw(*, consent: ConsentRecord, actor: User) -> ConsentRecord:
    """Withdrawn consent stops what it allowed at once; it is kept, marked withdrawn."""
    consent = ConsentRecord.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is not None:
        return consent
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=consent, fields=["withdrawn_at", "withdrawn_by"]
    )
    # On the timeline of the citizen's latest case (open, or the one it ended with).
    case = consent.citizen.cases.order_by("-created_at").first()
    if case is not None:
        _event(
            case=case,
            kind=CaseEventKind.CONSENT,
            actor=actor,
            consent=consent,
            data={"action": CaseEventAction.CONSENT_WITHDRAWN},
        )
    return consent


def consent_is_active(*, citizen_id, purpose: str) -> bool:
    return ConsentRecord.objects.filter(
        citizen_id=citizen_id, purpose=purpose, withdrawn_at__isnull=True
    ).exists()


# --- Referrals ----------------------------------------------------------------------------------


def team_for_referrals() -> Team | None:
    """The bridge-builders' team new referrals land with when the referrer names none."""
    return Team.objects.filter(kind=TeamKind.BRIDGE_BUILDERS).order_by("created_at").first()


@dataclass
class ReferralResult:
    referral: Referral
    # For the service's callers inside Brobyg only: never told to the sender.
    attached_to_existing: bool


@transaction.atomic
def referral_create(
    *,
    citizen: dict | None = None,
    known_citizen: Citizen | None = None,
    source: str,
    reason: str,
    consent_given: bool,
    consent_method: str,
    consent_given_at: datetime | None = None,
    life_transitions: list[str] | None = None,
    citizen_wishes: str = "",
    urgency: str = Urgency.NORMAL,
    feedback_consent: bool = False,
    referrer: User | None = None,
    referrer_name: str = "",
    referrer_phone: str = "",
    referrer_email: str = "",
    team: Team | None = None,
) -> ReferralResult:
    """Record a referral with the citizen's consent.

    `citizen` is what the sender wrote; the same CPR number finds the person (see
    `citizen_resolve`), and then the referral goes to the team that has them, never writing
    into their record. `known_citizen` is for staff referring a citizen they already work
    with (home care's one tap after a screening)."""
    if (citizen is None) == (known_citizen is None):
        raise ValueError("give either the citizen's data or a known citizen")
    if not consent_given:
        raise ValidationError(
            {
                "consent": _(
                    "A referral needs the citizen's consent. Ask the citizen first; "
                    "nothing has been saved."
                )
            }
        )
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = [_("Describe the reason for the referral.")]
    for value, choices, field in [
        (source, ReferralSource, "source"),
        (consent_method, ConsentMethod, "consent"),
        (urgency, Urgency, "urgency"),
    ]:
        if value not in choices.values:
            errors[field] = [_("“%(value)s” is not a valid choice.") % {"value": value}]
    transitions = list(dict.fromkeys(life_transitions or []))
    unknown = [t for t in transitions if t not in LifeTransition.values]
    if unknown:
        errors["life_transitions"] = [
            _("Unknown life transition: %(values)s") % {"values": ", ".join(unknown)}
        ]
    team = team or team_for_referrals()
    if team is None or team.kind != TeamKind.BRIDGE_BUILDERS:
        errors["team"] = [_("No bridge-builders' team receives referrals yet.")]
    if errors:
        raise ValidationError(errors)

    if known_citizen is not None:
        match = CitizenMatch(known_citizen, existed=True, details={})
    else:
        match = citizen_resolve(data=citizen, actor=referrer)
    case = (
        Case.objects.select_for_update()
        .filter(citizen=match.citizen)
        .exclude(status=CaseStatus.CLOSED)
        .first()
    )
    if case is None:
        # A known citizen's new course starts with the team that knew them: another team
        # referring them gets no way in to their history.
        case = Case.objects.create(
            citizen=match.citizen, team=owning_case_team(match.citizen) or team
        )
        audit_record(actor=referrer, action=AuditAction.CREATE, obj=case)

    consent = consent_give(
        citizen=match.citizen,
        purpose=ConsentPurpose.REFERRAL,
        method=consent_method,
        given_at=consent_given_at,
        actor=referrer,
    )
    if referrer is not None:
        referrer_name = referrer_name or referrer.get_full_name()
        referrer_email = referrer_email or referrer.email
    referral = Referral.objects.create(
        citizen=match.citizen,
        case=case,
        source=source,
        referrer=referrer,
        referrer_name=referrer_name,
        referrer_phone=referrer_phone,
        referrer_email=referrer_email,
        reason=reason.strip(),
        life_transitions=transitions,
        citizen_wishes=citizen_wishes.strip(),
        urgency=urgency,
        consent=consent,
        citizen_details=match.details,
        attached_to_existing=match.existed,
    )
    if feedback_consent and referrer_email:
        # Feedback is consented to per referral: this referrer, not whoever else refers.
        referral.feedback_consent = consent_give(
            citizen=match.citizen,
            purpose=ConsentPurpose.REFERRER_FEEDBACK,
            method=consent_method,
            given_at=consent_given_at,
            recipient=referrer_name or referrer_email,
            recipient_id=referral.pk,
            actor=referrer,
        )
        referral.save(update_fields=["feedback_consent", "updated_at"])
    audit_record(actor=referrer, action=AuditAction.CREATE, obj=referral)
    _event(case=case, kind=CaseEventKind.REFERRAL, actor=referrer, referral=referral)
    return ReferralResult(referral, attached_to_existing=match.existed)


# --- The case -----------------------------------------------------------------------------------

FEEDBACK_STATUSES = {CaseStatus.MATCHING, CaseStatus.CLOSED}


def _set_status(*, case: Case, status: str, actor: User | None, extra_fields=()) -> Case:
    previous = case.status
    case.status = status
    case.status_changed_at = timezone.now()
    case.save(update_fields=["status", "status_changed_at", *extra_fields, "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, fields=["status", *extra_fields])
    _event(
        case=case, kind=CaseEventKind.STATUS, actor=actor, status_from=previous, status_to=status
    )
    if status in FEEDBACK_STATUSES:
        _referrer_feedback_schedule(case=case, status=status)
    return case


def _lock(case: Case) -> Case:
    return Case.objects.select_for_update().select_related("citizen").get(pk=case.pk)


@transaction.atomic
def case_change_status(*, case: Case, status: str, actor: User) -> Case:
    """Move the case one step along its path. Closing has its own service (it needs a reason)."""
    case = _lock(case)
    _choice(status, CaseStatus, "status")
    if status == CaseStatus.CLOSED:
        raise ValidationError({"status": _("Close the case with a reason.")})
    if status not in CASE_TRANSITIONS[case.status]:
        raise ValidationError(
            {
                "status": _("A case cannot go from “%(from)s” to “%(to)s”.")
                % {"from": case.get_status_display(), "to": CaseStatus(status).label}
            }
        )
    return _set_status(case=case, status=status, actor=actor)


@transaction.atomic
def case_close(*, case: Case, reason: str, actor: User, note: str = "") -> Case:
    """Close the case. This ends the bridge-builder's role: the case leaves every caseload."""
    case = _lock(case)
    if not case.is_open:
        raise ValidationError({"status": _("The case is already closed.")})
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("Choose why the case is closed.")})
    note = note.strip()
    if reason == CloseReason.OTHER_HELP and not note:
        raise ValidationError({"note": _("Say where the citizen was referred on to.")})
    case.closed_at = timezone.now()
    case.close_reason = reason
    case.close_note = note
    return _set_status(
        case=case,
        status=CaseStatus.CLOSED,
        actor=actor,
        extra_fields=["closed_at", "close_reason", "close_note"],
    )


@transaction.atomic
def case_assign(*, case: Case, assignee: User | None, actor: User) -> Case:
    """Give the case to a bridge-builder on its team (or to nobody: back to the team)."""
    case = _lock(case)
    if not case.is_open:
        raise ValidationError({"assignee": _("A closed case cannot be assigned.")})
    if assignee is not None and not (
        assignee.is_active
        and assignee.has_role(Role.BRIDGE_BUILDER)
        and assignee.memberships.filter(team_id=case.team_id).exists()
    ):
        raise ValidationError(
            {"assignee": _("Only a bridge-builder on the case's team can take the case.")}
        )
    if case.assignee_id == (assignee.pk if assignee else None):
        return case
    case.assignee = assignee
    case.save(update_fields=["assignee", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, fields=["assignee"])
    _event(case=case, kind=CaseEventKind.ASSIGNMENT, actor=actor, assignee=assignee)
    return case


@transaction.atomic
def contact_record(
    *,
    case: Case,
    kind: str,
    actor: User,
    occurred_at: datetime | None = None,
    reached: bool = True,
    note: str = "",
) -> Contact:
    """A contact with the citizen. The first one that reaches them is the first contact."""
    case = _lock(case)
    if not case.is_open:
        raise ValidationError({"kind": _("The case is closed.")})
    _choice(kind, ContactKind, "kind")
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + timezone.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("A contact cannot be in the future.")})
    if occurred_at < case.created_at - timezone.timedelta(minutes=5):
        raise ValidationError({"occurred_at": _("The contact is before the referral.")})
    contact = Contact.objects.create(
        case=case,
        kind=kind,
        occurred_at=occurred_at,
        reached=reached,
        note=note.strip(),
        recorded_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=contact)
    _event(
        case=case, kind=CaseEventKind.CONTACT, actor=actor, contact=contact, occurred_at=occurred_at
    )
    if reached and case.first_contact_at is None:
        case.first_contact_at = occurred_at
        case.save(update_fields=["first_contact_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=case, fields=["first_contact_at"])
    if reached and case.status == CaseStatus.RECEIVED:
        _set_status(case=case, status=CaseStatus.CONTACTED, actor=actor)
    return contact


@transaction.atomic
def note_add(*, case: Case, text: str, actor: User) -> CaseNote:
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write the note first.")})
    note = CaseNote.objects.create(case=case, author=actor, text=text)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=note)
    _event(case=case, kind=CaseEventKind.NOTE, actor=actor, note=note)
    return note


@transaction.atomic
def network_person_add(
    *, case: Case, kind: str, name: str, closeness: int, actor: User, note: str = ""
) -> NetworkPerson:
    _choice(kind, NetworkKind, "kind")
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Write who the person is.")})
    person = NetworkPerson(
        citizen=case.citizen, kind=kind, name=name, closeness=closeness, note=note.strip()
    )
    person.full_clean()
    person.save(force_insert=True)
    audit_record(actor=actor, action=AuditAction.CREATE, obj=person)
    _event(
        case=case,
        kind=CaseEventKind.NETWORK,
        actor=actor,
        data={
            "action": CaseEventAction.NETWORK_ADDED,
            "person": str(person.pk),
            "network_kind": person.kind,
            "name": person.name,
        },
    )
    return person


@transaction.atomic
def network_person_remove(*, case: Case, person: NetworkPerson, actor: User) -> None:
    if person.citizen_id != case.citizen_id:
        raise ValidationError({"person": _("The person is not in this citizen's network.")})
    audit_record(actor=actor, action=AuditAction.DELETE, obj=person)
    _event(
        case=case,
        kind=CaseEventKind.NETWORK,
        actor=actor,
        data={
            "action": CaseEventAction.NETWORK_REMOVED,
            "person": str(person.pk),
            "network_kind": person.kind,
            "name": person.name,
        },
    )
    person.delete()


@transaction.atomic
def plan_step_add(
    *, case: Case, description: str, responsible: str, actor: User, due_date: date | None = None
) -> PlanStep:
    description, responsible = description.strip(), responsible.strip()
    errors = {}
    if not description:
        errors["description"] = [_("Describe the next step.")]
    if not responsible:
        errors["responsible"] = [_("Say who does it.")]
    try:
        validate_task_due(due_date)
    except ValidationError as exc:
        errors["due_date"] = exc.messages
    if errors:
        raise ValidationError(errors)
    step = PlanStep.objects.create(
        case=case, description=description, responsible=responsible, due_date=due_date
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=step)
    # The step is the words of the person who wrote it: kept as written.
    _event(
        case=case,
        kind=CaseEventKind.PLAN,
        actor=actor,
        detail=description,
        data={"action": CaseEventAction.PLAN_STEP_ADDED, "step": str(step.pk)},
    )
    return step


@transaction.atomic
def plan_step_complete(*, step: PlanStep, actor: User) -> PlanStep:
    if step.done_at is not None:
        return step
    step.done_at = timezone.now()
    step.save(update_fields=["done_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=step, fields=["done_at"])
    _event(
        case=step.case,
        kind=CaseEventKind.PLAN,
        actor=actor,
        detail=step.description,
        data={"action": CaseEventAction.PLAN_STEP_DONE, "step": str(step.pk)},
    )
    return step


# --- Closed loop: telling the referrer ------------------------------------------------------------


def _referrer_feedback_schedule(*, case: Case, status: str) -> None:
    """Queue one e-mail per referrer and event, sent after commit, to each referrer the citizen
    agreed may be told. A referrer who referred twice gets one."""
    from referrals.tasks import referral_feedback_send

    referrals = (
        case.referrals.exclude(referrer_email="")
        .filter(feedback_consent__isnull=False, feedback_consent__withdrawn_at__isnull=True)
        .order_by("created_at")
    )
    seen = set()
    for referral in referrals:
        address = referral.referrer_email.casefold()
        if address in seen:
            continue
        seen.add(address)
        feedback, created = ReferralFeedback.objects.get_or_create(referral=referral, event=status)
        if created:
            enqueue_on_commit(referral_feedback_send, str(feedback.pk))


def referral_feedback_deliver(*, feedback_id) -> bool:
    """Send one feedback e-mail if it is still due and still consented to. True if sent."""
    with transaction.atomic():
        feedback = (
            ReferralFeedback.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("referral__referrer", "referral__case", "referral__feedback_consent")
            .filter(pk=feedback_id, sent_at__isnull=True, skipped_at__isnull=True)
            .first()
        )
        if feedback is None:
            return False
        referral = feedback.referral
        consent = referral.feedback_consent
        if consent is None or not consent.is_active:
            feedback.skipped_at = timezone.now()
            feedback.save(update_fields=["skipped_at", "updated_at"])
            return False
        language = referral.referrer.preferred_language if referral.referrer else "da"
        with translation.override(language):
            context = {
                "referral": referral,
                "event": feedback.event,
                "close_reason": referral.case.get_close_reason_display(),
                "url": settings.BROBYG_BASE_URL
                + reverse("referrals:referral_detail", args=[referral.pk]),
            }
            subject = _("Brobyg: news about your referral %(reference)s") % {
                "reference": referral.reference
            }
            body = render_to_string("referrals/email/referrer_feedback.txt", context)
        send_mail(subject, body, None, [referral.referrer_email])
        feedback.sent_at = timezone.now()
        feedback.save(update_fields=["sent_at", "updated_at"])
        audit_record(actor=None, action=AuditAction.EXPORT, obj=feedback)
    return True


@transaction.atomic
def citizen_set_home_care_team(
    *, citizen: Citizen, team: Team | None, actor: User | None
) -> Citizen:
    """The home-care team that visits the citizen (whose staff then see and screen them)."""
    if team is not None and team.kind != TeamKind.HOME_CARE:
        raise ValidationError({"home_care_team": _("Choose a home-care team.")})
    if citizen.home_care_team_id == (team.pk if team else None):
        return citizen
    citizen.home_care_team = team
    citizen.save(update_fields=["home_care_team", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=citizen, fields=["home_care_team"])
    return citizen


def referral_feedback_due() -> list:
    """Feedback rows still to send, oldest first (for the sweep after a broker outage)."""
    cutoff = timezone.now() - timezone.timedelta(minutes=5)
    return list(
        ReferralFeedback.objects.filter(
            sent_at__isnull=True, skipped_at__isnull=True, created_at__lt=cutoff
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
