"""Erasure and anonymisation: one service, used by the admin's erasure and the retention job."""

import logging
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from core.personal_data import sections
from privacy.constants import AnonymisationKind
from privacy.models import AnonymisationRecord
from privacy.selectors import retention_candidates
from referrals.constants import OPEN_STATUSES, CloseReason
from referrals.identity import identity_lock
from referrals.models import Citizen
from referrals.services import case_close

logger = logging.getLogger(__name__)

RETENTION_BATCH = 500


def _lock_citizen(citizen_id) -> Citizen | None:
    """Lock the citizen's row, and the keys a new referral of the same person takes.

    A referral arriving for this person while they are anonymised waits (it takes the same
    locks in `referrals.services.citizen_resolve`) and then finds nobody to attach to, so it
    creates a new record instead of landing on an anonymous one.
    """
    citizen = Citizen.objects.filter(pk=citizen_id).first()
    if citizen is None:
        return None
    identity_lock(birth_date=citizen.birth_date, key=citizen.name_key, cpr_digest=citizen.cpr_hash)
    return Citizen.objects.select_for_update().filter(pk=citizen_id).first()


def _anonymise(
    *,
    citizen: Citizen,
    kind: str,
    actor: User | None,
    reason: str = "",
    request: HttpRequest | None = None,
) -> AnonymisationRecord:
    summary = {}
    # The citizen's own row last: the other sections may still read it.
    for section in sorted(sections(), key=lambda s: s.key == "citizen"):
        if section.anonymise is None:
            continue
        summary[section.key] = section.rows(citizen).count()
        section.anonymise(citizen)
    record = AnonymisationRecord.objects.create(
        citizen=citizen, kind=kind, reason=reason, performed_by=actor, summary=summary
    )
    audit_record(
        actor=actor,
        action=AuditAction.ERASE if kind == AnonymisationKind.ERASURE else AuditAction.ANONYMISE,
        obj=citizen,
        request=request,
    )
    return record


@transaction.atomic
def citizen_erase(
    *, citizen: Citizen, reason: str, actor: User, request: HttpRequest | None = None
) -> AnonymisationRecord:
    """Erase the citizen's personal data on their request (GDPR art. 17), keeping statistics.

    An open case is closed first as declined — the citizen no longer wants the help — so the
    case's dates and status stay right in the statistics.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why, e.g. which request from the citizen this answers.")}
        )
    locked = _lock_citizen(citizen.pk)
    if locked is None:
        raise ValidationError({"citizen": _("The citizen no longer exists.")})
    if locked.anonymised_at is not None:
        raise ValidationError({"citizen": _("The citizen's data has already been removed.")})
    for case in locked.cases.filter(status__in=OPEN_STATUSES):
        case_close(case=case, reason=CloseReason.DECLINED, actor=actor)
    return _anonymise(
        citizen=locked,
        kind=AnonymisationKind.ERASURE,
        actor=actor,
        reason=reason,
        request=request,
    )


def retention_anonymise_due(*, now: datetime | None = None, limit: int = RETENTION_BATCH) -> int:
    """Anonymise the citizens whose retention period has ended. Returns how many.

    Each citizen in a transaction of their own, locked and checked again inside it: a referral
    or screening that arrived since the list was made keeps the citizen. Running it twice (or
    on two workers at once) is safe: an anonymised citizen is never a candidate again, and a
    citizen another worker holds is skipped.
    """
    now = now or timezone.now()
    done = 0
    for citizen_id in list(retention_candidates(now=now).values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            # Advisory locks before the row lock, in the order referrals takes them.
            citizen = _lock_citizen(citizen_id)
            if citizen is None or not retention_candidates(now=now).filter(pk=citizen_id).exists():
                continue
            _anonymise(citizen=citizen, kind=AnonymisationKind.RETENTION, actor=None)
            done += 1
    if done:
        logger.info("anonymised %d citizens whose retention period had ended", done)
    return done
