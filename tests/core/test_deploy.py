"""Production settings: `check --deploy` is clean, and missing secrets stop the start."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "brobyg.example.dk",
    "BROBYG_ENCRYPTION_KEY": secrets.token_urlsafe(32),
    "DATABASE_URL": "postgres://brobyg@db.example.dk:5432/brobyg",
    "REDIS_URL": "redis://redis.example.dk:6379/0",
}


def _without(name):
    return {k: v for k, v in PRODUCTION_ENV.items() if k != name}


def _manage(*args, env_extra):
    # Only what the test gives: nothing from the caller's shell (DATABASE_URL, keys, …).
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in PRODUCTION_ENV and not k.startswith("DJANGO_")
    }
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **env_extra})
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_without_a_single_warning():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_extra=PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize(
    "name",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "BROBYG_ENCRYPTION_KEY",
        "DATABASE_URL",
        "REDIS_URL",
    ],
)
def test_production_refuses_to_start_without_each_required_setting(name):
    result = _manage("check", env_extra=_without(name))
    assert result.returncode != 0
    assert name in result.stderr
