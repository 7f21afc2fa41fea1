import socket
import threading

import pytest
from aiosmtpd.controller import Controller

from followups import sms


class SMTPRecorder:
    """An SMTP server's handler that keeps what it accepts; it can refuse the first N messages
    with a temporary error (451), as a busy mail server does."""

    def __init__(self, refuse_first: int = 0):
        self.refuse_first = refuse_first
        self.attempts = 0
        self.messages = []
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.attempts += 1
            if self.attempts <= self.refuse_first:
                return "451 4.3.0 Try again later"
            self.messages.append(envelope)
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return [to for envelope in self.messages for to in envelope.rcpt_tos]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Start an SMTP server on loopback: `smtp_server(refuse_first=1)` → (recorder, port)."""
    controllers = []

    def start(refuse_first: int = 0):
        recorder = SMTPRecorder(refuse_first=refuse_first)
        port = _free_port()
        controller = Controller(recorder, hostname="127.0.0.1", port=port)
        controller.start()
        controllers.append(controller)
        return recorder, port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_settings(settings):
    def use(port: int):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 10

    return use


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()
