"""`make bench`: build the benchmark data set in a database of its own and print the figures.

Scenarios are added as the features they measure exist; docs/BENCHMARKS.md keeps the latest table.
"""

import argparse
import os
import platform
import subprocess
import sys
from datetime import date

SCENARIOS: list = []


def machine() -> str:
    cores = os.cpu_count()
    try:
        with open("/proc/meminfo") as meminfo:
            kib = int(meminfo.readline().split()[1])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    except OSError:
        memory = "unknown memory"
    return f"{platform.machine()}, {cores} cores, {memory}"


def revision() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument("--scale", choices=["municipal", "national"], default="municipal")
    args = parser.parse_args(argv)

    print(
        f"Brobyg benchmark · {date.today():%Y-%m-%d} · {machine()} · {revision()} · "
        f"scale {args.scale}\n"
    )
    print("| scenario | median | p95 | ratio to floor | target | result |")
    print("|---|---|---|---|---|---|")
    if not SCENARIOS:
        print("| (no scenario yet) | – | – | – | – | – |")
        print("\nNo benchmark scenario exists yet; they arrive with the features they measure.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
