"""The one way to write the audit trail.

Call `audit_record` in the same transaction as every change, and `audit_read` wherever a person
opens a citizen's record:

    audit_record(actor=user, action=AuditAction.UPDATE, obj=case, fields=["status"])
    audit_read(actor=request.user, obj=citizen, request=request)

Only field *names* are stored, and they are checked against the model, so a value cannot slip
into the log by mistake. The citizen the record belongs to is taken from the model's
`audit_subject_id` property when it has one.
"""

from collections.abc import Iterable, Sequence
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest

from audit.constants import AuditAction
from audit.models import AuditEvent
from core.http import client_ip


def _actor_id(actor) -> int | None:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None
    return actor.pk


def _ip_address(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return client_ip(request) or None


def _field_names(obj: models.Model | None, fields: Iterable[str]) -> list[str]:
    names = list(fields)
    if obj is None:
        if names:
            raise ValueError("audit fields need the object they belong to")
        return names
    for name in names:
        try:
            obj._meta.get_field(name)
        except FieldDoesNotExist as exc:
            raise ValueError(
                f"{name!r} is not a field of {obj._meta.label}; the audit trail stores field "
                "names only, never values"
            ) from exc
    return names


def _event(
    *,
    actor,
    action: str,
    obj: models.Model | None,
    fields: Iterable[str],
    subject_id: UUID | None,
    request: HttpRequest | None,
) -> AuditEvent:
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    if subject_id is None and obj is not None:
        subject_id = getattr(obj, "audit_subject_id", None)
    return AuditEvent(
        actor_id=_actor_id(actor),
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        subject_id=subject_id,
        fields=_field_names(obj, fields),
        ip_address=_ip_address(request),
    )


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    fields: Iterable[str] = (),
    subject_id: UUID | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Write one audit event. `actor` is the user who acted, or None for the system."""
    event = _event(
        actor=actor,
        action=action,
        obj=obj,
        fields=fields,
        subject_id=subject_id,
        request=request,
    )
    event.save(force_insert=True)
    return event


def audit_read(
    *, actor, obj: models.Model, subject_id: UUID | None = None, request: HttpRequest | None = None
) -> AuditEvent:
    """Record that `actor` opened `obj` (a citizen's record, a case page, …)."""
    return audit_record(
        actor=actor, action=AuditAction.READ, obj=obj, subject_id=subject_id, request=request
    )


def audit_read_many(
    *, actor, objs: Sequence[models.Model], request: HttpRequest | None = None
) -> list[AuditEvent]:
    """Record reads of several records in one insert, e.g. the rows of a list a person saw."""
    events = [
        _event(
            actor=actor,
            action=AuditAction.READ,
            obj=obj,
            fields=(),
            subject_id=None,
            request=request,
        )
        for obj in objs
    ]
    return AuditEvent.objects.bulk_create(events)


def audit_record_many(
    *, actor, action: str, objs: Sequence[models.Model], fields: Iterable[str] = ()
) -> list[AuditEvent]:
    """Write one audit event per record in one insert: the same change to many records at once
    (an import), in the same transaction as the change."""
    fields = list(fields)
    events = [
        _event(actor=actor, action=action, obj=obj, fields=fields, subject_id=None, request=None)
        for obj in objs
    ]
    return AuditEvent.objects.bulk_create(events, batch_size=1000)
