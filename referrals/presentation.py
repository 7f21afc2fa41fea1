"""What the case page shows of a case's data, decided here so that its templates only lay it out.

A timeline entry is one CaseEvent as the timeline shows it: its kind (the CSS gives each kind
its colour, `timeline-<kind>`), when and by whom, the kind's name, the line made in the reader's
language (referrals/events.py) and the words a person wrote that go under it as written.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from referrals.constants import CaseEventKind
from referrals.models import CaseEvent


@dataclass(frozen=True)
class TimelineEntry:
    kind: str
    occurred_at: datetime
    who: str
    title: str
    # What happened, after the kind's name; empty when the name says it all (a note).
    text: str
    # Words a person wrote (a note, what was noted at a contact), shown as written, line breaks
    # and all; empty when there are none.
    words: str


def _words(event: CaseEvent) -> str:
    if event.kind == CaseEventKind.NOTE and event.note_id:
        return event.note.text
    if event.kind == CaseEventKind.CONTACT and event.contact_id:
        return event.contact.note
    return ""


def timeline_entry(event: CaseEvent) -> TimelineEntry:
    """The entry for one event, in the active language. Reads only the rows the timeline's
    selector fetches with the event (its actor, contact, note, consent, referral)."""
    return TimelineEntry(
        kind=event.kind,
        occurred_at=event.occurred_at,
        who=str(event.actor) if event.actor_id else _("system"),
        title=str(event.get_kind_display()),
        text=event.text,
        words=_words(event),
    )


def timeline_entries(events: Iterable[CaseEvent]) -> list[TimelineEntry]:
    return [timeline_entry(event) for event in events]
