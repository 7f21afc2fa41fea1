"""Consent: given for one purpose (and, to share, one recipient), withdrawn, and asked about."""

from datetime import UTC, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from core.validators import CLOCK_SKEW
from referrals.constants import CaseEventAction, CaseEventKind, ConsentMethod, ConsentPurpose
from referrals.models import Case, Citizen, ConsentRecord
from referrals.services.citizens import _choice
from referrals.timeline import case_event_record

# --- Consent ------------------------------------------------------------------------------------


# No consent Brobyg records was given before 2000: an earlier date is a typo or a wrong clock
# (and a date far enough back is one the database cannot give back).
EARLIEST_CONSENT = datetime(2000, 1, 1, tzinfo=UTC)


def consent_given_at_check(given_at: datetime | None) -> None:
    """Consent is given before it is recorded (a clock a little ahead is allowed for), and not
    before 2000."""
    if given_at is None:
        return
    if given_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"given_at": _("Consent cannot be given in the future.")})
    if given_at < EARLIEST_CONSENT:
        raise ValidationError(
            {"given_at": _("Consent cannot be dated before the year 2000. Check the date.")}
        )


@transaction.atomic
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
    once: bool = False,
) -> ConsentRecord:
    """Record consent for one purpose. Consent to share names its recipient: the offer or
    volunteer (`recipient_id`, the purpose says which) and its name for people to read.

    `once`: consent recorded by hand (the case page), refused while the same consent stands —
    the same purpose and, to share, the same recipient — so that saving it again makes no
    second record. A consent the referrer only stated (MedCom) is not the citizen's own yet,
    and a referral's consent is always that referral's own record."""
    _choice(purpose, ConsentPurpose, "purpose")
    _choice(method, ConsentMethod, "method")
    given_at = given_at or timezone.now()
    consent_given_at_check(given_at)
    if purpose in (ConsentPurpose.SHARE_VOLUNTEER, ConsentPurpose.SHARE_OFFER) and not (
        recipient and recipient_id
    ):
        raise ValidationError({"recipient": _("Choose the volunteer or offer to share with.")})
    if once:
        # Two taps on "save" at the same moment queue here, and the second finds the first.
        Citizen.objects.select_for_update().filter(pk=citizen.pk).first()
        standing = (
            ConsentRecord.objects.active()
            .filter(citizen=citizen, purpose=purpose, recipient_id=recipient_id)
            .exclude(method=ConsentMethod.REFERRER_STATED)
        )
        if standing.exists():
            raise ValidationError({"purpose": _("The consent is already recorded.")})
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
        case_event_record(case=case, kind=CaseEventKind.CONSENT, actor=actor, consent=consent)
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
        case_event_record(
            case=case,
            kind=CaseEventKind.CONSENT,
            actor=actor,
            consent=consent,
            data={"action": CaseEventAction.CONSENT_WITHDRAWN},
        )
    return consent


def consent_is_active(*, citizen_id, purpose: str) -> bool:
    return ConsentRecord.objects.active().filter(citizen_id=citizen_id, purpose=purpose).exists()
