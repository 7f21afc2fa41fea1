"""A quiet, honest log: one clock (Brobyg's time zone, with its offset), a refused request is
one line rather than a traceback, and the worker logs like the web app, demo e-mails included."""

import io
import logging
import sys
from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.test import Client

from core.logging import LocalTimeFormatter
from tests.accounts.factories import UserFactory


def record_at(moment: datetime, **extra) -> logging.LogRecord:
    record = logging.LogRecord("brobyg", logging.INFO, __file__, 1, "hello", None, None)
    record.created = moment.timestamp()
    record.msecs = 0
    record.__dict__.update(extra)
    return record


def test_log_times_are_on_the_copenhagen_clock_with_the_offset():
    formatter = LocalTimeFormatter("%(asctime)s %(message)s", time_zone="Europe/Copenhagen")
    summer = formatter.format(record_at(datetime(2026, 7, 1, 10, 0, tzinfo=UTC)))
    winter = formatter.format(record_at(datetime(2026, 12, 1, 10, 0, 5, tzinfo=UTC)))
    assert summer == "2026-07-01 12:00:00,000+02:00 hello"
    assert winter == "2026-12-01 11:00:05,000+01:00 hello"


def test_every_log_line_uses_that_clock_runserver_s_request_lines_too():
    formatters = settings.LOGGING["formatters"]
    assert formatters["plain"]["()"] == "core.logging.LocalTimeFormatter"
    assert formatters["plain"]["time_zone"] == settings.TIME_ZONE == "Europe/Copenhagen"
    loggers = settings.LOGGING["loggers"]
    # Django's own console handler and runserver's "[date] request" format would be a second
    # format and a second clock; both go through the one handler instead.
    assert loggers["django"]["handlers"] == []
    assert loggers["django.server"]["handlers"] == ["stdout"]
    root = logging.getLogger()
    assert any(isinstance(h.formatter, LocalTimeFormatter) for h in root.handlers)


@pytest.mark.django_db
def test_a_refused_request_is_one_line_in_the_log_not_a_traceback(caplog):
    client = Client()
    client.force_login(UserFactory())  # no role: the statistics are not for them
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get("/statistik/")
    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.exc_info is None
    line = LocalTimeFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s", time_zone="Europe/Copenhagen"
    ).format(record)
    assert "\n" not in line
    assert line.endswith("WARNING django.request Forbidden (Permission denied): /statistik/")


def test_the_worker_logs_through_brobyg_s_logging_and_leaves_e_mails_as_they_are(monkeypatch):
    """Celery would otherwise install its own format and turn everything printed (the console
    e-mails of `make run`) into WARNING lines."""
    from celery.utils.log import LoggingProxy

    from config.celery import app

    monkeypatch.setattr(sys, "stdout", io.StringIO())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        handled = app.log.setup(loglevel="INFO", redirect_stdouts=True)
        assert handled
        assert not isinstance(sys.stdout, LoggingProxy)
        assert any(isinstance(h.formatter, LocalTimeFormatter) for h in root.handlers)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
