"""Sending SMS through a pluggable backend, chosen by BROBYG_SMS_BACKEND (a dotted path).

A backend is a class with `send(*, to: str, body: str) -> None` that raises on failure (the
caller retries). A municipality's gateway is one more class; none is built in.
"""

import json
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class SMSError(Exception):
    """The gateway did not take the message; it is worth trying again later."""


class BaseSMSBackend:
    def send(self, *, to: str, body: str) -> None:
        raise NotImplementedError


class ConsoleSMSBackend(BaseSMSBackend):
    """Writes each message to the log: for development and `make run`."""

    def send(self, *, to: str, body: str) -> None:
        logger.info("SMS to %s: %s", to, body)


class FileSMSBackend(BaseSMSBackend):
    """Appends one JSON line per message to BROBYG_SMS_FILE_PATH."""

    _lock = threading.Lock()

    def send(self, *, to: str, body: str) -> None:
        line = json.dumps({"to": to, "body": body, "at": timezone.now().isoformat()})
        with self._lock, open(settings.BROBYG_SMS_FILE_PATH, "a", encoding="utf-8") as file:
            file.write(line + "\n")


@dataclass
class SMS:
    to: str
    body: str


# The messages LocmemSMSBackend "sent", like django.core.mail.outbox for e-mail.
outbox: list[SMS] = []


class LocmemSMSBackend(BaseSMSBackend):
    """Keeps the messages in `followups.sms.outbox`: for the test suite."""

    def send(self, *, to: str, body: str) -> None:
        outbox.append(SMS(to=to, body=body))


def sms_backend() -> BaseSMSBackend:
    return import_string(settings.BROBYG_SMS_BACKEND)()


def sms_send(*, to: str, body: str) -> None:
    sms_backend().send(to=to, body=body)
