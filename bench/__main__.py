"""`make bench`: build the data set in a database of its own, load the app, print the table.

Each figure comes with a ratio to a floor measured in the same run (a trivial Django view on the
same gunicorn for the pages), so the numbers mean something on a noisy shared machine. A missed
target is written as "missed", never hidden.
"""

import argparse
import csv
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import date
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8111
USERS = 20


def machine() -> str:
    try:
        with open("/proc/meminfo") as meminfo:
            memory = f"{int(meminfo.readline().split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        memory = "unknown memory"
    return f"{platform.machine()}, {os.cpu_count()} cores, {memory}"


def revision() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def bench_env(scale: str) -> dict:
    base = os.environ.get("BENCH_DATABASE_SERVER", "postgres://postgres@127.0.0.1:5432")
    return {
        **os.environ,
        "DATABASE_URL": f"{base}/brobyg_bench_{scale}",
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/5"),
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "CELERY_TASK_DEFAULT_QUEUE": "brobyg-bench",
    }


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=capture,
        text=True,
    )
    return result.stdout if capture else ""


def prepare(scale: str, env: dict) -> str:
    """Create, migrate and (once) seed the benchmark database. Returns what was done."""
    server = env["DATABASE_URL"].rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1)
    name = f"brobyg_bench_{scale}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    manage(env, "migrate", "--no-input", "-v", "0")
    with psycopg.connect(f"{server}/{name}") as conn:
        seeded = conn.execute("SELECT count(*) FROM referrals_citizen").fetchone()[0]
        offers = conn.execute("SELECT count(*) FROM offers_offer").fetchone()[0]
    if seeded and not offers:
        started = time.monotonic()
        manage(env, "seed_bench", "--scale", scale, "--matching-only")
        return (
            f"data set present ({seeded:,} citizens); offers and volunteers added in "
            f"{time.monotonic() - started:.1f} s"
        )
    if seeded:
        return f"data set present ({seeded:,} citizens)"
    started = time.monotonic()
    manage(env, "seed_bench", "--scale", scale)
    return f"seed_bench took {time.monotonic() - started:.1f} s"


