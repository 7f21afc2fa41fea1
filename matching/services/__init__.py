"""Matching: every change to matches, groups on an offer, attendance, recurring contact and the
offers' waiting lists, by concern.

`from matching.services import x` and `from matching import services` see every service here.
"""

from matching.services.attendance import match_confirm_by_link, session_record_attendance
from matching.services.contact import (
    contact_agreement_set,
    contact_link_renew,
    contact_link_send,
    contact_log_anonymise,
    contact_log_record,
    contact_missed_check,
    contact_missed_sweep,
)
from matching.services.groups import (
    group_add_citizen,
    group_add_volunteer,
    group_create,
    group_end,
    group_remove_citizen,
    group_remove_volunteer,
)
from matching.services.matches import (
    match_accept,
    match_end,
    match_plan_first_meeting,
    match_profile_save,
    match_propose,
    match_record_first_meeting,
    match_respond,
)
from matching.services.sessions import (
    session_calls_create,
    session_dates_ahead,
    session_meets_on,
    session_pickup_list,
)
from matching.services.waiting_list import (
    offer_waiting_list_add,
    offer_waiting_list_case_closed,
    offer_waiting_list_claim_place,
    offer_waiting_list_fill_places,
    offer_waiting_list_remove,
)

__all__ = [
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
    "offer_waiting_list_add",
    "offer_waiting_list_case_closed",
    "offer_waiting_list_claim_place",
    "offer_waiting_list_fill_places",
    "offer_waiting_list_remove",
    "session_calls_create",
    "session_dates_ahead",
    "session_meets_on",
    "session_pickup_list",
    "session_record_attendance",
]
