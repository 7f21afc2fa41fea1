from django import template

from audit.services import audit_read_many
from matching.selectors import full_offer_ids, offer_waiting_list, waiting_list_of_case
from offers.constants import SuggestionKind

register = template.Library()


def case_block(case, *, suggestions=None, errors=()) -> dict:
    """What the matching page's block of offers' waiting lists shows: the offers the citizen
    waits for, each with its place in the queue, and the full offers among the suggestions, each
    with a button to put the citizen on its list (an offer with a place free is proposed)."""
    entries = waiting_list_of_case(case=case)
    offers = [s for s in suggestions or [] if s.kind == SuggestionKind.OFFER]
    full = full_offer_ids([s.id for s in offers]) if offers else set()
    waiting = {entry.offer_id for entry in entries}
    return {
        "case": case,
        "entries": entries,
        "full_suggestions": [s for s in offers if s.id in full and s.id not in waiting],
        "errors": list(errors),
    }


@register.simple_tag
def case_offer_waiting_list(case, suggestions=None) -> dict:
    # The page's read of the case is logged already: the entries are the same citizen's.
    return case_block(case, suggestions=suggestions)


@register.simple_tag(takes_context=True)
def coordination_offer_waiting_list(context, offer) -> dict:
    """The offer's waiting list on its coordinator's page: the names of the citizens the reader
    may know anyway, each a read of that citizen's data (logged here, as the page shows them),
    and how many others wait."""
    request = context["request"]
    entries = offer_waiting_list(user=request.user, offer=offer)
    named = [entry for entry in entries if entry.named]
    if named:
        audit_read_many(actor=request.user, objs=named, request=request)
    return {"offer": offer, "named": named, "others": len(entries) - len(named)}
