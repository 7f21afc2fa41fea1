"""The waiting list holds which kind of volunteer a citizen waits for and since when. The rows
stay (waiting-list statistics count them) without the note; an open wait is closed."""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.personal_data import PersonalDataSection, register
from volunteers.models import VolunteerRequest


def _requests_anonymise(citizen) -> int:
    requests = VolunteerRequest.objects.filter(citizen=citizen)
    requests.filter(closed_at__isnull=True).update(closed_at=timezone.now())
    return requests.update(note="")


def _waiting(citizens: QuerySet, cutoff) -> QuerySet:
    return citizens.exclude(
        pk__in=VolunteerRequest.objects.filter(closed_at__isnull=True).values("citizen_id")
    )


register(
    PersonalDataSection(
        key="volunteer_requests",
        label=_("Waiting list for a volunteer"),
        order=66,
        rows=lambda citizen: VolunteerRequest.objects.filter(citizen=citizen).order_by(
            "requested_on"
        ),
        fields=["role", "requested_on", "note", "closed_at"],
        anonymise=_requests_anonymise,
        exclude_in_use=_waiting,
    )
)
