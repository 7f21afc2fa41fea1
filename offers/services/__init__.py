"""Offers and matching: every change to offers, matches, groups on an offer, attendance,
recurring contact, unmet needs and the offers' waiting lists, by concern.

`from offers.services import x` and `from offers import services` see every service here.
"""

from offers.services.attendance import match_confirm_by_link, session_record_attendance
from offers.services.contact import (
    contact_agreement_set,
    contact_link_renew,
    contact_link_send,
    contact_log_anonymise,
    contact_log_record,
    contact_missed_check,
    contact_missed_sweep,
)
from offers.services.groups import (
    group_add_citizen,
    group_add_volunteer,
    group_create,
    group_end,
    group_remove_citizen,
    group_remove_volunteer,
)
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
from offers.services.sessions import (
    session_calls_create,
    session_dates_ahead,
    session_meets_on,
    session_pickup_list,
)
from offers.services.unmet_needs import unmet_need_mark_met, unmet_need_record
from offers.services.waiting_list import (
    offer_waiting_list_add,
    offer_waiting_list_case_closed,
    offer_waiting_list_claim_place,
    offer_waiting_list_fill_places,
    offer_waiting_list_remove,
)

__all__ = [
    "OFFER_FIELDS",
    "contact_agreement_set",
    "contact_link_renew",
    "contact_link_send",
    "contact_log_anonymise",
    "contact_log_record",
    "contact_missed_check",
    "contact_missed_sweep",
    "group_add_citizen",
    "group_add_volunteer",
    "group_create",
    "group_end",
    "group_remove_citizen",
    "group_remove_volunteer",
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
    "offer_waiting_list_add",
    "offer_waiting_list_case_closed",
    "offer_waiting_list_claim_place",
    "offer_waiting_list_fill_places",
    "offer_waiting_list_remove",
    "organisation_contact_add",
    "schedule_days_and_slots",
    "session_calls_create",
    "session_dates_ahead",
    "session_meets_on",
    "session_pickup_list",
    "session_record_attendance",
    "unmet_need_mark_met",
    "unmet_need_record",
]
