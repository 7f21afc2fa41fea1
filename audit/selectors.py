from datetime import date, datetime, time
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils import timezone

from audit.models import AuditEvent


def audit_events_visible_to(*, user) -> QuerySet[AuditEvent]:
    """The audit trail is for those who audit (the admin role), and for nobody else."""
    if not user.has_perm("audit.view_auditevent"):
        raise PermissionDenied
    return AuditEvent.objects.select_related("actor", "content_type")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events_filter(
    events: QuerySet[AuditEvent],
    *,
    actor: str = "",
    action: str = "",
    content_type_id: int | None = None,
    subject_id: UUID | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    oldest_first: bool = False,
) -> QuerySet[AuditEvent]:
    if actor:
        events = events.filter(actor__username__iexact=actor)
    if action:
        events = events.filter(action=action)
    if content_type_id:
        events = events.filter(content_type_id=content_type_id)
    if subject_id:
        events = events.filter(subject_id=subject_id)
    if date_from:
        events = events.filter(created_at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(created_at__lt=_start_of(date_to) + timezone.timedelta(days=1))
    return events.order_by("created_at" if oldest_first else "-created_at")
