"""Starting Brobyg in production: strong keys, and static files collected before gunicorn serves.

Each test runs the production settings in a process of its own, with only the environment it
gives, as a municipality's server would.
"""

import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import yaml
from django.db import connection

from tests.core.test_deploy import PRODUCTION_ENV, ROOT


def _clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BROBYG_"))}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings.production", **extra)
    return env


def _import_production_settings(**extra):
    return subprocess.run(
        [sys.executable, "-c", "import config.settings.production"],
        cwd=ROOT,
        env=_clean_env(**extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("name", ["DJANGO_SECRET_KEY", "BROBYG_ENCRYPTION_KEY"])
def test_production_refuses_a_key_shorter_than_32_bytes(name):
    result = _import_production_settings(**{name: "x" * 31})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert name in result.stderr
    assert "32 bytes" in result.stderr


@pytest.mark.parametrize("name", ["DJANGO_SECRET_KEY", "BROBYG_ENCRYPTION_KEY"])
def test_production_counts_bytes_not_letters(name):
    # 16 letters of two bytes each are 32 bytes: enough.
    assert _import_production_settings(**{name: "æ" * 16}).returncode == 0


def test_production_accepts_keys_of_32_bytes():
    result = _import_production_settings(
        DJANGO_SECRET_KEY=secrets.token_hex(16), BROBYG_ENCRYPTION_KEY=secrets.token_hex(16)
    )
    assert result.returncode == 0, result.stderr


# --- gunicorn serves only collected static files -----------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def _gunicorn(env: dict, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _get(port: int, path: str) -> tuple[int, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        headers={"Host": "brobyg.example.dk", "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def _wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)


def _stop(process: subprocess.Popen) -> tuple[str, str]:
    if process.poll() is None:
        process.terminate()
    try:
        return process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


@pytest.mark.django_db
def test_gunicorn_refuses_to_start_without_collected_static_files(tmp_path):
    env = _clean_env(DJANGO_STATIC_ROOT=str(tmp_path / "static"), DATABASE_URL=_database_url())
    port = _free_port()
    process = _gunicorn(env, port)
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        # Still running: it serves, and every page is a 500 for want of the manifest.
        status, _ = _get(port, "/konto/log-ind/")
        _stop(process)
        pytest.fail(f"gunicorn started without static files; a page answered {status}")
    _, stderr = _stop(process)
    assert process.returncode != 0
    assert "collectstatic" in stderr
    assert str(tmp_path / "static") in stderr


@pytest.mark.django_db
def test_gunicorn_serves_pages_once_static_files_are_collected(tmp_path):
    env = _clean_env(DJANGO_STATIC_ROOT=str(tmp_path / "static"), DATABASE_URL=_database_url())
    # The sign-in page needs Brobyg's own static files only; leaving out the admin's and the API
    # browser's (thousands of files to compress) keeps the test short.
    ignore = ["-i", "admin", "-i", "rest_framework", "-i", "drf_spectacular_sidecar"]
    collect = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", *ignore],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stderr
    assert (tmp_path / "static" / "staticfiles.json").exists()

    port = _free_port()
    process = _gunicorn(env, port)
    try:
        _wait_for(port, process)
        status, body = _get(port, "/konto/log-ind/")
        assert status == 200, body[:500]
        # The page links its style sheet by its hashed name, and that file is served.
        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', body).group(1)
        assert _get(port, stylesheet)[0] == 200
    finally:
        _, stderr = _stop(process)
    assert "Traceback" not in stderr, stderr


# --- The image and docker-compose ----------------------------------------------------------------


def test_the_image_collects_static_files_with_keys_production_accepts():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "collectstatic --no-input" in dockerfile
    for name in ("DJANGO_SECRET_KEY", "BROBYG_ENCRYPTION_KEY"):
        value = re.search(rf"{name}=(\S+)", dockerfile).group(1)
        assert len(value.encode()) >= 32, name


def test_docker_compose_trusts_the_gateway_its_host_proxy_comes_through():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    trusted = compose["services"]["web"]["environment"]["BROBYG_TRUSTED_PROXIES"]
    gateway = compose["networks"]["default"]["ipam"]["config"][0]["gateway"]
    # Both default to the same address, and BROBYG_NETWORK_GATEWAY moves both.
    assert gateway == "${BROBYG_NETWORK_GATEWAY:-172.30.57.1}"
    assert trusted == "${BROBYG_TRUSTED_PROXIES:-" + gateway + "}"


def test_no_count_of_proxies_is_left_anywhere():
    names = ["README.md", "docker-compose.yml", "Dockerfile", ".env.example"]
    files = [ROOT / n for n in names] + [
        p
        for folder in ("config", "core", "accounts", "referrals", "offers", "docs", "scripts")
        for p in (ROOT / folder).rglob("*")
        # The decisions tell the history, the count of proxies included.
        if p.suffix in {".py", ".md", ".yml", ".sh"} and "decisions" not in p.parts
    ]
    assert [str(f) for f in files if "NUM_PROXIES" in f.read_text()] == []
