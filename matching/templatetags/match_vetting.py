from django import template

from matching.services.vetting import match_vetting_warning as _match_vetting_warning

register = template.Library()


@register.simple_tag
def match_vetting_warning(match):
    """The case page's mark on a match whose volunteer comes into a private home with a
    certificate that is missing, has run out or is about to (matching/services/vetting.py)."""
    return _match_vetting_warning(match=match)
