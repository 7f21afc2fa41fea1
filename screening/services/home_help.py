"""Hours of home help a week, which decide who a team screens (Holstebro: everyone with at
least 2 hours): entered on the citizen's page, or imported from the care system as CSV.

The import is checked first and shown as a preview; nothing is stored until the team lead
confirms, and then all rows or none. A row is matched by CPR number only — the identity rule of
referrals.identity.citizen_by_cpr, for a whole file in one query — and only among the team's own
citizens: a number the team does not have is "unknown" whether or not another team has that
person, so the import tells nobody who is known elsewhere.

The import runs while the team lead waits rather than in Celery: a file is read with one query
for the citizens and written in batches (a district's few thousand rows take a second or two),
and a preview must be shown before anything is stored anyway.
"""

import csv
import io
import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.constants import TeamKind
from accounts.models import Team, User
from audit.constants import AuditAction
from audit.services import audit_record, audit_record_many
from referrals.cpr import cpr_display, cpr_hash, cpr_parse
from referrals.models import Citizen
from screening.constants import HomeHelpSource
from screening.models import HOURS_A_WEEK_MAX, HomeHelpHours, hours_shown
from screening.selectors import home_care_citizens_of

IMPORT_COLUMNS = ["cpr", "timer_pr_uge", "gyldig_fra"]
IMPORT_MAX_ROWS = 20_000
IMPORT_MAX_BYTES = 2 * 1024 * 1024
# A preview may be confirmed for this long; then the file is uploaded again.
IMPORT_TOKEN_MAX_AGE = 60 * 60
IMPORT_PREVIEW_SALT = "brobyg.screening.home-help-import"

_HOURS = re.compile(r"^\d{1,3}(?:[.,]\d{1,2})?$")
_DATE_FORMATS = ["%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%Y-%m-%d"]


def hours_parse(text) -> Decimal:
    """Hours a week as people write them: "2", "2,5" (Danish) or "2.5"; 0 to 168."""
    text = "" if text is None else str(text).strip()
    if _HOURS.match(text):
        hours = Decimal(text.replace(",", "."))
        if hours <= HOURS_A_WEEK_MAX:
            return hours
    raise ValidationError(
        _("Write the hours a week as a number from 0 to 168, e.g. 2,5."), code="hours"
    )


def _date_parse(text: str) -> date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


def _require_on_team(*, citizen: Citizen, team: Team) -> None:
    if team.kind != TeamKind.HOME_CARE or not (
        Citizen.objects.filter(home_care_citizens_of(team), pk=citizen.pk).exists()
    ):
        raise ValidationError({"citizen": _("The citizen is not on this team.")})


def _hours_save(
    *, citizen_id, team: Team, hours: Decimal, valid_from: date, source: str, actor, existing=None
) -> HomeHelpHours | None:
    """One citizen's hours from a day: the row of that day changed, or a new row. None when
    the day already has these hours from this source (nothing to write or audit)."""
    if existing is not None:
        if existing.hours == hours and existing.source == source:
            return None
        existing.hours, existing.source, existing.entered_by = hours, source, actor
        existing.save(update_fields=["hours", "source", "entered_by", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=existing,
            fields=["hours", "source", "entered_by"],
        )
        return existing
    row = HomeHelpHours.objects.create(
        citizen_id=citizen_id,
        team=team,
        hours=hours,
        valid_from=valid_from,
        source=source,
        entered_by=actor,
    )
    audit_record(actor=actor, action=AuditAction.CREATE, obj=row)
    return row


@transaction.atomic
def home_help_hours_set(
    *,
    citizen: Citizen,
    team: Team,
    hours: Decimal,
    valid_from: date,
    actor: User,
    source: str = HomeHelpSource.ENTERED,
) -> HomeHelpHours:
    """The citizen gets `hours` of home help a week from `team` from `valid_from`. The same
    day again corrects that day's hours; a later day is a change from then."""
    _require_on_team(citizen=citizen, team=team)
    hours = hours_parse(hours)
    existing = (
        HomeHelpHours.objects.select_for_update()
        .filter(citizen=citizen, team=team, valid_from=valid_from)
        .first()
    )
    saved = _hours_save(
        citizen_id=citizen.pk,
        team=team,
        hours=hours,
        valid_from=valid_from,
        source=source,
        actor=actor,
        existing=existing,
    )
    return saved or existing


# --- The CSV import ------------------------------------------------------------------------------


@dataclass
class ImportRow:
    row: int  # the line in the file; the column names are line 1, as in a spreadsheet
    citizen: Citizen
    hours: Decimal
    valid_from: date
    cpr_birth_part: str  # "030234-xxxx": enough to find the line in the file, never the number

    @property
    def hours_shown(self) -> Decimal:
        return hours_shown(self.hours)


@dataclass
class HomeHelpImportPlan:
    team: Team
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)


