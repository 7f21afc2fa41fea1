from django.core.management.base import BaseCommand, CommandError

from bench.seed import SCALES, load_dataset, load_matching
from referrals.models import Citizen


class Command(BaseCommand):
    help = "Load the benchmark data set (PostgreSQL COPY; deterministic for a given --seed)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="municipal")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--matching-only",
            action="store_true",
            help="Add postcodes, offers and volunteers to a data set loaded before they existed.",
        )

    def handle(self, *args, **options):
        scale = options["scale"]
        if options["matching_only"]:
            counts = load_matching(scale, seed_value=options["seed"], out=self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"Added matching data: {counts}"))
            return
        if Citizen.objects.exists():
            raise CommandError(
                "This database already holds citizens. seed_bench fills a database of its own "
                "(make bench makes one); it never adds to real data."
            )
        counts = load_dataset(scale, seed_value=options["seed"], out=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Loaded the {scale} data set: {counts}"))
