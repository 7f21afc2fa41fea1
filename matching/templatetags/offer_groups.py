from django import template
from django.utils import timezone

from audit.services import audit_read_many
from matching.forms import GroupForm
from matching.match_groups import (
    GROUP_PERMISSION,
    group_current_case_line,
    group_default_name,
    offer_group_rosters,
)

register = template.Library()


@register.simple_tag(takes_context=True)
def offer_groups(context, offer) -> dict | None:
    """The groups section of the offer's coordinator page: each group with who is in it, and
    the form for a new one. Each citizen shown, named or not, is a read of their data (logged
    here, as the page shows them). None for those who do not manage groups."""
    request = context["request"]
    if not request.user.has_perm(GROUP_PERMISSION):
        return None
    rosters = offer_group_rosters(user=request.user, offer=offer)
    citizens = [match for roster in rosters for match in roster.citizens]
    if citizens:
        audit_read_many(actor=request.user, objs=citizens, request=request)
    form = GroupForm(
        user=request.user,
        initial={"name": group_default_name(offer=offer), "starts_on": timezone.localdate()},
    )
    return {"rosters": rosters, "form": form}


@register.simple_tag
def match_group(match):
    """The group of a citizen's match on the case page (whose read of the case is logged
    already): its name, end, volunteers, and a certificate that marks it; None for no group."""
    return group_current_case_line(match=match)
