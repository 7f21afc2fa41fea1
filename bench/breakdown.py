"""Where a page's time goes, measured inside one process against the benchmark database.

    DATABASE_URL=…/brobyg_bench_municipal DJANGO_SETTINGS_MODULE=config.settings.bench \\
        python -m bench.breakdown caseload case [--runs 100] [--profile 25]

Each page is requested `runs` times with Django's test client, signed in as the user the load
test signs in as (a real session in the configured session store), after a few requests to warm
the caches. The process's CPU time is given for the middleware, the view and the templates
(building and reading queries included): other work on a shared machine hardly moves it, where
it moves wall times a lot. Wall times split every request into:

- middleware: everything outside the view (sessions, authentication, the sign-in rules, the
  response headers), with the queries it makes;
- view: the view's own Python, without its queries and without rendering;
- queries: by what they are for (the session, the user and their teams and permissions, the
  access log, the page's own rows), whether the view, a middleware or a template made them;
- template rendering: rendering the page's templates, without the queries made while rendering.

`--profile N` also prints the functions that took the most time over the first N requests
(cProfile, cumulative and own time), so a figure can be traced to where it is spent.
"""

import argparse
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from collections import defaultdict
from contextlib import contextmanager

import django

# What a query is for, by the first table it names after FROM, INTO or UPDATE.
KINDS = (
    ("session", ("django_session",)),
    (
        "user, teams and permissions",
        (
            "accounts_user",
            "accounts_membership",
            "auth_group",
            "auth_permission",
            "otp_totp",
            "accounts_twofactor",
        ),
    ),
    ("access log", ("audit_auditevent",)),
)


def _kind(sql: str) -> str:
    words = sql.lower().split(None, 4)
    if not words:
        return "page's own"
    verb = words[0]
    if verb in ("begin", "commit", "rollback", "savepoint", "release"):
        return "transaction"
    lowered = sql.lower()
    marker = {"insert": "insert into ", "update": "update ", "delete": " from "}.get(verb, " from ")
    at = lowered.find(marker)
    if at == -1:
        return "page's own"
    table = lowered[at + len(marker) :].lstrip().strip('"').split('"', 1)[0]
    for kind, tables in KINDS:
        if table.startswith(tables):
            return kind
    return "page's own"


def _people_listed(sql: str, where: str) -> bool:
    """A list of people on the page (whom to assign), not the signed-in user being loaded."""
    return (
        where != "middleware"
        and '"accounts_user"' in sql[:120]
        and '"accounts_user"."id" = ' not in sql
    )


