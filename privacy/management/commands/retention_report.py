from django.core.management.base import BaseCommand

from privacy.selectors import retention_candidates, retention_cutoff
from privacy.services import retention_anonymise_due


class Command(BaseCommand):
    help = (
        "Show which citizens the nightly retention job would anonymise now (a dry run). "
        "With --apply, anonymise them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply", action="store_true", help="Anonymise them now instead of only listing."
        )

    def handle(self, *args, apply: bool = False, **options):
        cutoff = retention_cutoff()
        candidates = retention_candidates()
        self.stdout.write(f"Cases closed before {cutoff:%Y-%m-%d}; {candidates.count()} due.")
        for citizen in candidates[:1000]:
            closed = f"{citizen.last_closed_at:%Y-%m-%d}" if citizen.last_closed_at else "-"
            self.stdout.write(f"  {str(citizen.pk)[:8].upper()}  last case closed {closed}")
        if apply:
            done = retention_anonymise_due()
            self.stdout.write(self.style.SUCCESS(f"Anonymised {done}."))
        else:
            self.stdout.write("Dry run: nothing changed. Run with --apply to anonymise.")
