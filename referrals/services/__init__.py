"""Every change to citizens, referrals and cases. Each validates, runs in one transaction,
writes its timeline event and audit event there, and schedules e-mails after commit.

By concern: citizens, consent, referrals, the case, and the referrer's feedback.
"""

from referrals.services.cases import (
    FEEDBACK_STATUSES,
    case_assign,
    case_change_status,
    case_close,
    contact_record,
    network_person_add,
    network_person_remove,
    note_add,
    plan_step_add,
    plan_step_complete,
)
from referrals.services.citizens import (
    CITIZEN_FIELDS,
    CitizenMatch,
    citizen_check,
    citizen_resolve,
    citizen_set_home_care_team,
    citizen_update,
    referral_details_use,
)
from referrals.services.consent import (
    consent_give,
    consent_given_at_check,
    consent_is_active,
    consent_withdraw,
)
from referrals.services.exit_criteria import (
    ExitCriterionState,
    case_exit_criteria,
    exit_criteria_unmet,
    exit_criterion_tick,
    exit_criterion_untick,
)
from referrals.services.feedback import referral_feedback_deliver, referral_feedback_due
from referrals.services.referrals import ReferralResult, referral_create, team_for_referrals

__all__ = [
    "CITIZEN_FIELDS",
    "FEEDBACK_STATUSES",
    "CitizenMatch",
    "ExitCriterionState",
    "ReferralResult",
    "case_assign",
    "case_change_status",
    "case_close",
    "case_exit_criteria",
    "citizen_check",
    "citizen_resolve",
    "citizen_set_home_care_team",
    "citizen_update",
    "consent_give",
    "consent_given_at_check",
    "consent_is_active",
    "consent_withdraw",
    "contact_record",
    "exit_criteria_unmet",
    "exit_criterion_tick",
    "exit_criterion_untick",
    "network_person_add",
    "network_person_remove",
    "note_add",
    "plan_step_add",
    "plan_step_complete",
    "referral_create",
    "referral_details_use",
    "referral_feedback_deliver",
    "referral_feedback_due",
    "team_for_referrals",
]
