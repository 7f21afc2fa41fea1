"""What matching holds about a citizen. Matches stay as anonymous rows (which offer or volunteer,
status and dates) so statistics of matches and outcomes stay right; the free text, the reasons
and the citizen's wishes go. An open match is ended first, so its place is freed. A citizen with
an open match is still being helped, so retention leaves them alone. An unmet need ("no fitting
offer exists") keeps its category, area and dates, not what was wanted."""

from django.utils.translation import gettext_lazy as _

from core.personal_data import PersonalDataSection, register
from offers.models import UnmetNeed


def _unmet_needs_anonymise(citizen) -> int:
    # The need stays as an anonymous row (its category, area and dates: the gap analysis counts
    # it); what was wanted is the citizen's own wish, in words, and goes.
    return UnmetNeed.objects.filter(case__citizen=citizen).update(wanted="")


register(
    PersonalDataSection(
        key="unmet_needs",
        label=_("Wishes no offer met"),
        order=67,
        rows=lambda citizen: UnmetNeed.objects.filter(case__citizen=citizen).order_by("created_at"),
        fields=["category", "wanted", "postcode", "created_at", "met_at"],
        anonymise=_unmet_needs_anonymise,
    )
)


# Which full offers the citizen waited for, and when they were offered a place or left the list.
# No free text: the rows stay as they are (a closed case has left every list).
