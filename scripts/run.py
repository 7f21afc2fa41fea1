"""`make run`: Brobyg on this machine with nothing else to install.

Without DATABASE_URL it starts the embedded PostgreSQL (data in var/postgres, made once and
kept); without REDIS_URL, Celery uses its file-system broker in var/celery. Then it migrates,
loads the demo data, and starts the web app, a Celery worker and beat (Procfile.dev, through
honcho), all on that database. Ctrl-C (or SIGTERM) stops them, then the database.

    .venv/bin/python scripts/run.py                   # what `make run` does
    .venv/bin/python scripts/run.py --database-only   # only the embedded PostgreSQL, until Ctrl-C
"""

import argparse
import io
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config.env import EMBEDDED_POSTGRES_PORT  # noqa: E402
from core.embedded_postgres import EmbeddedPostgres, EmbeddedPostgresError  # noqa: E402

WEB_URL = "http://127.0.0.1:8000/"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
# honcho, given longer than its 5 s to stop the processes before it kills them: a Celery worker's
# warm shutdown takes a few seconds on a busy laptop, and a stop should not end in SIGKILL.
HONCHO = (
    "import sys, honcho.manager; honcho.manager.KILL_WAIT = 20; "
    "from honcho.command import main; main(sys.argv[1:])"
)


class Stop(Exception):
    """A stop signal arrived while Brobyg was still being prepared."""


def say(line: str = "") -> None:
    write(line + "\n")


def write(text: str) -> None:
    """To standard output; if that is gone (`make run | tee log` and Ctrl-C ends tee too),
    Brobyg still stops in order, silently."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except (OSError, ValueError):
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - for the rest of the run


def without_password(url: str) -> str:
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


class Launcher:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.server: EmbeddedPostgres | None = None
        self.honcho: subprocess.Popen | None = None
        self.stopping = False
        self.stop_asked: float | None = None

    def on_signal(self, signum, frame):
        first = not self.stopping
        self.stopping = True
        self.stop_asked = self.stop_asked or time.monotonic()
        if self.honcho is None:
            if first:
                raise Stop
        elif self.honcho.poll() is None:
            # honcho stops the web app, the worker and beat (SIGTERM, then SIGKILL after 5 s).
            self.honcho.send_signal(signal.SIGTERM)

    def run(self) -> int:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self.on_signal)
        try:
            if self.args.database_only:
                self.start_database()
                say(f"DATABASE_URL={os.environ['DATABASE_URL']}  (Ctrl-C stops it)")
                while True:
                    signal.pause()
            say(f"Brobyg: {WEB_URL}  (Ctrl-C stops it all)")
            self.start_database()
            self.prepare()
            return self.serve()
        except Stop:
            return 0
        except EmbeddedPostgresError as exc:
            print(exc, file=sys.stderr, flush=True)
            return 1
        finally:
            self.stopping = True
            if self.server is not None and self.server.running():
                self.server.stop()
                say("The embedded PostgreSQL has stopped.")

    def start_database(self) -> None:
        url = os.environ.get("DATABASE_URL", "")
        if url:
            say(f"  database: {without_password(url)}  (DATABASE_URL)")
            return
        self.server = EmbeddedPostgres(self.args.data_dir, port=self.args.port)
        began = time.monotonic()
        created = self.server.start()
        os.environ["DATABASE_URL"] = self.server.url
        kept = "new" if created else "kept from the last run"
        say(
            f"  database: embedded PostgreSQL {self.server.version()} at {self.server.url}, "
            f"data in {shown(self.server.data_dir)} ({kept}; up in "
            f"{time.monotonic() - began:.1f} s)"
        )
        for folder in self.server.opened:
            say(f"            ({folder} opened for passing through, for the server's user)")

    def prepare(self) -> None:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.core.management.base import CommandError
        from django.db import connections
        from django.db.migrations.executor import MigrationExecutor

        from accounts.demo import USERS

        if settings.CELERY_BROKER_URL.startswith("filesystem://"):
            folder = shown(Path(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"]).parent)
            say(f"  broker:   Celery's file-system broker in {folder}  (no REDIS_URL)")
        else:
            say(f"  broker:   {without_password(settings.CELERY_BROKER_URL)}  (REDIS_URL)")
        names = ", ".join(username for username, *_ in USERS[:5])
        say(f"  sign in:  {names} — password brobyg-demo;")
        say("            the two-factor code: .venv/bin/python manage.py demo_code")

        began = time.monotonic()
        executor = MigrationExecutor(connections["default"])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            say(f"Migrating the database ({len(pending)} migration(s))…")
            call_command("migrate", interactive=False, verbosity=0)
        try:
            call_command("seed_demo", stdout=io.StringIO())
        except CommandError as exc:
            say(f"No demo data: {exc}")
        try:
            call_command("compilemessages", ignore_patterns=[".venv", "var"], verbosity=0)
        except CommandError:
            say("Translations not compiled (no msgfmt: apt-get install gettext); using the ones")
            say("in the repository.")
        connections.close_all()
        say(f"Ready in {time.monotonic() - began:.1f} s: starting the web app, a worker and beat.")

    def serve(self) -> int:
        from django.conf import settings

        bin_dir = str(Path(sys.executable).parent)
        env = dict(os.environ)
        env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
        # honcho's time stamps on the same clock as the log lines they precede.
        env["TZ"] = settings.TIME_ZONE
        env["DJANGO_RUNSERVER_HIDE_WARNING"] = "true"
        env["PYTHONUNBUFFERED"] = "1"
        # A session of its own: Ctrl-C reaches this launcher alone, which stops the rest in order.
        # Its output passes through here, so honcho never blocks on an output that is gone.
        self.honcho = subprocess.Popen(  # noqa: S603 - our own Procfile
            [sys.executable, "-c", HONCHO, "-f", "Procfile.dev", "start"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        relay = threading.Thread(target=self.relay, args=(self.honcho.stdout,), daemon=True)
        relay.start()
        returncode = self.wait_for_honcho()
        relay.join(timeout=5)
        if self.stopping:
            return 0
        say(f"A process stopped on its own (honcho exited with {returncode}); stopping Brobyg.")
        return returncode or 1

    def wait_for_honcho(self) -> int:
        while True:
            try:
                return self.honcho.wait(timeout=1)
            except subprocess.TimeoutExpired:
                if self.stop_asked is not None and time.monotonic() - self.stop_asked > 30:
                    self.honcho.kill()  # it should have stopped everything within 20 s

    def relay(self, output) -> None:
        for line in output:
            write(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-only",
        action="store_true",
        help="start only the embedded PostgreSQL and print its DATABASE_URL",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=ROOT / "var" / "postgres", help="its data folder"
    )
    parser.add_argument(
        "--port", type=int, default=EMBEDDED_POSTGRES_PORT, help="its port on 127.0.0.1"
    )
    args = parser.parse_args()
    if args.database_only:
        os.environ.pop("DATABASE_URL", None)
    return Launcher(args).run()


if __name__ == "__main__":
    sys.exit(main())
