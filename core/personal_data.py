"""What each app holds about a citizen: one registry for access requests, erasure and retention.

Every app that stores something about a citizen registers a section in its own
`<app>/personal_data.py` (found at start-up by `privacy.apps`). The registry is here, below every
app, so that each can register without knowing privacy, which reads the sections for access
requests, erasure and retention:

    register(
        PersonalDataSection(
            key="matches",
            label=_("Matches"),
            order=60,
            rows=lambda citizen: Match.objects.filter(citizen=citizen),
            fields=["offer", "status", "proposed_at", "note"],
            anonymise=match_rows_anonymise,  # (citizen) -> rows touched; keep statistics' rows
            exclude_in_use=lambda citizens, cutoff: citizens.exclude(...),  # optional
        )
    )

- `rows` + `fields` are what the citizen gets in an access request (JSON and the printed page).
- `anonymise(citizen)` removes the section's personal data and free text, keeping the rows that
  statistics count (dates, codes, scores) as anonymous rows. It runs inside the erasure's
  transaction, with the citizen's row locked; it must be safe to run twice.
- `exclude_in_use(citizens, cutoff)` removes from a queryset of retention candidates those the
  section still needs (an open match, a recent one): retention never anonymises them.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class PersonalDataSection:
    key: str
    label: str | Promise
    order: int
    rows: Callable[..., QuerySet]
    fields: list[str]
    anonymise: Callable[..., int] | None = None
    exclude_in_use: Callable[[QuerySet, datetime], QuerySet] | None = None
    # Labels for names in `fields` that are properties, not model fields.
    labels: dict = field(default_factory=dict)


_SECTIONS: dict[str, PersonalDataSection] = {}


def register(section: PersonalDataSection) -> PersonalDataSection:
    """Add (or replace, when a module is imported again) a section of personal data."""
    _SECTIONS[section.key] = section
    return section


def sections() -> list[PersonalDataSection]:
    return sorted(_SECTIONS.values(), key=lambda s: (s.order, s.key))


def section(key: str) -> PersonalDataSection:
    return _SECTIONS[key]
