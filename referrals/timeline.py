"""Writing the case's timeline: the one function every app that adds a line calls (referrals'
services and identity, screening, offers), in the caller's transaction.

A line is its kind, which event of that kind it is (`data["action"]`) and the values its
sentence is made of when read (referrals/events.py); a line the timeline could not read is
refused here rather than shown blank later.
"""

from datetime import datetime

from referrals.constants import CaseEventAction, CaseEventKind
from referrals.models import Case, CaseEvent


def case_event_record(
    *,
    case: Case | None = None,
    case_id=None,
    kind: str,
    actor,
    occurred_at: datetime | None = None,
    data: dict | None = None,
    **links,
) -> CaseEvent:
    """Add a line to the case's timeline. `links` are the rows the line is about, as the
    CaseEvent's foreign keys (`referral=`, `contact=`, `note=`, `consent=`, `assignee=`), or
    its `status_from`/`status_to`/`detail`."""
    if kind not in CaseEventKind.values:
        raise ValueError(f"unknown case event kind {kind!r}")
    data = dict(data or {})
    if "action" in data and data["action"] not in CaseEventAction.values:
        raise ValueError(f"unknown case event action {data['action']!r}")
    if (case is None) == (case_id is None):
        raise TypeError("give the case or its id")
    fields = {"case": case} if case is not None else {"case_id": case_id}
    if occurred_at is not None:
        fields["occurred_at"] = occurred_at
    return CaseEvent.objects.create(kind=kind, actor=actor, data=data, **fields, **links)
