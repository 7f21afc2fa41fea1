"""Scenarios timed inside one process against the benchmark database: each prints JSON.

    python -m bench.inprocess suggestions

Suggestions are timed end to end (the citizen's wishes, the candidate rows, ranking and
reasons), next to the bare SQL that fetches the same candidate rows, so the ratio says what the
ranking costs on top of reading the rows at all.

Each scenario imports the apps' modules inside its function: the script sets Django up (in
`main`) before any model can be imported.
"""

import json
import statistics
import sys
import time

import django


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _summary(times: list[float]) -> dict:
    return {
        "runs": len(times),
        "median": round(statistics.median(times) * 1000, 2),
        "p95": round(_percentile(times, 0.95) * 1000, 2),
    }


def suggestions(runs: int = 200) -> dict:
    from django.db import connection

    from matching.models import MatchProfile
    from matching.ranking import suggestions_for
    from places.models import Postcode
    from places.selectors import postcodes_within
    from referrals.models import Citizen

    citizen_ids = list(MatchProfile.objects.values_list("citizen_id", flat=True)[:runs])
    citizens = list(Citizen.objects.filter(pk__in=citizen_ids))
    if not citizens:
        raise SystemExit("No matching profiles in the benchmark database.")
    for citizen in citizens[:10]:  # warm caches and connections
        suggestions_for(citizen=citizen)
    ranked, bare, sizes = [], [], []
    for index in range(runs):
        citizen = citizens[index % len(citizens)]
        started = time.perf_counter()
        groups = suggestions_for(citizen=citizen)
        ranked.append(time.perf_counter() - started)
        sizes.append(sum(len(g) for g in groups.values()))
        started = time.perf_counter()
        centre = Postcode.objects.filter(code=citizen.postcode).first()
        codes = postcodes_within(lat=centre.latitude, lon=centre.longitude, km=10)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, activity_kinds, interests, latitude, longitude, slots, languages "
                "FROM offers_offer WHERE status = 'active' AND (is_remote OR postcode = ANY(%s))",
                [codes],
            )
            offers = cursor.fetchall()
            cursor.execute(
                "SELECT id, roles, interests, latitude, longitude, slots, languages "
                "FROM volunteers_volunteer WHERE status IN ('approved', 'active') "
                "AND load < capacity AND postcode = ANY(%s)",
                [codes],
            )
            volunteers = cursor.fetchall()
        bare.append(time.perf_counter() - started)
    result = _summary(ranked)
    result["bare_sql"] = _summary(bare)
    result["candidates"] = len(offers) + len(volunteers)
    result["suggestions_per_citizen"] = statistics.median(sizes)
    return result


REMINDER_TITLE = "Benchmark: påmindelse"


def _reminder_tasks(open_tasks: int, due_today: int) -> None:
    """`open_tasks` open tasks for 100 staff, `due_today` of them due today (COPY)."""
    import random
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    from accounts.constants import TeamKind
    from accounts.models import Organisation, Team, User
    from bench.seed.common import _copy
    from referrals.models import Citizen

    organisation = Organisation.objects.get(name="Benchmark Kommune")
    team, _created = Team.objects.get_or_create(
        organisation=organisation, name="Påmindelser", defaults={"kind": TeamKind.HOME_CARE}
    )
    users = list(User.objects.filter(username__startswith="bench_reminder_"))
    if not users:
        User.objects.bulk_create(
            User(
                username=f"bench_reminder_{n}",
                email=f"reminder{n}@bench.invalid",
                first_name="Bench",
                password="!",  # noqa: S106 - no sign-in
            )
            for n in range(100)
        )
        users = list(User.objects.filter(username__startswith="bench_reminder_"))
    citizens = list(Citizen.objects.values_list("pk", flat=True)[:1000])
    rng = random.Random(7)
    today = timezone.localdate()
    now = timezone.now()

    def rows():
        for index in range(open_tasks):
            due = today if index < due_today else today + timedelta(days=rng.randrange(2, 60))
            yield (
                now,
                now,
                uuid.uuid4(),
                rng.choice(citizens),
                None,
                None,
                team.pk,
                users[index % len(users)].pk,
                "call_citizen",
                REMINDER_TITLE,
                due,
                None,
                "",
                None,
            )

    _copy(
        "followups_task",
        [
            "created_at",
            "updated_at",
            "id",
            "citizen_id",
            "case_id",
            "screening_id",
            "team_id",
            "assignee_id",
            "kind",
            "title",
            "due",
            "done_at",
            "outcome",
            "created_by_id",
        ],
        rows(),
    )