def _decode(content: bytes) -> str:
    # UTF-8 (with Excel's byte-order mark or without), else Windows-1252: what Danish Excel
    # writes for "CSV (semikolonsepareret)".
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def _cells(line: list[str]) -> list[str]:
    cells = [cell.strip() for cell in line]
    while cells and cells[-1] == "":  # a separator at the end of the line
        cells.pop()
    return cells


def home_help_import_check(*, team: Team, content: bytes) -> HomeHelpImportPlan:
    """Read a CSV `cpr;timer_pr_uge;gyldig_fra` and say what importing it would store, or what
    is wrong, row by row ("Row 4: unknown CPR number."). Writes nothing."""
    plan = HomeHelpImportPlan(team=team)
    if len(content) > IMPORT_MAX_BYTES:
        plan.errors.append(_("The file is larger than 2 MB. Split it into smaller files."))
        return plan
    lines = list(csv.reader(io.StringIO(_decode(content)), delimiter=";"))
    if not any(_cells(line) for line in lines):
        plan.errors.append(_("The file is empty."))
        return plan
    if [cell.lower() for cell in _cells(lines[0])] != IMPORT_COLUMNS:
        plan.errors.append(
            _("The first line must name the columns: %(columns)s")
            % {"columns": ";".join(IMPORT_COLUMNS)}
        )
        return plan
    errors: dict[int, str] = {}
    parsed = []  # (row, digits, hours, valid_from)
    for number, line in enumerate(lines[1:], start=2):
        cells = _cells(line)
        if not cells:
            continue
        if len(cells) != len(IMPORT_COLUMNS):
            errors[number] = _("give three columns: %(columns)s.") % {
                "columns": ";".join(IMPORT_COLUMNS)
            }
            continue
        cpr, hours_text, date_text = cells
        try:
            digits, _birth = cpr_parse(cpr)
        except ValidationError as exc:
            errors[number] = exc.messages[0]
            continue
        try:
            hours = hours_parse(hours_text)
        except ValidationError:
            errors[number] = _("write the hours a week as a number from 0 to 168, e.g. 2,5.")
            continue
        valid_from = _date_parse(date_text)
        if valid_from is None:
            errors[number] = _("write the date as DD-MM-YYYY, e.g. 01-03-2026.")
            continue
        parsed.append((number, digits, hours, valid_from))
    if len(parsed) + len(errors) > IMPORT_MAX_ROWS:
        plan.errors.append(
            _("The file has more than %(max)s rows. Split it into smaller files.")
            % {"max": f"{IMPORT_MAX_ROWS:,}".replace(",", ".")}
        )
        return plan
    if not parsed and not errors:
        plan.errors.append(_("The file has no rows after the first line."))
        return plan

    digests = {digits: cpr_hash(digits) for _row, digits, _h, _d in parsed}
    citizens = {
        citizen.cpr_hash: citizen
        for citizen in Citizen.objects.filter(
            home_care_citizens_of(team),
            cpr_hash__in=set(digests.values()),
            merged_into__isnull=True,
        )
    }
    seen: dict[tuple, int] = {}
    for number, digits, hours, valid_from in parsed:
        citizen = citizens.get(digests[digits])
        if citizen is None:
            errors[number] = _("unknown CPR number.")
            continue
        first = seen.setdefault((citizen.pk, valid_from), number)
        if first != number:
            errors[number] = _("the same CPR number and date as row %(row)s.") % {"row": first}
            continue
        plan.rows.append(
            ImportRow(
                row=number,
                citizen=citizen,
                hours=hours,
                valid_from=valid_from,
                cpr_birth_part=f"{cpr_display(digits)[:7]}xxxx",
            )
        )
    plan.errors = [
        _("Row %(row)s: %(error)s") % {"row": number, "error": error}
        for number, error in sorted(errors.items())
    ]
    return plan


