"""Logging pieces for settings.LOGGING: one clock for every line, and refused requests in one
line. Nothing here imports Django's settings: LOGGING passes in what is needed."""

import logging
from datetime import datetime
from zoneinfo import ZoneInfo


class LocalTimeFormatter(logging.Formatter):
    """Times in Brobyg's time zone (settings.TIME_ZONE) with their offset, e.g.
    `2026-12-01 11:00:05,123+01:00`, whatever the machine's own clock is set to."""

    def __init__(self, fmt=None, datefmt=None, style="%", validate=True, *, time_zone="UTC"):
        super().__init__(fmt, datefmt, style, validate)
        self.zone = ZoneInfo(time_zone)

    def formatTime(self, record, datefmt=None):
        moment = datetime.fromtimestamp(record.created, tz=self.zone)
        if datefmt:
            return moment.strftime(datefmt)
        offset = moment.strftime("%z")
        return f"{moment:%Y-%m-%d %H:%M:%S},{int(record.msecs):03d}{offset[:3]}:{offset[3:]}"


class RefusedRequestsInOneLine(logging.Filter):
    """On django.request: a request answered with a 4xx (a 403, a 404) is the client's doing and
    one line says all; the traceback of the exception behind it stays out of the log. Server
    errors (5xx) keep theirs."""

    def filter(self, record):
        if 400 <= getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
