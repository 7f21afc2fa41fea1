from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from places.services import postcodes_import_text


class Command(BaseCommand):
    help = (
        "Import postcode centres from a CSV or JSON file: Brobyg's columns "
        "(code, name, latitude, longitude, district) or the Danish address register's "
        "postcode download (nr, navn, visueltcenter_x, visueltcenter_y)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            result = postcodes_import_text(text=text)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"{result['created']} postcodes created, {result['updated']} updated.")
