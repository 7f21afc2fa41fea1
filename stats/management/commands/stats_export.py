import json
import resource
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from stats.bench import full_period, raw_group_by, run_export
from stats.filters import filters_from_params


class Command(BaseCommand):
    help = (
        "Write the anonymised statistics as CSV (the API's form: comma-separated, every count "
        "rounded as in every export) to a file or stdout. "
        "With --timings, report the seconds per table, a plain GROUP BY to compare with, and the "
        "peak memory, on stderr: the benchmark's statistics figure."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", help="first month, YYYY-MM")
        parser.add_argument("--to", dest="end", help="last month, YYYY-MM")
        parser.add_argument("--interval", default="month", choices=["month", "quarter"])
        parser.add_argument("--output", "-o", help="file to write (default: stdout)")
        parser.add_argument("--timings", action="store_true")

    def handle(self, *args, **options):
        if options["start"] or options["end"]:
            try:
                filters = filters_from_params(
                    {
                        "from": options["start"],
                        "to": options["end"],
                        "interval": options["interval"],
                    }
                )
            except ValidationError as exc:
                raise CommandError(exc.message_dict) from exc
        else:
            filters = full_period()
        out = open(options["output"], "w", newline="") if options["output"] else sys.stdout  # noqa: SIM115
        try:
            timings = run_export(out, filters=filters)
        finally:
            if out is not sys.stdout:
                out.close()
        if options["timings"]:
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            report = {
                "period": f"{filters.start:%Y-%m}..{filters.end:%Y-%m}",
                "export_seconds": timings,
                "raw_group_by_seconds": raw_group_by(filters=filters),
                "peak_memory_mb": round(peak, 1),
            }
            self.stderr.write(json.dumps(report, indent=2, ensure_ascii=False))
