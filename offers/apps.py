from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OffersConfig(AppConfig):
    name = "offers"
    verbose_name = _("Offers and matching")

    def ready(self):
        # Imported here, once the models are loaded (selectors import them).
        from offers.selectors import open_matches_of_volunteer, proposal_for_request
        from volunteers.selectors import match_readers_set

        match_readers_set(
            open_matches_of_volunteer=open_matches_of_volunteer,
            proposal_for_request=proposal_for_request,
        )
        from offers.matching.suggestions import companions_read, suggestions_of_kind
        from referrals.selectors import suggestion_readers_set

        suggestion_readers_set(rank=suggestions_of_kind, read=companions_read)
