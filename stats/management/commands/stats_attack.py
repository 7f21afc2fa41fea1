import time
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from stats.attack import K, Window, attack_filters, run_attack
from stats.filters import district_choices, parse_month, statistics_teams
from stats.selectors import min_count


def _months_back(last: date, n: int) -> list[date]:
    index = last.year * 12 + last.month - 1
    return [date((index - i) // 12, (index - i) % 12 + 1, 1) for i in reversed(range(n))]


class Command(BaseCommand):
    help = (
        "Run the differencing attack on this database's statistics before publishing them: read "
        "every table without filters and per team, district and age band, for every run of "
        "months in the window (and per pair of filters over the whole window, and per quarter), "
        "as the exports publish them; combine every sum that holds; and report how many counts "
        "of 1-4 an attacker could pin down. Exits with status 1 if any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--to", dest="end", help="last month of the window, YYYY-MM (default: last month)"
        )
        parser.add_argument("--months", type=int, default=6, help="months in the window (6)")
        parser.add_argument(
            "--no-pairs",
            action="store_true",
            help="skip the pairs of filters (team and district, …): far fewer exports to read",
        )
        parser.add_argument(
            "--max-teams",
            type=int,
            help="read only this many teams (the attack is weaker; for large data sets)",
        )

    def handle(self, *args, **options):
        if min_count() != K:
            raise CommandError(f"The attack reads counts rounded to multiples of {K}.")
        if not 1 <= options["months"] <= 24:
            raise CommandError("--months: a window of 1 to 24 months.")
        today = timezone.localdate()
        if options["end"]:
            try:
                last = parse_month(options["end"], "to", end=False)
            except ValidationError as exc:
                raise CommandError(f"--to: {options['end']!r} is not a month (YYYY-MM).") from exc
        else:
            index = today.year * 12 + today.month - 2
            last = date(index // 12, index % 12 + 1, 1)
        teams = list(statistics_teams().order_by("name"))
        if options["max_teams"] is not None:
            teams = teams[: options["max_teams"]]
        window = Window(
            teams=teams,
            months=_months_back(last, options["months"]),
            districts=district_choices(),
        )
        filters = attack_filters(window, pairs=not options["no_pairs"])
        self.stderr.write(
            f"Window {window.months[0]:%Y-%m}..{window.months[-1]:%Y-%m}: {len(teams)} teams, "
            f"{len(window.districts)} districts, {len(window.age_bands)} age bands; "
            f"{len(filters)} exports of every table to read."
        )
        started = time.monotonic()

        def progress(done, total):
            if done % 25 == 0 or done == total:
                elapsed = time.monotonic() - started
                self.stderr.write(f"  read {done}/{total} exports ({elapsed:.0f} s)")

        result = run_attack(window, filters, progress=progress)
        narrowed = sum(
            1
            for key, (low, high) in result.reading.possible.items()
            if 0 < result.reading.true[key] < K and high - low < 2 * K - 1
        )
        self.stdout.write(
            f"Exports read: {result.exports}\n"
            f"Counts read: {len(result.reading.true)} ({result.small} of them 1-{K - 1})\n"
            f"Sums combined: {result.sums}\n"
            f"Small counts narrowed beyond what their own number says: {narrowed}\n"
            f"Small counts recovered: {len(result.recovered)}\n"
            f"Seconds: {time.monotonic() - started:.0f}"
        )
        if result.recovered:
            for key in result.recovered[:10]:
                self.stderr.write(f"  recovered: {key}")
            raise CommandError(f"{len(result.recovered)} small counts can be recovered.")