class Meter:
    """Times the phases of one request: set up once, read after each request."""

    def __init__(self):
        self.reset()
        self.rendering = 0
        self.in_view = 0

    def reset(self):
        self.pending_begin = (0, 0.0)
        self.last_kind = "page's own"
        self.totals = defaultdict(float)
        self.queries = defaultdict(int)
        self.query_time = defaultdict(float)

    @contextmanager
    def phase(self, name: str, depth_attr: str | None = None):
        started, cpu = time.perf_counter(), time.process_time()
        if depth_attr:
            setattr(self, depth_attr, getattr(self, depth_attr) + 1)
        try:
            yield
        finally:
            if depth_attr:
                setattr(self, depth_attr, getattr(self, depth_attr) - 1)
            if not depth_attr or getattr(self, depth_attr) == 0:
                self.totals[name] += time.perf_counter() - started
                self.totals[f"cpu {name}"] += time.process_time() - cpu

    def query(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self._count(sql, time.perf_counter() - started)

    def _count(self, sql: str, elapsed: float) -> None:
        where = "template" if self.rendering else ("view" if self.in_view else "middleware")
        self.totals[f"queries in {where}"] += elapsed
        kind = _kind(sql)
        if kind == "user, teams and permissions" and _people_listed(sql, where):
            kind = "page's own"
        if kind == "transaction" and sql.lower().startswith("begin"):
            # BEGIN belongs to the statement after it, COMMIT to the one before.
            self.pending_begin = (self.pending_begin[0] + 1, self.pending_begin[1] + elapsed)
            return
        if kind == "transaction":
            kind = self.last_kind
        count, seconds = self.pending_begin
        self.pending_begin = (0, 0.0)
        self.last_kind = kind
        self.queries[kind] += 1 + count
        self.query_time[kind] += elapsed + seconds


def _instrument(meter: Meter) -> None:
    from django.core.handlers.base import BaseHandler
    from django.db.backends.base.base import BaseDatabaseWrapper
    from django.template.backends.django import Template

    get_response, inner = BaseHandler.get_response, BaseHandler._get_response
    render, commit = Template.render, BaseDatabaseWrapper._commit

    def timed_get_response(self, request):
        with meter.phase("request"):
            return get_response(self, request)

    def timed_inner(self, request):
        with meter.phase("view and rendering", "in_view"):
            return inner(self, request)

    def timed_render(self, *args, **kwargs):
        with meter.phase("template rendering", "rendering"):
            return render(self, *args, **kwargs)

    def timed_commit(self):
        started = time.perf_counter()
        try:
            return commit(self)
        finally:
            meter._count("COMMIT", time.perf_counter() - started)

    BaseDatabaseWrapper._commit = timed_commit
    BaseHandler.get_response = timed_get_response
    BaseHandler._get_response = timed_inner
    Template.render = timed_render


def _pages():
    from accounts.models import User
    from bench.seed import bench_ids

    ids = bench_ids()
    builder = User.objects.get(username="bench_brobygger")
    worker = User.objects.get(username="bench_hjemmepleje")
    cases = ids["cases"]
    return {
        "trivial": (None, lambda i: "/bench/trivial/"),
        # The same view signed in: what every signed-in page pays before it does anything.
        "signed_in": (builder, lambda i: "/bench/trivial/"),
        "caseload": (builder, lambda i: "/forloeb/"),
        "case": (builder, lambda i: f"/forloeb/{cases[i % len(cases)]}/"),
        "board": (worker, lambda i: "/screening/tavle/"),
        "directory": (None, lambda i: f"/tilbud/?area={ids['postcodes'][0]}&km=10"),
    }


def breakdown(name: str, runs: int, profile_runs: int) -> dict:
    from django.db import connection
    from django.test import Client

    from bench.seed import BENCH_PASSWORD

    user, url = _pages()[name]
    client = Client()
    if user is not None:
        # Signed in as the load test is: a password sign-in, a session in the session store.
        assert client.login(username=user.username, password=BENCH_PASSWORD)
    meter = METER
    for i in range(5):
        client.get(url(i))
    profiler = cProfile.Profile() if profile_runs else None
    rows = []
    with connection.execute_wrapper(meter.query):
        for i in range(runs):
            meter.reset()
            if profiler is not None and i < profile_runs:
                profiler.enable()
            response = client.get(url(i))
            if profiler is not None and i < profile_runs:
                profiler.disable()
            if response.status_code != 200:
                raise SystemExit(f"{url(i)} answered {response.status_code}")
            rows.append((dict(meter.totals), dict(meter.queries), dict(meter.query_time)))

    def median(key, index=0):
        return round(statistics.median(r[index].get(key, 0.0) for r in rows) * 1000, 2)

    total = median("request")
    inner = median("view and rendering")
    rendering = median("template rendering")
    cpu_total, cpu_inner = median("cpu request"), median("cpu view and rendering")
    cpu_rendering = median("cpu template rendering")
    result = {
        "page": name,
        "runs": runs,
        "request_ms": total,
        # The process's own CPU time, which other work on the machine hardly moves: what
        # each part costs Brobyg, building and reading its queries included.
        "cpu_ms": cpu_total,
        "cpu_middleware_ms": round(cpu_total - cpu_inner, 2),
        "cpu_view_ms": round(cpu_inner - cpu_rendering, 2),
        "cpu_template_ms": cpu_rendering,
        "middleware_ms": round(total - inner - median("queries in middleware"), 2),
        "middleware_queries_ms": median("queries in middleware"),
        "view_ms": round(inner - rendering - median("queries in view"), 2),
        "view_queries_ms": median("queries in view"),
        "template_ms": round(rendering - median("queries in template"), 2),
        "template_queries_ms": median("queries in template"),
        "queries": {
            kind: {
                "count": round(statistics.median(r[1].get(kind, 0) for r in rows)),
                "ms": median(kind, 2),
            }
            for kind in sorted({k for r in rows for k in r[1]})
        },
        "bytes": len(response.content),
    }
    if profiler is not None:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs()
        stats.sort_stats("cumulative").print_stats(40)
        stats.sort_stats("tottime").print_stats(25)
        result["profile"] = out.getvalue()
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.breakdown")
    parser.add_argument("pages", nargs="+", choices=list(_PAGE_NAMES))
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--profile", type=int, default=0, help="cProfile the first N requests")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    django.setup()
    _instrument(METER)
    results = []
    for page in args.pages:
        results.append(breakdown(page, args.runs, args.profile))
    if args.json:
        json.dump([{k: v for k, v in r.items() if k != "profile"} for r in results], sys.stdout)
        return
    for r in results:
        print(f"\n== {r['page']} ({r['runs']} requests, {r['bytes']:,} bytes) ==")
        print(f"request            {r['request_ms']:8.2f} ms (median wall time)")
        print(
            f"CPU of the process {r['cpu_ms']:8.2f} ms: middleware {r['cpu_middleware_ms']:.2f}, "
            f"view {r['cpu_view_ms']:.2f}, templates {r['cpu_template_ms']:.2f}"
        )
        for part in ("middleware", "view", "template"):
            own, queries = r[f"{part}_ms"], r[f"{part}_queries_ms"]
            label = f"{part}s" if part == "template" else part
            print(f"  {label:16} {own:8.2f} ms + queries {queries:.2f} ms")
        for kind, q in r["queries"].items():
            print(f"  queries: {kind:30} {q['count']:3d}  {q['ms']:.2f} ms")
        if "profile" in r:
            print(r["profile"])


_PAGE_NAMES = ("trivial", "signed_in", "caseload", "case", "board", "directory")
METER = Meter()

if __name__ == "__main__":
    main()
