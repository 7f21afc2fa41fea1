"""The audit trail of a citizen's record: part of what the citizen may see (who looked at what,
when), and never anonymised — it holds no personal values, only who did what to which record."""

from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from core.personal_data import PersonalDataSection, register

register(
    PersonalDataSection(
        key="audit_trail",
        label=_("Who read or changed the record"),
        order=90,
        rows=lambda citizen: (
            AuditEvent.objects.filter(subject_id=citizen.pk)
            .select_related("actor", "content_type")
            .order_by("created_at")
        ),
        fields=["created_at", "actor", "action", "content_type", "fields"],
    )
)
