"""MedCom: a CareCommunication received becomes a referral and is acknowledged; the citizen's
consent is confirmed by a bridge-builder; a matched or closed case is answered to the GP's
system; the gateway fetches the answers.

Consent (docs/decisions/0015-medcom.md): a CareCommunication carries no consent in structured
form. Its referral is recorded with the consent the referrer stated by sending it
(ConsentMethod.REFERRER_STATED, "to be confirmed at first contact") and with no consent to tell
anyone anything, so nothing about the citizen leaves Brobyg until a bridge-builder has asked
the citizen (`medcom_consent_confirm`).
"""

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from core.exceptions import Conflict
from medcom.building import acknowledgement_build, reply_build
from medcom.constants import PRIORITIES_SOON, IssueType
from medcom.models import MedComMessage, MedComReply
from medcom.parsing import CareCommunication, Issue, MessageInvalid, parse_care_communication
from referrals.constants import (
    CaseEventKind,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    ReferralSource,
    Urgency,
)
from referrals.models import Case, CaseEvent, Referral
from referrals.services import (
    FEEDBACK_STATUSES,
    consent_give,
    consent_given_at_check,
    referral_create,
)

logger = logging.getLogger(__name__)


class MedComUnavailable(Conflict):
    """Brobyg cannot take in referrals as it is set up now; the gateway should try again."""

    code = "medcom_unavailable"


class MedComIdTaken(Conflict):
    """A different message (another sender, or other content) came with the MessageHeader id
    of one received before: it is not that message, and is not taken in."""

    code = "medcom_id_taken"


@dataclass
class Receipt:
    message: MedComMessage
    # False when the message had been received before: nothing was done this time.
    created: bool

    @property
    def acknowledgement(self) -> dict:
        return self.message.acknowledgement


def _accepted_receivers() -> list[str]:
    return [sor for sor in settings.BROBYG_MEDCOM_SOR if sor]


def _referrer_name(message: CareCommunication) -> str:
    author = message.author
    if not author.name:
        return message.sender.name or message.sender.sor
    who = f"{author.name} ({author.role})" if author.role else author.name
    return f"{who}, {message.sender.name}"[:200] if message.sender.name else who[:200]


# Where a fault the referral service finds sits in the Patient (the fields citizen_resolve
# checks; the parser has checked the CPR number, the names and the date of birth before).
_PATIENT_ELEMENTS = {
    "phone": "telecom",
    "email": "telecom",
    "address": "address",
    "postcode": "address",
    "city": "address",
    "first_name": "name",
    "last_name": "name",
    "birth_date": "birthDate",
    "cpr": "identifier",
}


def _patient_faults(message: CareCommunication, errors: dict) -> MessageInvalid:
    n = next(
        k
        for k, entry in enumerate(message.bundle["entry"])
        if entry["resource"]["resourceType"] == "Patient"
    )
    issues = []
    for field, messages in errors.items():
        element = _PATIENT_ELEMENTS.get(field)
        expression = f"Bundle.entry[{n}].resource" + (f".{element}" if element else "")
        issues += [Issue(expression, text, IssueType.VALUE) for text in messages]
    return MessageInvalid(issues)


# How far the time a text was written may lie from the message's own time and still be when
# the referrer stated consent.
CONSENT_TIME_WINDOW = timedelta(days=1)


def _consent_given_at(message: CareCommunication):
    """When the referrer stated the consent: when they wrote, if that fits the message's own
    time (within a day of it, not ahead of Brobyg's clock, and a date consent can have);
    otherwise when the message arrived."""
    now = timezone.now()
    written, sent = message.written_at or message.sent_at, message.sent_at
    if written is None or sent is None or written > now:
        return now
    if abs(written - sent) > CONSENT_TIME_WINDOW:
        return now
    try:
        consent_given_at_check(written)
    except ValidationError:
        return now
    return written


