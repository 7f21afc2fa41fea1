import csv
import io
import json
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from places.models import Postcode

# Column names accepted in an imported file: Brobyg's own, and those of the Danish address
# register's postcode download (DAWA "postnumre", where the visual centre is x = lon, y = lat).
_ALIASES = {
    "code": ("code", "postcode", "nr", "postnr"),
    "name": ("name", "navn", "town", "by"),
    "latitude": ("latitude", "lat", "visueltcenter_y"),
    "longitude": ("longitude", "lon", "lng", "visueltcenter_x"),
    "district": ("district", "bydel", "distrikt"),
}


def _pick(row: dict, field: str):
    for alias in _ALIASES[field]:
        if alias in row and row[alias] not in (None, ""):
            return row[alias]
    return None


def _rows_from_text(text: str) -> list[dict]:
    text = text.lstrip("\ufeff")
    if text.lstrip().startswith("["):
        data = json.loads(text)
        rows = []
        for item in data:
            centre = item.get("visueltcenter")
            if isinstance(centre, list) and len(centre) == 2:
                item = {**item, "visueltcenter_x": centre[0], "visueltcenter_y": centre[1]}
            rows.append(item)
        return rows
    dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    return [
        {(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader
    ]


@transaction.atomic
def postcodes_import(*, rows: Iterable[dict]) -> dict[str, int]:
    """Create or update postcodes. All rows are checked first: one bad row imports nothing."""
    cleaned: dict[str, Postcode] = {}
    for number, row in enumerate(rows, start=1):
        code = str(_pick(row, "code") or "").strip().zfill(4)
        name = str(_pick(row, "name") or "").strip()
        try:
            lat = float(str(_pick(row, "latitude")).replace(",", "."))
            lon = float(str(_pick(row, "longitude")).replace(",", "."))
        except ValueError:
            lat = lon = None
        if not (code.isdigit() and len(code) == 4):
            raise ValidationError(
                _("Row {n}: the postcode must have four digits.").format(n=number)
            )
        if not name:
            raise ValidationError(_("Row {n}: the town name is missing.").format(n=number))
        # Denmark, Greenland and the Faroe Islands lie within these bounds.
        if lat is None or lon is None or not (54 <= lat <= 84 and -75 <= lon <= 16):
            raise ValidationError(
                _("Row {n}: the centre of postcode {code} is not a place in Denmark.").format(
                    n=number, code=code
                )
            )
        cleaned[code] = Postcode(
            code=code,
            name=name,
            latitude=lat,
            longitude=lon,
            district=str(_pick(row, "district") or "").strip(),
        )
    existing = set(Postcode.objects.filter(code__in=cleaned).values_list("code", flat=True))
    Postcode.objects.bulk_create(
        cleaned.values(),
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "latitude", "longitude", "district"],
    )
    return {"created": len(cleaned) - len(existing), "updated": len(existing)}


def postcodes_import_text(*, text: str) -> dict[str, int]:
    try:
        rows = _rows_from_text(text)
    except (ValueError, csv.Error) as exc:
        raise ValidationError(
            _("The file is neither CSV nor JSON: {error}").format(error=exc)
        ) from exc
    if not rows:
        raise ValidationError(_("The file holds no postcodes."))
    return postcodes_import(rows=rows)
