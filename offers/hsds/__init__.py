"""Offers as Open Referral HSDS 3.0 services: the export behind GET /api/v1/offers/hsds/ and the
import behind `manage.py import_hsds` (offers/hsds/export.py and importing.py).

HSDS gives every nested record (schedule, location, phone, taxonomy term …) an id of its own.
Brobyg keeps rows only for offers, schedules, organisations and contact persons; every other id
is a UUID derived from the offer's id (uuid5), so the same offer exports the same ids each time.

Meeting times map to RFC 5545 rules the way HSDS uses them:

    weekly               freq=WEEKLY  interval=1 byday=TU
    every other week     freq=WEEKLY  interval=2 byday=TH   dtstart = a meeting day
    monthly, nth weekday freq=MONTHLY interval=1 byday=1MO  (-1FR: the last Friday)
    monthly, any week    freq=MONTHLY interval=1 dtstart = a meeting day (no byday)
    one date             no freq, dtstart = until = the date
"""

from offers.hsds.common import NAMESPACE
from offers.hsds.export import hsds_offers, hsds_page, offer_to_hsds
from offers.hsds.importing import ImportReport, ImportResult, hsds_import, hsds_load, hsds_services

__all__ = [
    "NAMESPACE",
    "ImportReport",
    "ImportResult",
    "hsds_import",
    "hsds_load",
    "hsds_offers",
    "hsds_page",
    "hsds_services",
    "offer_to_hsds",
]
