"""Versions of a screening instrument: written as a draft, put in use, retired.

Putting a version in use retires the version in use in the same transaction, with every version
of the instrument locked, so whoever asks for the version in use finds exactly one: the old one
until the commit, the new one after it (PostgreSQL shows a reader one or the other, never the
moment between). A tablet and the API therefore screen on while an administrator switches.
"""

import copy
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit.constants import AuditAction
from audit.services import audit_record
from core.exceptions import Conflict
from screening.constants import DEFAULT_INSTRUMENT, InstrumentStatus
from screening.defaults import CONVERSATION_TIPS
from screening.models import Instrument, definition_errors

_CODE = re.compile(r"^[-a-zA-Z0-9_]+$")


class NoActiveInstrument(Conflict):
    code = "no_instrument"
    default_message = gettext_lazy(
        "No version of the questionnaire is in use, so no screening can be made. Ask an "
        "administrator to put one in use."
    )


def instrument_active(code: str = DEFAULT_INSTRUMENT) -> Instrument:
    """The version new screenings use. Switching versions never leaves a moment without one;
    only an instrument never put in use has none, and the caller is told so rather than failing."""
    instrument = Instrument.objects.filter(code=code, status=InstrumentStatus.ACTIVE).first()
    if instrument is None:
        raise NoActiveInstrument
    return instrument


def instrument_for_screening(*, reference: str) -> Instrument:
    """The version a tablet showed, by its reference ("ucla3/1"): the answers were given to its
    wording, so the screening keeps it even when a newer version was put in use meanwhile. A
    draft was never shown to anyone and cannot be named."""
    code, _slash, version = (reference or "").partition("/")
    instrument = (
        Instrument.objects.filter(code=code, version=version)
        .exclude(status=InstrumentStatus.DRAFT)
        .first()
    )
    if instrument is None:
        raise ValidationError(
            {
                "instrument": _("No questionnaire “%(reference)s” has been in use.")
                % {"reference": reference}
            }
        )
    return instrument


def _check(*, code: str, version: str, name: str, definition, exclude_pk=None) -> None:
    errors = {}
    if not code or not _CODE.match(code):
        errors["code"] = [_("Give a code of letters, digits, - and _ only.")]
    if not (version or "").strip():
        errors["version"] = [_("Give the version a number or a name.")]
    elif (
        Instrument.objects.filter(code=code, version=version.strip())
        .exclude(pk=exclude_pk)
        .exists()
    ):
        errors["version"] = [
            _("The instrument already has a version “%(version)s”.") % {"version": version}
        ]
    if not (name or "").strip():
        errors["name"] = [_("Give the instrument a name.")]
    problems = definition_errors(definition)
    if problems:
        errors["definition"] = problems
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def instrument_create(
    *, code: str, version: str, name: str, definition, actor: User | None
) -> Instrument:
    """A new version, as a draft: nobody screens with it until it is put in use."""
    _check(code=code, version=version, name=name, definition=definition)
    instrument = Instrument.objects.create(
        code=code,
        version=version.strip(),
        name=name.strip(),
        definition=definition,
        status=InstrumentStatus.DRAFT,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=instrument)
    return instrument


@transaction.atomic
def instrument_update(
    *, instrument: Instrument, version: str, name: str, definition, actor: User | None
) -> Instrument:
    """Edit a draft. A version that has been in use is kept as it was: screenings used its
    wording. A new wording is a new version (`instrument_copy_as_draft`)."""
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if instrument.status != InstrumentStatus.DRAFT:
        raise ValidationError(
            _(
                "Only a draft can be edited: screenings used this version's wording. "
                "Copy it as a new draft instead."
            )
        )
    _check(
        code=instrument.code,
        version=version,
        name=name,
        definition=definition,
        exclude_pk=instrument.pk,
    )
    changed = [
        field
        for field, value in [
            ("version", version.strip()),
            ("name", name.strip()),
            ("definition", definition),
        ]
        if getattr(instrument, field) != value
    ]
    instrument.version, instrument.name, instrument.definition = (
        version.strip(),
        name.strip(),
        definition,
    )
    if changed:
        instrument.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=instrument, fields=changed)
    return instrument


def _next_version(code: str, after: str) -> str:
    """The next free version number: one more than the highest whole number, else `after`.2."""
    taken = set(Instrument.objects.filter(code=code).values_list("version", flat=True))
    numbers = [int(v) for v in taken if v.isdigit()]
    candidate = str(max(numbers) + 1) if numbers else f"{after}.2"
    n = 2
    while candidate in taken:
        n += 1
        candidate = f"{after}.{n}"
    return candidate


@transaction.atomic
def instrument_copy_as_draft(*, instrument: Instrument, actor: User | None) -> Instrument:
    """A new draft of the instrument with this version's wording, to be edited and put in use.
    The conversation tips come along, so they can be edited too."""
    definition = copy.deepcopy(instrument.definition)
    if isinstance(definition, dict) and definition.get("tips") is None:
        definition["tips"] = copy.deepcopy(CONVERSATION_TIPS)
    draft = Instrument.objects.create(
        code=instrument.code,
        version=_next_version(instrument.code, instrument.version),
        name=instrument.name,
        definition=definition,
        status=InstrumentStatus.DRAFT,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=draft)
    return draft


@transaction.atomic
def instrument_activate(*, instrument: Instrument, actor: User | None) -> Instrument:
    """Put a draft in use, and retire the version in use, at the same moment.

    Every version of the instrument is locked (in primary-key order, so two administrators
    activating at once take turns rather than deadlock); the database's "one in use per
    instrument" holds at every statement, and a reader sees the switch as one step."""
    versions = list(
        Instrument.objects.select_for_update().filter(code=instrument.code).order_by("pk")
    )
    target = next((v for v in versions if v.pk == instrument.pk), None)
    if target is None:
        raise Instrument.DoesNotExist
    if target.status == InstrumentStatus.ACTIVE:
        return target
    if target.status == InstrumentStatus.RETIRED:
        raise ValidationError(
            {
                "status": _(
                    "A retired version is not put in use again: copy it as a new draft and put "
                    "that in use."
                )
            }
        )
    problems = definition_errors(target.definition)
    if problems:
        raise ValidationError({"definition": problems})
    now = timezone.now()
    for version in versions:
        if version.status == InstrumentStatus.ACTIVE:
            version.status = InstrumentStatus.RETIRED
            version.retired_at = now
            version.save(update_fields=["status", "retired_at", "updated_at"])
            audit_record(
                actor=actor, action=AuditAction.UPDATE, obj=version, fields=["status", "retired_at"]
            )
    target.status = InstrumentStatus.ACTIVE
    target.activated_at = now
    target.save(update_fields=["status", "activated_at", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=target, fields=["status", "activated_at"]
    )
    return target


@transaction.atomic
def instrument_delete_draft(*, instrument: Instrument, actor: User | None) -> None:
    """A draft nobody screened with can go; a version that has been in use stays."""
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if instrument.status != InstrumentStatus.DRAFT:
        raise ValidationError(_("Only a draft can be deleted."))
    audit_record(actor=actor, action=AuditAction.DELETE, obj=instrument)
    instrument.delete()
