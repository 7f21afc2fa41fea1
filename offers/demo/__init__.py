"""The demo's offers, its matches and its unmet needs: three steps of the demo municipality
(settings.BROBYG_DEMO_STEPS)."""

from offers.demo.matches import seed_matches
from offers.demo.offers import POSTCODES_FILE, seed_offers, seed_postcodes
from offers.demo.unmet_needs import seed_unmet_needs

__all__ = ["POSTCODES_FILE", "seed_matches", "seed_offers", "seed_postcodes", "seed_unmet_needs"]
