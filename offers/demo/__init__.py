"""The demo's offers and its unmet needs: two steps of the demo municipality
(settings.BROBYG_DEMO_STEPS)."""

from offers.demo.offers import POSTCODES_FILE, seed_offers, seed_postcodes
from offers.demo.unmet_needs import seed_unmet_needs

__all__ = ["POSTCODES_FILE", "seed_offers", "seed_postcodes", "seed_unmet_needs"]
