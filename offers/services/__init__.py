"""Offers: every change to offers, their meeting times and unmet needs, by concern.

`from offers.services import x` and `from offers import services` see every service here.
"""

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
    "offer_confirm",
    "offer_create",
    "offer_set_schedules",
    "offer_set_status",
    "offer_update",
    "organisation_contact_add",
    "schedule_days_and_slots",
    "unmet_need_mark_met",
    "unmet_need_record",
]
