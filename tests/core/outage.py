"""Redis as it fails in production, for tests: down (nothing listens) or frozen (a server that
accepts connections and never answers). No mock of Redis: the real client meets a real socket.
"""

import socket
import threading
import time
from contextlib import contextmanager

import pytest
from django.core.cache import caches

from config.celery import app as celery_app

CLOSED_PORT_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


class FrozenServer:
    """Accepts TCP connections on loopback and never says a word.

    Each connection is dropped after `hold_seconds`, so code without a time-out of its own fails
    a test slowly instead of hanging it for ever.
    """

    def __init__(self, hold_seconds: float = 15.0):
        self.hold_seconds = hold_seconds
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.1)
        self.port = self._server.getsockname()[1]
        self._held: list[tuple[float, socket.socket]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                pass
            except OSError:
                break
            else:
                self._held.append((time.monotonic(), conn))
            now = time.monotonic()
            for accepted, conn in [h for h in self._held if now - h[0] > self.hold_seconds]:
                conn.close()
                self._held.remove((accepted, conn))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._server.close()
        for _, conn in self._held:
            conn.close()


@contextmanager
def redis_at(url: str, settings, monkeypatch):
    """Point the cache and the Celery broker at `url`, keeping every other cache option."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {**settings.CACHES["default"], "LOCATION": url},
    }
    monkeypatch.setitem(celery_app.conf, "broker_url", url)
    try:
        yield
    finally:
        caches["default"].close()


@pytest.fixture(params=["down", "frozen"])
def redis_outage(request, settings, monkeypatch):
    """Redis down, then Redis frozen: the test runs once for each."""
    if request.param == "down":
        with redis_at(CLOSED_PORT_URL, settings, monkeypatch):
            yield request.param
        return
    server = FrozenServer()
    try:
        with redis_at(server.url, settings, monkeypatch):
            yield request.param
    finally:
        server.close()


@pytest.fixture
def redis_frozen(settings, monkeypatch):
    server = FrozenServer()
    try:
        with redis_at(server.url, settings, monkeypatch):
            yield server
    finally:
        server.close()


@pytest.fixture
def redis_down(settings, monkeypatch):
    with redis_at(CLOSED_PORT_URL, settings, monkeypatch):
        yield
