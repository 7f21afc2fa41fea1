"""Before the test suite: are PostgreSQL and Redis answering? If not, say what to start."""

import os
import sys
from urllib.parse import urlparse

import psycopg
import redis
from psycopg import sql

DATABASE_URL = os.environ.get("DATABASE_URL") or "postgres://postgres@127.0.0.1:5432/brobyg"
# The embedded server's address (config/env.py), for the hint below.
EMBEDDED_DATABASE_URL = "postgres://postgres@127.0.0.1:{}/brobyg".format(
    os.environ.get("BROBYG_EMBEDDED_POSTGRES_PORT") or "54320"
)
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def check_postgres() -> str | None:
    url = urlparse(DATABASE_URL)
    # Connect to the server's maintenance database; the suite makes its own test database, and
    # the configured one is created here if missing (manage.py check and makemigrations use it).
    maintenance = url._replace(path="/postgres").geturl().replace("postgres://", "postgresql://", 1)
    name = url.path.lstrip("/") or "brobyg"
    try:
        with psycopg.connect(maintenance, connect_timeout=3, autocommit=True) as conn:
            exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            version = conn.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error as exc:
        return (
            f"PostgreSQL does not answer at {url.hostname}:{url.port or 5432} ({exc}).\n"
            "  Start it, e.g.: "
            "pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n"
            "  or: docker compose up -d db   (then set DATABASE_URL)\n"
            "  or, with nothing installed, the embedded PostgreSQL of `make run`, in another "
            "terminal:\n"
            "      .venv/bin/python scripts/run.py --database-only\n"
            f"  then: DATABASE_URL={EMBEDDED_DATABASE_URL} make test"
        )
    print(
        f"The suite runs on PostgreSQL {version.split()[0]} at {url.hostname}:{url.port or 5432}."
    )
    return None


def check_redis() -> str | None:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return (
            f"Redis does not answer at {REDIS_URL} ({exc}).\n"
            "  Start it, e.g.: "
            'redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save ""\n'
            "  or: docker compose up -d redis   (then set REDIS_URL)"
        )
    return None


def main() -> int:
    problems = [p for p in (check_postgres(), check_redis()) if p]
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(
            "The test suite runs against real PostgreSQL and Redis; start them and try again.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
