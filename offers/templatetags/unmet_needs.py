from django import template

from offers.forms import UnmetNeedForm
from offers.selectors import unmet_needs_of_case

register = template.Library()


@register.simple_tag
def case_unmet_needs(case) -> dict:
    """What the case page's block of unmet needs shows: the case's needs ("no fitting offer
    exists") and the form for a new one. The page's read of the case is logged already."""
    return {
        "case": case,
        "needs": unmet_needs_of_case(case=case),
        "form": UnmetNeedForm(),
        "saved": False,
    }
