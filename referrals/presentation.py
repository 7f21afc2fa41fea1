"""What the case pages show of a case's data, decided here so that its templates only lay it out.

A timeline entry is one CaseEvent as the timeline shows it: its kind (the CSS gives each kind
its colour, `timeline-<kind>`), when and by whom, the kind's name, the line made in the reader's
language (referrals/events.py) and the words a person wrote that go under it as written.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from referrals.constants import CASE_TRANSITIONS, CaseEventKind, CaseStatus
from referrals.models import Case, CaseEvent


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


# --- The next step in the course ----------------------------------------------------------------

# What each step forward means, said beside its button.
STEP_DOES = {
    CaseStatus.CONTACTED: gettext_lazy(
        "The citizen has been reached. Next: the screening and a talk about what they want."
    ),
    CaseStatus.SCREENING: gettext_lazy(
        "UCLA-3 and a talk about wishes, network and barriers, ending in an agreed plan."
    ),
    CaseStatus.MATCHING: gettext_lazy(
        "Find offers and volunteers with the citizen. A referrer who may be told hears of it."
    ),
    CaseStatus.FOLLOWING_UP: gettext_lazy(
        "The citizen has begun in an offer or with a volunteer: follow up until they carry on "
        "without you."
    ),
}


@dataclass(frozen=True)
class NextStep:
    status: str
    label: str
    # What the step means, in a sentence.
    does: str


def case_forward_steps(status: str) -> list[str]:
    """The steps forward along the path from `status` that case_change_status takes. The steps
    back it also takes (a new match after follow-up) happen with the work itself, never from
    the case's "next step"; closing has its own form."""
    path = CaseStatus.values
    return [
        step
        for step in path
        if step in CASE_TRANSITIONS[status]
        and step != CaseStatus.CLOSED
        and path.index(step) > path.index(status)
    ]


def case_next_steps(*, case: Case) -> list[NextStep]:
    return [
        NextStep(status=step, label=str(CaseStatus(step).label), does=str(STEP_DOES[step]))
        for step in case_forward_steps(case.status)
    ]


# --- The caseload -------------------------------------------------------------------------------


def case_count_text(*, count: int, status: str = "") -> str:
    """The caseload's count in words that follow its filter: open cases unless a status is
    chosen, closed ones when that is the status, else just cases."""
    values = {"counter": count}
    if not status:
        return ngettext("%(counter)s open case", "%(counter)s open cases", count) % values
    if status == CaseStatus.CLOSED:
        return ngettext("%(counter)s closed case", "%(counter)s closed cases", count) % values
    return ngettext("%(counter)s case", "%(counter)s cases", count) % values
