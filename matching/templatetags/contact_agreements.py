from django import template

from audit.services import audit_read_many
from matching.contact import case_contact_overviews
from matching.contact import entry_logged_by as _entry_logged_by
from matching.contact import volunteer_contact_agreements as _volunteer_contact_agreements

register = template.Library()


@register.simple_tag
def case_contact_agreements(case, matches) -> list:
    """The case page's block: each running one-to-one match with its agreement, contacts,
    parked topics and concerns. The page's read of the case is logged already: the same
    citizen's."""
    return case_contact_overviews(case=case, matches=matches)


@register.simple_tag(takes_context=True)
def volunteer_contact_agreements(context, matches) -> list:
    """The volunteer's current agreements on their page (`matches`: the page's open matches, each
    citizen as the volunteer may know them); each one shown is a read of that citizen's data
    (logged here, as the page shows them)."""
    overviews = _volunteer_contact_agreements(matches=matches)
    if overviews:
        audit_read_many(
            actor=context["request"].user,
            objs=[overview.agreement for overview in overviews],
            request=context["request"],
        )
    return overviews


@register.simple_tag
def contact_logged_by(entry) -> str:
    return _entry_logged_by(entry)
