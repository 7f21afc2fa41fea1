"""Offers and matching: every change to offers, matches, attendance and unmet needs, by concern.

`from offers.services import x` and `from offers import services` see every service here.
"""

from offers.services.attendance import match_confirm_by_link, session_record_attendance
from offers.services.matches import (
    match_accept,
    match_end,
    match_plan_first_meeting,
    match_profile_save,
    match_propose,
    match_record_first_meeting,
    match_respond,
)
from offers.services.offers import (
    OFFER_FIELDS,
    offer_confirm,
    offer_create,
    offer_set_schedules,
    offer_set_status,
    offer_update,
    organisation_contact_add,
    schedule_days_and_slots,
)
from offers.services.unmet_needs import unmet_need_mark_met, unmet_need_record

__all__ = [
    "OFFER_FIELDS",
    "match_accept",
    "match_confirm_by_link",
    "match_end",
    "match_plan_first_meeting",
    "match_profile_save",
    "match_propose",
    "match_record_first_meeting",
    "match_respond",
    "offer_confirm",
    "offer_create",
    "offer_set_schedules",
    "offer_set_status",
    "offer_update",
    "organisation_contact_add",
    "schedule_days_and_slots",
    "session_record_attendance",
    "unmet_need_mark_met",
    "unmet_need_record",
]
