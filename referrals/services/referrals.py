"""Referrals: from a referrer, the public form or home care, onto the citizen's one open case."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.constants import TeamKind
from accounts.models import Team, User
from audit.constants import AuditAction
from audit.services import audit_record
from referrals.constants import (
    CaseEventKind,
    CaseStatus,
    ConsentMethod,
    ConsentPurpose,
    LifeTransition,
    ReferralSource,
    Urgency,
)
from referrals.identity import owning_case_team
from referrals.models import Case, Citizen, Referral
from referrals.services.citizens import CitizenMatch, citizen_resolve
from referrals.services.consent import consent_give
from referrals.timeline import case_event_record

# --- What the apps above referrals do when a citizen is referred --------------------------------
# A referral answers what an app building on referrals had asked for (screening: a triage
# colour's "refer to a bridge-builder"). Referrals cannot import them: each hands in its part at
# start-up, from its AppConfig.ready, and referral_create calls it in its own transaction.
_ON_REFERRAL: dict[str, Callable[..., None]] = {}


def referral_hook_add(name: str, hook: Callable[..., None]) -> None:
    """`hook(referral=…, actor=…)` runs when a referral has been recorded."""
    _ON_REFERRAL[name] = hook


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
    case_event_record(case=case, kind=CaseEventKind.REFERRAL, actor=referrer, referral=referral)
    for hook in _ON_REFERRAL.values():
        hook(referral=referral, actor=referrer)
    return ReferralResult(referral, attached_to_existing=match.existed)
