from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "matching"
    verbose_name = _("Matching")

    def ready(self):
        # Imported here, once the models are loaded (selectors import them). Matching builds on
        # offers, volunteers and referrals; they reach matches only through what is handed in here.
        from matching.selectors import open_matches_of_volunteer, proposal_for_request
        from volunteers.selectors import match_readers_set

        match_readers_set(
            open_matches_of_volunteer=open_matches_of_volunteer,
            proposal_for_request=proposal_for_request,
        )
        from matching.services.vetting import (
            vetting_reminders_create,
            volunteer_matches_needing_vetting,
        )
        from volunteers.selectors import vetting_readers_set
        from volunteers.services import vetting_reminders_set

        vetting_readers_set(matches_needing_vetting=volunteer_matches_needing_vetting)
        vetting_reminders_set(create=vetting_reminders_create)
        from matching.ranking.suggestions import companions_read, suggestions_of_kind
        from referrals.selectors import suggestion_readers_set

        suggestion_readers_set(rank=suggestions_of_kind, read=companions_read)
        from matching.services.waiting_list import offer_waiting_list_case_closed
        from referrals.services.cases import case_close_hook_add

        # A closed case leaves the offers' waiting lists; a place held for it goes to the next.
        case_close_hook_add("offer_waiting_lists", offer_waiting_list_case_closed)
        from matching.services.closing import (
            case_close_lasting_community_check,
            case_close_matches,
        )
        from referrals.services.cases import case_close_check_add

        # A closed case's matches end with it, unless handed over; "in a lasting community"
        # must name a community beyond the bridge-builder's own.
        case_close_hook_add("offer_matches", case_close_matches)
        case_close_check_add("lasting_community", case_close_lasting_community_check)
        from matching.services.offer_changes import offer_changed
        from offers.services.offers import offer_changed_hook_add

        offer_changed_hook_add("matches", offer_changed)
