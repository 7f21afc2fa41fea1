"""What an offer's page offers to do with it, decided here by the rules the services enforce
(offer_set_status), so that the template only shows the buttons of the steps offered."""

from dataclasses import dataclass

from offers.constants import OfferStatus
from offers.models import Offer
from offers.services.offers import offer_status_steps_from


@dataclass(frozen=True)
class OfferStatusSteps:
    """The status steps the offer's page offers: those offer_set_status takes from here."""

    pause: bool = False
    activate: bool = False
    archive: bool = False


def offer_status_steps(*, offer: Offer) -> OfferStatusSteps:
    steps = offer_status_steps_from(offer)
    return OfferStatusSteps(
        pause=OfferStatus.PAUSED in steps,
        activate=OfferStatus.ACTIVE in steps,
        archive=OfferStatus.ARCHIVED in steps,
    )
