"""Reading settings from the environment, in one place.

Every setting that differs between a laptop, CI and a municipality's servers comes from an
environment variable; `.env` in the project root is read too when it exists (never committed).
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

_dotenv = BASE_DIR / ".env"
if _dotenv.exists():
    environ.Env.read_env(str(_dotenv))


# `make run` without DATABASE_URL: the embedded PostgreSQL it starts (scripts/run.py, data in
# var/postgres), on this port on loopback.
EMBEDDED_POSTGRES_PORT = env.int("BROBYG_EMBEDDED_POSTGRES_PORT", default=54320)
EMBEDDED_DATABASE_URL = f"postgres://postgres@127.0.0.1:{EMBEDDED_POSTGRES_PORT}/brobyg"


def database_config(default: str) -> dict:
    """DATABASE_URL (or `default` when it is unset or empty) as a Django DATABASES entry.
    Brobyg runs on PostgreSQL only: any other engine is refused before anything connects."""
    url = env.str("DATABASE_URL", default="") or default
    scheme = url.split(":", 1)[0]
    try:
        config = environ.Env.db_url_config(url)
    except (KeyError, ValueError):
        config = {}
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            f"DATABASE_URL is a {scheme!r} URL, but Brobyg runs on PostgreSQL only: give "
            "postgres://user:password@host:5432/name, or leave DATABASE_URL unset and "
            "`make run` starts an embedded PostgreSQL with its data in var/postgres."
        )
    # PostgreSQL's JIT compiler off on every connection, beside any options the URL gives: the
    # planner can price a page's short query (a team's board: hundreds of citizens estimated as
    # thousands, each with subqueries) past compiling, which took seconds where running took
    # 160 ms.
    options = config.setdefault("OPTIONS", {})
    options["options"] = " ".join(filter(None, [options.get("options", ""), "-c jit=off"]))
    return config
