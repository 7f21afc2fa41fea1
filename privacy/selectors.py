"""Reads for data-protection work: finding the person, their export, their access log and the
retention candidates. Every read checks the caller's permission in the same step."""

import json
from dataclasses import dataclass
from datetime import date, datetime, time
from uuid import UUID

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Max, Q, QuerySet
from django.http import Http404
from django.template.defaultfilters import yesno
from django.utils import formats, timezone

from audit.models import AuditEvent
from core.personal_data import PersonalDataSection, sections
from referrals.cpr import cpr_hash, cpr_parse
from referrals.identity import name_key
from referrals.models import Case, Citizen

HANDLE = "privacy.handle_data_requests"


def _require(user, permission: str = HANDLE) -> None:
    if not (user.is_authenticated and user.has_perm(permission)):
        raise PermissionDenied


def citizen_for_data_request(*, user, citizen_id) -> Citizen:
    """The citizen a data-protection request is about, for those who handle such requests."""
    _require(user)
    try:
        return Citizen.objects.select_related("anonymisation").get(pk=citizen_id)
    except (Citizen.DoesNotExist, ValueError):
        raise Http404 from None


def citizen_lookup(
    *, user, cpr: str = "", name: str = "", birth_date: date | None = None
) -> QuerySet[Citizen]:
    """Find the person a request is about: by CPR number, or by date of birth and name.

    Deliberately no browsing: without a CPR number or a date of birth nothing is found, so the
    page cannot be used to look around among the municipality's citizens.
    """
    _require(user)
    citizens = Citizen.objects.filter(anonymised_at__isnull=True, merged_into__isnull=True)
    if cpr:
        digits, _born = cpr_parse(cpr)
        return citizens.filter(cpr_hash=cpr_hash(digits))
    if birth_date is None:
        return citizens.none()
    citizens = citizens.filter(birth_date=birth_date)
    for word in name_key(name, "").split():
        citizens = citizens.filter(name_key__contains=word)
    return citizens.order_by("last_name", "first_name", "id")


# --- The export (right of access) ---------------------------------------------------------------


@dataclass
class ExportSection:
    key: str
    label: str
    columns: list[tuple[str, str]]  # (name, label)
    rows: list[list[str]]  # what a person reads
    data: list[dict]  # what a machine reads (the JSON download)


def _display(value) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return yesno(value)
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "–"
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items()) or "–"
    return str(value)


def _cell(obj, name: str) -> tuple[object, str]:
    """(value for the JSON, text for the page) of one field of one row."""
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:
        value = getattr(obj, name)
        return value, _display(value)
    if field.is_relation:
        related = getattr(obj, name)
        text = str(related) if related is not None else None
        return text, _display(text)
    value = field.value_from_object(obj)
    if field.choices and value not in (None, ""):
        return value, str(getattr(obj, f"get_{name}_display")())
    if name == "life_transitions":
        return value, _display(getattr(obj, "life_transition_labels", value))
    return value, _display(value)


def _column_label(section: PersonalDataSection, model, name: str) -> str:
    if name in section.labels:
        return str(section.labels[name]).capitalize()
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name


def citizen_export(*, citizen: Citizen) -> list[ExportSection]:
    """Everything Brobyg holds about the citizen, section by section."""
    result = []
    for section in sections():
        queryset = section.rows(citizen)
        model = queryset.model
        rows, data = [], []
        for obj in queryset:
            cells = [_cell(obj, name) for name in section.fields]
            rows.append([text for _value, text in cells])
            values = {n: v for n, (v, _t) in zip(section.fields, cells, strict=True)}
            data.append({"id": str(obj.pk)} | values)
        result.append(
            ExportSection(
                key=section.key,
                label=str(section.label),
                columns=[(n, _column_label(section, model, n)) for n in section.fields],
                rows=rows,
                data=data,
            )
        )
    return result


def citizen_export_json(*, citizen: Citizen) -> str:
    document = {
        "citizen": str(citizen.pk),
        "exported_at": timezone.now(),
        "sections": {
            s.key: {"label": s.label, "columns": dict(s.columns), "rows": s.data}
            for s in citizen_export(citizen=citizen)
        },
    }
    return json.dumps(document, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def citizen_section_counts(*, citizen: Citizen) -> list[tuple[str, int]]:
    return [(str(s.label), s.rows(citizen).count()) for s in sections()]


# --- Who looked at this citizen ------------------------------------------------------------------


def citizen_access_log(
    *,
    citizen: Citizen,
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    """Every read and change of the citizen's record, oldest first, as an access request wants.
    A record merged into this one is the same person: its log is theirs too."""
    merged = Citizen.objects.filter(merged_into=citizen).values("pk")
    events = AuditEvent.objects.filter(
        Q(subject_id=citizen.pk) | Q(subject_id__in=merged)
    ).select_related("actor", "content_type")
    if date_from:
        events = events.filter(created_at__gte=_start_of(date_from))
    if date_to:
        events = events.filter(created_at__lt=_start_of(date_to) + timezone.timedelta(days=1))
    return events.order_by("created_at", "id")


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- Retention ----------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time `months` earlier (the month's last day where it is shorter)."""
    month_index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for day in range(moment.day, 0, -1):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


def retention_cutoff(*, now: datetime | None = None) -> datetime:
    return months_before(now or timezone.now(), settings.BROBYG_RETENTION_MONTHS)


def retention_candidates(*, now: datetime | None = None) -> QuerySet[Citizen]:
    """Citizens whose every case closed before the retention period and whom nothing still needs.

    Each registered section removes the citizens it still needs (an open case, a recent case or
    referral, a recent screening, a place on a home-care list, an open task, …).
    """
    cutoff = retention_cutoff(now=now)
    citizens = Citizen.objects.filter(
        anonymised_at__isnull=True, pk__in=Case.objects.values("citizen_id")
    )
    for section in sections():
        if section.exclude_in_use is not None:
            citizens = section.exclude_in_use(citizens, cutoff)
    return citizens.annotate(last_closed_at=Max("cases__closed_at")).order_by(
        "last_closed_at", "id"
    )


def retention_report(*, user, now: datetime | None = None) -> QuerySet[Citizen]:
    """What the nightly job would anonymise now (the admin's dry run)."""
    _require(user)
    return retention_candidates(now=now)


def is_retention_candidate(*, citizen_id: UUID, now: datetime | None = None) -> bool:
    return retention_candidates(now=now).filter(pk=citizen_id).exists()


def anonymised_count() -> int:
    return Citizen.objects.filter(~Q(anonymised_at=None)).count()