def serve(env: dict) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/trivial/", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def drain(timeout: float = 300) -> None:
    """Wait until the server has answered what the last scenario left queued.

    When locust stops, the requests it had sent are still in gunicorn's queue, and its two
    workers answer them one by one: a slow page would eat the next scenario's time. The trivial
    view is answered after them, so its answer says the queue is empty."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/trivial/", timeout=timeout):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not empty its queue")


def load(scenario: str, ids_file: str, seconds: int, workdir: str) -> dict:
    """20 concurrent clients for `seconds` against one scenario; the locust summary."""
    drain()
    prefix = os.path.join(workdir, scenario)
    result = subprocess.run(
        [
            PYTHON,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(USERS),
            "--spawn-rate",
            str(USERS),
            "--run-time",
            f"{seconds}s",
            "--host",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            prefix,
            "--only-summary",
            "--loglevel",
            "ERROR",
        ],
        cwd=ROOT,
        env={**os.environ, "BENCH_SCENARIO": scenario, "BENCH_IDS": ids_file},
        check=False,
        capture_output=True,
        text=True,
    )
    if not os.path.exists(f"{prefix}_stats.csv"):
        raise SystemExit(f"locust failed for {scenario}:\n{result.stderr[-2000:]}")
    with open(f"{prefix}_stats.csv") as stats:
        row = next((r for r in csv.DictReader(stats) if r["Name"] == scenario), None)
    if row is None:
        # Not one request finished in the time (each waited longer than the run lasted): the
        # row says so instead of the run stopping here.
        print(f"{scenario}: no request finished\n{result.stderr[-2000:]}", file=sys.stderr)
        return {"rps": 0.0, "median": 0.0, "p95": 0.0, "requests": 0, "failures": 0}
    if int(row["Failure Count"]) and os.path.exists(f"{prefix}_failures.csv"):
        with open(f"{prefix}_failures.csv") as failures:
            print(f"{scenario}: failures\n{failures.read()[-2000:]}", file=sys.stderr)
    return {
        "rps": float(row["Requests/s"]),
        "median": float(row["50%"]),
        "p95": float(row["95%"]),
        "requests": int(row["Request Count"]),
        "failures": int(row["Failure Count"]),
    }


def test_wall_time() -> float:
    started = time.monotonic()
    subprocess.run(["make", "test"], cwd=ROOT, check=True, capture_output=True)
    return time.monotonic() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench")
    parser.add_argument(
        "--scale",
        choices=["municipal", "national", "matching", "statistics", "tiny"],
        default="municipal",
    )
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 30)))
    parser.add_argument("--skip-test-time", action="store_true", help="do not time make test")
    parser.add_argument(
        "--pages-only",
        action="store_true",
        help="only the pages under load (scenarios 1 and 2), not 3-6",
    )
    args = parser.parse_args(argv)

    env = bench_env(args.scale)
    print(f"Preparing the {args.scale} data set …", file=sys.stderr)
    prepared = prepare(args.scale, env)
    probe = json.loads(
        subprocess.run(
            [PYTHON, "-m", "bench.probe"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    rows = []
    with tempfile.TemporaryDirectory() as workdir:
        ids_file = os.path.join(workdir, "ids.json")
        with open(ids_file, "w") as handle:
            json.dump(probe["ids"], handle)
        server = serve(env)
        try:
            results = {}
            for scenario in ["trivial", "caseload", "board", "case", "directory", "screening"]:
                print(f"Load: {scenario} ({args.seconds} s) …", file=sys.stderr)
                results[scenario] = load(scenario, ids_file, args.seconds, workdir)
        finally:
            server.terminate()
            server.wait(timeout=30)
    floor = results["trivial"]
    labels = {
        "caseload": "1. Caseload page (bridge-builder, 200 open cases)",
        "board": "1. Triage board (home-care team of 500)",
        "case": "1. Case page",
        "directory": "1. Public offer directory (anonymous, within 10 km of a postcode)",
        "screening": "2. Screening submission (POST /api/v1/screenings/)",
    }
    rows.append(("Floor: trivial Django view", floor, "1.0", "–", "–"))
    for scenario, label in labels.items():
        r = results[scenario]
        queries = probe["queries"].get(scenario)
        ratio = f"{r['median'] / floor['median']:.1f}" if floor["median"] else "–"
        rows.append((label, r, ratio, str(queries) if queries is not None else "–", "–"))

    print(
        f"\nBrobyg benchmark · {date.today():%Y-%m-%d} · {machine()} · revision {revision()} "
        f"· scale {args.scale} · {prepared}\n"
    )
    print(
        f"Pages under load: gunicorn with 2 workers, {USERS} concurrent clients for "
        f"{args.seconds} s each (locust, signed in). Times in ms.\n"
    )
    print("| scenario | requests/s | median | p95 | ratio to floor (median) | queries | failures |")
    print("|---|---|---|---|---|---|---|")
    for label, r, ratio, queries, _target in rows:
        print(
            f"| {label} | {r['rps']:.1f} | {r['median']:.0f} | {r['p95']:.0f} | {ratio} | "
            f"{queries} | {r['failures']} of {r['requests']} |"
        )
    if args.pages_only:
        return 0
    print("Suggestions, the reminder scan and the statistics export …", file=sys.stderr)
    # Each in a process of its own, so that one's peak memory is not counted in another's.
    inprocess = {}
    for scenario in ["suggestions", "reminders", "stats"]:
        inprocess.update(
            json.loads(
                subprocess.run(
                    [PYTHON, "-m", "bench.inprocess", scenario],
                    cwd=ROOT,
                    env=env,
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
            )
        )
    sug = inprocess["suggestions"]
    ratio = sug["median"] / sug["bare_sql"]["median"] if sug["bare_sql"]["median"] else 0
    verdict = "met" if sug["median"] < 50 else "missed"
    print(
        f"| 3. Suggestions for one citizen ({sug['candidates']:,} candidate rows, "
        f"{sug['runs']} citizens) | – | {sug['median']:.1f} | {sug['p95']:.1f} | "
        f"×{ratio:.1f} to the bare SQL ({sug['bare_sql']['median']:.1f} ms) | – | "
        f"target < 50 ms: {verdict} |"
    )
    rem = inprocess["reminders"]
    verdict = "met" if rem["scan_seconds"] < 60 else "missed"
    print(
        f"| 4. Reminder scan ({rem['open_tasks']:,} extra open tasks, {rem['due_reminders']:,} "
        f"reminders due) | – | {rem['scan_seconds']:.1f} s | – | – | – | target < 60 s: "
        f"{verdict}; sent through 2 real workers to an SMTP sink: "
        f"{rem['sent_per_second']:.1f}/s ({rem['sent']:,} sent) |"
    )
    st = inprocess["stats"]
    ratio = st["seconds"] / st["raw_group_by_seconds"] if st["raw_group_by_seconds"] else 0
    verdict = "met" if st["seconds"] < 15 and st["peak_mb"] < 300 else "missed"
    print(
        f"| 5. Statistics export (every table, {st['lines']:,} CSV lines) | – | "
        f"{st['seconds']:.1f} s | – | ×{ratio:.1f} to the raw GROUP BY "
        f"({st['raw_group_by_seconds']:.1f} s) | – | peak {st['peak_mb']:.0f} MB; "
        f"target < 15 s and < 300 MB: {verdict} |"
    )
    if not args.skip_test_time:
        print("Timing make test …", file=sys.stderr)
        wall = test_wall_time()
        print(f"| 6. `make test` wall time | – | {wall:.0f} s | – | – | – | – |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