def message_content_hash(bundle) -> str:
    """SHA-256 of a message (parsed JSON) in canonical JSON: the same message has the same hash
    however its keys were ordered and spaced."""
    canonical = json.dumps(bundle, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


@transaction.atomic
def _take_in(
    *, message: CareCommunication, bundle: dict, content_hash: str, actor: User
) -> MedComMessage:
    try:
        result = referral_create(
            citizen=message.citizen,
            source=ReferralSource.GP,
            reason=message.reason,
            consent_given=True,
            consent_method=ConsentMethod.REFERRER_STATED,
            consent_given_at=_consent_given_at(message),
            urgency=Urgency.SOON if message.priority in PRIORITIES_SOON else Urgency.NORMAL,
            # No consent to feedback: the message carries none (see the module's docstring).
            feedback_consent=False,
            referrer=actor,
            referrer_name=_referrer_name(message),
            referrer_phone=message.author.phone,
        )
    except ValidationError as exc:
        errors = exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}
        if "team" in errors:
            raise MedComUnavailable(errors["team"][0]) from exc
        raise _patient_faults(message, errors) from exc
    stored = MedComMessage.objects.create(
        header_id=message.header_id,
        content_hash=content_hash,
        bundle=bundle,
        referral=result.referral,
        acknowledgement=acknowledgement_build(message=message),
        received_by=actor,
        sent_at=message.sent_at,
        sender_sor=message.sender.sor,
        sender_name=message.sender.name,
        receiver_sor=message.receiver.sor,
        receiver_name=message.receiver.name,
        category=message.category,
        topic=message.topic,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=stored)
    # As the database keeps it: the answer to this copy and to any later one are the same.
    stored.refresh_from_db(fields=["acknowledgement"])
    return stored


def _received_before(
    existing: MedComMessage, *, message: CareCommunication, content_hash: str
) -> Receipt:
    """The message received before under the same MessageHeader id: this very message again
    (the same sender, the same content) gets its acknowledgement; any other is refused, as an
    acknowledgement would tell its sender that it was taken in, and about the first sender."""
    if existing.sender_sor == message.sender.sor and existing.content_hash == content_hash:
        return Receipt(existing, created=False)
    logger.warning(
        "MedCom message %s from SOR %s refused: message %s from SOR %s has the same id",
        message.header_id,
        message.sender.sor,
        existing.pk,
        existing.sender_sor,
    )
    raise MedComIdTaken(
        _(
            "A different message with the same MessageHeader id has been received already. "
            "Each message needs an id of its own."
        )
    )


def medcom_message_receive(*, bundle, actor: User) -> Receipt:
    """Take in a CareCommunication (parsed JSON) that `actor`, the MedCom gateway, delivered.

    A valid message becomes a referral from a GP through the referral service (the citizen
    found by CPR number as any referral's) and is kept with its acknowledgement. The same
    message again (the same MessageHeader id, sender and content) gets the same
    acknowledgement and nothing else, also when both copies arrive at once: the second waits
    on the first's row (a unique MessageHeader id) and then finds it. A different message
    with an id received before raises MedComIdTaken. An invalid message raises MessageInvalid
    and stores nothing; MedComUnavailable when Brobyg has no bridge-builders' team to receive
    the referral yet.
    """
    message = parse_care_communication(bundle, accepted_receivers=_accepted_receivers())
    content_hash = message_content_hash(bundle)
    existing = MedComMessage.objects.filter(header_id=message.header_id).first()
    if existing is not None:
        return _received_before(existing, message=message, content_hash=content_hash)
    try:
        stored = _take_in(message=message, bundle=bundle, content_hash=content_hash, actor=actor)
    except IntegrityError:
        # A message with this id was taken in by another request meanwhile; this one's
        # referral was rolled back with it.
        existing = MedComMessage.objects.filter(header_id=message.header_id).first()
        if existing is None:
            raise
        return _received_before(existing, message=message, content_hash=content_hash)
    return Receipt(stored, created=True)


