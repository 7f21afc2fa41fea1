"""The one way to write the audit trail.

Call `audit_record` in the same transaction as every change, and `audit_read` wherever a person
opens a citizen's record:

    audit_record(actor=user, action=AuditAction.UPDATE, obj=case, fields=["status"])
    audit_read(actor=request.user, obj=citizen, request=request)

Only field *names* are stored, and they are checked against the model, so a value cannot slip
into the log by mistake. The citizen the record belongs to is taken from the model's
`audit_subject_id` property when it has one.

While a request is answered (audit.middleware.AccessLogMiddleware), the reads it logs are kept
and written together when the page is done, before the answer leaves: one insert and one commit
per request, however many places on the page log a read. Outside a request, and for every
change, each event is written at once.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.http import HttpRequest

from audit.constants import AuditAction
from audit.models import AuditEvent
from core.http import client_ip

# The reads logged so far in the request being answered; None outside a request.
_pending_reads: ContextVar[list[AuditEvent] | None] = ContextVar(
    "audit_pending_reads", default=None
)


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
    known: dict | None = None,
) -> AuditEvent:
    """One event, not yet written. `known`: what the events of one list share (the actor, the
    address, each kind of record's content type), worked out once for the list."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}")
    if subject_id is None and obj is not None:
        subject_id = getattr(obj, "audit_subject_id", None)
    known = {} if known is None else known
    if "actor_id" not in known:
        known.update(actor_id=_actor_id(actor), ip_address=_ip_address(request))
    content_type = None
    if obj is not None:
        content_type = known.get(type(obj))
        if content_type is None:
            content_type = known[type(obj)] = ContentType.objects.get_for_model(obj)
    return AuditEvent(
        actor_id=known["actor_id"],
        action=action,
        content_type=content_type,
        object_id=str(obj.pk) if obj is not None else "",
        subject_id=subject_id,
        fields=_field_names(obj, fields),
        ip_address=known["ip_address"],
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


def _insert(events: list[AuditEvent]) -> list[AuditEvent]:
    """One statement: a single event without bulk_create's transaction around it."""
    if len(events) == 1:
        events[0].save(force_insert=True)
        return events
    return AuditEvent.objects.bulk_create(events)


def _reads_write(events: list[AuditEvent]) -> list[AuditEvent]:
    pending = _pending_reads.get()
    if pending is None:
        return _insert(events)
    pending.extend(events)
    return events


@contextmanager
def audit_reads_batched() -> Iterator[None]:
    """Keep the reads logged inside the block and write them in one insert at its end, whether
    the block ends well or not: what was shown, or was about to be, is in the log either way."""
    pending: list[AuditEvent] = []
    token = _pending_reads.set(pending)
    try:
        yield
    finally:
        _pending_reads.reset(token)
        if pending:
            _insert(pending)


def audit_read(
    *, actor, obj: models.Model, subject_id: UUID | None = None, request: HttpRequest | None = None
) -> AuditEvent:
    """Record that `actor` opened `obj` (a citizen's record, a case page, …)."""
    event = _event(
        actor=actor,
        action=AuditAction.READ,
        obj=obj,
        fields=(),
        subject_id=subject_id,
        request=request,
    )
    _reads_write([event])
    return event


def audit_read_many(
    *, actor, objs: Sequence[models.Model], request: HttpRequest | None = None
) -> list[AuditEvent]:
    """Record reads of several records in one insert, e.g. the rows of a list a person saw."""
    known: dict = {}
    events = [
        _event(
            actor=actor,
            action=AuditAction.READ,
            obj=obj,
            fields=(),
            subject_id=None,
            request=request,
            known=known,
        )
        for obj in objs
    ]
    return _reads_write(events)


def audit_record_many(
    *,
    actor,
    action: str,
    objs: Sequence[models.Model],
    fields: Iterable[str] = (),
    request: HttpRequest | None = None,
) -> list[AuditEvent]:
    """Write one audit event per record in one insert: the same change to many records at once
    (an import), in the same transaction as the change, or many records handed out at once."""
    fields = list(fields)
    events = [
        _event(actor=actor, action=action, obj=obj, fields=fields, subject_id=None, request=request)
        for obj in objs
    ]
    return AuditEvent.objects.bulk_create(events, batch_size=1000)
