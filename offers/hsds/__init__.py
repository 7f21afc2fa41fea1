"""Offers as Open Referral HSDS 3.0 services: the export behind GET /api/v1/offers/hsds/ and the
import behind `manage.py import_hsds` (offers/hsds/export.py; reading.py and importing.py), and
the offers an import holds for review (review.py).

An offer exported and imported again, into an empty database or over itself, is the same offer:
the same ids, the same fields, the same record when exported once more; a second import of the
same file changes nothing. HSDS gives every nested record (schedule, location, phone, taxonomy
term …) an id of its own. The offer and its organisation keep theirs: the import creates them
under the ids they have in the file. Every other id is a UUID derived from the offer's or the
organisation's id (uuid5; a meeting time's from what it is, a contact person's from the name), so
the same offer exports the same ids each time and wherever it is kept.

What HSDS has no field for travels as terms of Brobyg's taxonomies: brobyg-strategy,
brobyg-activity, brobyg-interest, brobyg-target-group, brobyg-feature (fritidspas, access,
transport, accompaniment, a group offer, another language), brobyg-detail (the places and how
the host welcomes newcomers, in the attribute's value) and, on the organisation,
brobyg-organisation-kind. The host is a contact with the title "Host". When it was last checked
is `assured_date` (the offer's last confirmation), read back as it is: an import never makes an
offer look more recently confirmed than the file says, and a file that does not say counts as
stale.

Not carried: `last_modified` (when this installation last changed the record; a copy has its
own), the coordinating team (the import is told it, or holds the offer for review), places
taken (this installation's matches), whether the offer is public (the export holds only public,
active offers), the organisation's municipality code and whether it is active, and the texts
written from the fields (fees_description, eligibility_description, application_process, alert):
the fields they come from are carried.

Meeting times map to RFC 5545 rules the way HSDS uses them:

    weekly               freq=WEEKLY  interval=1 byday=TU
    every other week     freq=WEEKLY  interval=2 byday=TH   dtstart = a meeting day
    monthly, nth weekday freq=MONTHLY interval=1 byday=1MO  (-1FR: the last Friday)
    monthly, any week    freq=MONTHLY interval=1 dtstart = a meeting day (no byday)
    one date             no freq, dtstart = until = the date

with the season in valid_from and valid_to.
"""

from offers.hsds.common import NAMESPACE
from offers.hsds.export import hsds_offers, hsds_page, offer_to_hsds
from offers.hsds.importing import ImportReport, ImportResult, hsds_import, hsds_load, hsds_services
from offers.hsds.review import (
    HELD_BECAUSE,
    offer_held_get,
    offer_hold_for_review,
    offer_review_assign_team,
    offer_review_release,
    offers_held,
    offers_held_for_review,
    review_reason_texts,
)

__all__ = [
    "HELD_BECAUSE",
    "NAMESPACE",
    "ImportReport",
    "ImportResult",
    "hsds_import",
    "hsds_load",
    "hsds_offers",
    "hsds_page",
    "hsds_services",
    "offer_held_get",
    "offer_hold_for_review",
    "offer_review_assign_team",
    "offer_review_release",
    "offer_to_hsds",
    "offers_held",
    "offers_held_for_review",
    "review_reason_texts",
]