@transaction.atomic
def medcom_consent_confirm(
    *, message: MedComMessage, method: str, feedback: bool, actor: User
) -> MedComMessage:
    """The bridge-builder has asked the citizen: record the citizen's own consent to the
    referral (given as `method` says) and, if the citizen agrees, consent that the GP who sent
    the message is told how it goes (for this referral only)."""
    message = (
        MedComMessage.objects.select_for_update()
        .select_related("referral__case")
        .get(pk=message.pk)
    )
    if message.consent_confirmed_at is not None:
        raise ValidationError({"method": _("The consent has been confirmed already.")})
    if method == ConsentMethod.REFERRER_STATED or method not in ConsentMethod.values:
        raise ValidationError({"method": _("Say how the citizen gave their consent.")})
    referral = Referral.objects.select_for_update().get(pk=message.referral_id)
    if not referral.case.is_open:
        raise ValidationError({"method": _("The case is closed.")})
    consent_give(
        citizen=referral.citizen,
        purpose=ConsentPurpose.REFERRAL,
        method=method,
        actor=actor,
        case=referral.case,
    )
    if feedback:
        # Consent to feedback is this referral's and this referrer's (referrals' rule): the
        # organisation that sent the message.
        referral.feedback_consent = consent_give(
            citizen=referral.citizen,
            purpose=ConsentPurpose.REFERRER_FEEDBACK,
            method=method,
            recipient=(message.sender_name or message.sender_sor)[:200],
            recipient_id=referral.pk,
            actor=actor,
            case=referral.case,
        )
        referral.save(update_fields=["feedback_consent", "updated_at"])
        audit_record(
            actor=actor, action=AuditAction.UPDATE, obj=referral, fields=["feedback_consent"]
        )
    message.consent_confirmed_at = timezone.now()
    message.consent_confirmed_by = actor
    message.save(update_fields=["consent_confirmed_at", "consent_confirmed_by", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=message,
        fields=["consent_confirmed_at", "consent_confirmed_by"],
    )
    return message


# --- Replies to the GP ----------------------------------------------------------------------------


def _reply_text(*, referral: Referral, case: Case, status: str) -> str:
    """What the GP is told, in Danish, whoever made the change: the same news as the e-mail a
    web form's referrer gets (referrals/templates/referrals/email/referrer_feedback.txt)."""
    with translation.override("da"):
        lines = [
            _("Your referral %(reference)s of %(date)s:")
            % {
                "reference": referral.reference,
                "date": formats.date_format(
                    timezone.localtime(referral.created_at), "SHORT_DATE_FORMAT"
                ),
            }
        ]
        if status == CaseStatus.MATCHING:
            lines.append(
                _(
                    "The citizen has met a bridge-builder and is now being matched with a "
                    "community or a volunteer."
                )
            )
        else:
            lines.append(
                _("The course with the bridge-builder has ended.")
                + " "
                + _("Reason: %(close_reason)s.") % {"close_reason": case.get_close_reason_display()}
            )
        lines.append(_("The citizen agreed that you are told this."))
        return "\n\n".join(lines)


def _author(case: Case) -> User | None:
    """Who signs the reply: whoever made the change, or else the case's bridge-builder."""
    event = (
        CaseEvent.objects.filter(case=case, kind=CaseEventKind.STATUS, actor__isnull=False)
        .select_related("actor")
        .order_by("-occurred_at", "-created_at")
        .first()
    )
    actor = event.actor if event is not None else None
    return actor if actor is not None and not actor.is_service_account else case.assignee


def medcom_replies_schedule(*, case: Case, status: str) -> None:
    """The feedback channel referrals calls when a case is matched or closed (in the same
    transaction): a reply for each referral of the case that came by MedCom and whose
    consent to tell its GP stands, once per referral and event, for the gateway to fetch."""
    if status not in FEEDBACK_STATUSES:
        return
    messages = (
        MedComMessage.objects.filter(
            referral__case=case,
            referral__feedback_consent__isnull=False,
            referral__feedback_consent__withdrawn_at__isnull=True,
        )
        .exclude(bundle={})
        .exclude(replies__event=status)
        .select_related("referral", "referral__case__team__organisation")
        .order_by("created_at")
    )
    messages = list(messages)
    if not messages:
        return
    author = _author(case)
    team = case.team
    with translation.override("da"):
        role = str(Role.BRIDGE_BUILDER.label)
    for stored in messages:
        try:
            message = parse_care_communication(stored.bundle, accepted_receivers=[])
        except MessageInvalid:
            # Taken in by an earlier, more lenient Brobyg: the case's change must not fail
            # for a reply that cannot be made; the log says which message it was.
            logger.warning("MedCom message %s can no longer be read; no reply made", stored.pk)
            continue
        reply_id = uuid.uuid4()
        header_id = str(uuid.uuid4())
        bundle = reply_build(
            message=message,
            reply_id=str(reply_id),
            header_id=header_id,
            text=_reply_text(referral=stored.referral, case=case, status=status),
            author_given=(author.first_name if author else "") or team.name,
            author_family=(author.last_name if author else "") or team.organisation.name,
            author_role=role,
            author_phone=team.organisation.phone,
        )
        reply = MedComReply.objects.create(
            id=reply_id, message=stored, event=status, header_id=header_id, bundle=bundle
        )
        audit_record(actor=None, action=AuditAction.CREATE, obj=reply)


@transaction.atomic
def medcom_reply_fetched(*, reply: MedComReply, actor: User) -> MedComReply:
    """The gateway has the reply: it leaves the outbox. Marked once; again changes nothing."""
    reply = MedComReply.objects.select_for_update().get(pk=reply.pk)
    if reply.fetched_at is not None:
        return reply
    reply.fetched_at = timezone.now()
    reply.fetched_by = actor
    reply.save(update_fields=["fetched_at", "fetched_by", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=reply, fields=["fetched_at"])
    return reply