def reminders(open_tasks: int = 100_000, due_today: int = 10_000, send: int = 1_000) -> dict:
    """The reminder scan over `open_tasks` extra open tasks, `due_today` of them due: insert and
    hand out every due reminder; then `send` of them through two real Celery workers to a local
    SMTP sink. Everything it adds is removed again."""
    import os
    import socket
    import subprocess
    from datetime import datetime
    from datetime import time as clock

    from aiosmtpd.controller import Controller
    from django.db import transaction
    from django.utils import timezone

    from bench.__main__ import PYTHON, ROOT
    from followups.models import Notification, Task
    from followups.reminders import notifications_to_queue, reminders_queue
    from followups.tasks import reminder_send

    started_at = timezone.now()
    with transaction.atomic():
        _reminder_tasks(open_tasks, due_today)
    controller = None
    workers = []
    try:
        # In the afternoon both the day-before and the due-day reminders are due.
        now = timezone.make_aware(datetime.combine(timezone.localdate(), clock(15, 0)))
        started = time.perf_counter()
        offered = reminders_queue(now=now)
        ids = notifications_to_queue(now=now, limit=10**7)
        scan = time.perf_counter() - started

        class Sink:
            count = 0

            async def handle_DATA(self, server, session, envelope):
                Sink.count += 1
                return "250 OK"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        controller = Controller(Sink(), hostname="127.0.0.1", port=port)
        controller.start()
        queue = f"brobyg-bench-{os.getpid()}"
        env = {
            **os.environ,
            "BENCH_EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
        }
        workers = [
            subprocess.Popen(
                [
                    PYTHON,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--pool",
                    "solo",
                    "--queues",
                    queue,
                    "--hostname",
                    f"bench{n}-{queue}@%h",
                    "--loglevel",
                    "WARNING",
                    "--without-heartbeat",
                    "--without-mingle",
                    "--without-gossip",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for n in range(2)
        ]
        sample = ids[:send]
        send_started = time.perf_counter()
        for notification_id in sample:
            reminder_send.apply_async(args=[str(notification_id)], queue=queue)
        deadline = time.monotonic() + 600
        while Sink.count < len(sample) and time.monotonic() < deadline:
            time.sleep(0.2)
        sending = time.perf_counter() - send_started
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        if controller is not None:
            controller.stop()
        Notification.objects.filter(created_at__gte=started_at).delete()
        Task.objects.filter(title=REMINDER_TITLE).delete()
    return {
        "open_tasks": open_tasks,
        "due_reminders": len(ids),
        "offered": offered,
        "scan_seconds": round(scan, 1),
        "sent": Sink.count,
        "sent_per_second": round(Sink.count / sending, 1) if sending else 0,
    }


def stats_export() -> dict:
    """The full statistics export (every table, disclosure control, CSV) into a discarding
    stream, its peak memory, and the plain GROUP BY floor over the same period."""
    import io
    import resource

    from stats.bench import raw_group_by, run_export

    class Discard(io.TextIOBase):
        def write(self, text):
            return len(text)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings = run_export(Discard())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    floor = raw_group_by()
    return {
        "seconds": timings["total"],
        "lines": timings["csv_lines"],
        "peak_mb": round(peak_mb, 0),
        "rss_before_mb": round(before / 1024, 0),
        "raw_group_by_seconds": floor["total"],
    }


SCENARIOS = {"suggestions": suggestions, "reminders": reminders, "stats": stats_export}


def main() -> None:
    django.setup()
    names = sys.argv[1:] or list(SCENARIOS)
    json.dump({name: SCENARIOS[name]() for name in names}, sys.stdout)


if __name__ == "__main__":
    main()