@transaction.atomic
def home_help_import_apply(*, team: Team, rows: list[ImportRow], actor: User) -> int:
    """Store a checked import: every row, or none when a citizen has left the team since the
    preview. A row the same as what is stored already changes nothing (importing the same file
    twice is harmless). Returns the number of rows stored or changed."""
    if not rows:
        raise ValidationError({"file": _("There is nothing to import.")})
    # One import at a time per team: two confirmations of the same preview store it once.
    Team.objects.select_for_update().filter(pk=team.pk).first()
    citizen_ids = {row.citizen.pk for row in rows}
    on_team = set(
        Citizen.objects.filter(home_care_citizens_of(team), pk__in=citizen_ids).values_list(
            "pk", flat=True
        )
    )
    gone = [row.row for row in rows if row.citizen.pk not in on_team]
    if gone:
        raise ValidationError(
            {
                "file": [
                    _("Row %(row)s: the citizen is no longer on the team. Nothing was imported.")
                    % {"row": number}
                    for number in gone
                ]
            }
        )
    existing = {
        (row.citizen_id, row.valid_from): row
        for row in HomeHelpHours.objects.filter(team=team, citizen_id__in=citizen_ids)
    }
    new, updated, now = [], [], timezone.now()
    for row in rows:
        stored = existing.get((row.citizen.pk, row.valid_from))
        if stored is None:
            new.append(
                HomeHelpHours(
                    citizen_id=row.citizen.pk,
                    team=team,
                    hours=row.hours,
                    valid_from=row.valid_from,
                    source=HomeHelpSource.IMPORT,
                    entered_by=actor,
                )
            )
        elif stored.hours != row.hours or stored.source != HomeHelpSource.IMPORT:
            stored.hours, stored.source, stored.entered_by = row.hours, HomeHelpSource.IMPORT, actor
            stored.updated_at = now  # bulk_update does not stamp auto_now
            updated.append(stored)
    # In batches, each with its audit events in one insert: a district's file is stored while
    # the team lead waits.
    HomeHelpHours.objects.bulk_create(new, batch_size=1000)
    HomeHelpHours.objects.bulk_update(
        updated, ["hours", "source", "entered_by", "updated_at"], batch_size=1000
    )
    audit_record_many(actor=actor, action=AuditAction.CREATE, objs=new)
    audit_record_many(
        actor=actor,
        action=AuditAction.UPDATE,
        objs=updated,
        fields=["hours", "source", "entered_by"],
    )
    return len(new) + len(updated)


def home_help_import_token(*, plan: HomeHelpImportPlan, actor: User) -> str:
    """The checked rows, signed, for the confirmation: the preview stores nothing, and the
    token holds the citizens' ids (never a CPR number) for this team and this person only."""
    return signing.dumps(
        {
            "team": str(plan.team.pk),
            "user": actor.pk,
            "rows": [
                [r.row, str(r.citizen.pk), str(r.hours), r.valid_from.isoformat()]
                for r in plan.rows
            ],
        },
        salt=IMPORT_PREVIEW_SALT,
        compress=True,
    )


def home_help_import_rows(*, token: str, team: Team, actor: User) -> list[ImportRow]:
    """The rows a preview's token holds, if it is this team's and this person's and not too
    old. The citizens are read again: home_help_import_apply checks they are still on the team."""
    try:
        data = signing.loads(token, salt=IMPORT_PREVIEW_SALT, max_age=IMPORT_TOKEN_MAX_AGE)
    except signing.SignatureExpired:
        raise ValidationError(
            {"file": _("The preview is more than an hour old. Upload the file again.")}
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            {"file": _("The preview could not be read. Upload the file again.")}
        ) from None
    if data.get("team") != str(team.pk) or data.get("user") != actor.pk:
        raise ValidationError({"file": _("The preview could not be read. Upload the file again.")})
    citizens = {
        str(pk): citizen
        for pk, citizen in Citizen.objects.in_bulk(
            {citizen_id for _r, citizen_id, _h, _d in data["rows"]}
        ).items()
    }
    rows = []
    for number, citizen_id, hours, valid_from in data["rows"]:
        # A citizen gone since the preview is refused by home_help_import_apply, by row.
        citizen = citizens.get(citizen_id) or Citizen(pk=uuid.UUID(citizen_id))
        rows.append(
            ImportRow(
                row=number,
                citizen=citizen,
                hours=Decimal(hours),
                valid_from=date.fromisoformat(valid_from),
                cpr_birth_part="",
            )
        )
    return rows
