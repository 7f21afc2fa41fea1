"""Per-address limits, counted in the cache (Redis), that let requests through when Redis is down.

A limit is there to slow down a robot, not to guard data: while Redis cannot be reached, every
limit here fails open and logs a warning, so the public form, the directory, the health check and
the token endpoint keep answering (docs/decisions/0009-when-redis-is-down.md). The sign-in
lockout does not depend on Redis: django-axes keeps its counts in the database.
"""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from redis.exceptions import RedisError
from rest_framework import throttling

from core.http import client_bucket

logger = logging.getLogger(__name__)

# What the cache raises when it cannot be reached: Redis' own errors, and socket or file errors
# (a refused connection, a time-out, the file cache of `make run` on a full disk).
CACHE_ERRORS = (RedisError, OSError)

# By the period's first letter, as Django REST framework reads its rates: "5/hour", "120/min".
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    limit: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> "Rate":
        """`"120/min"` → Rate(120, 60): the form DRF's rates and Brobyg's settings share."""
        count, _, period = text.partition("/")
        return cls(limit=int(count), seconds=PERIODS[period.strip()[:1].lower()])


@dataclass(frozen=True)
class Verdict:
    throttled: bool
    retry_after: int = 0


def rate_limit(*, scope: str, who: str, rate: str) -> Verdict:
    """Count one request of `who` (an address, a user) against `rate` in `scope`.

    A window per `who`, started by its first request, so a burst cannot straddle two windows;
    `retry_after` is the seconds left of it. When the cache cannot be reached the request is
    let through (and a warning logged).
    """
    parsed = Rate.parse(rate)
    key = f"throttle:{scope}:{who}"
    try:
        if cache.add(key, 0, timeout=parsed.seconds):
            cache.set(f"{key}:since", time.time(), timeout=parsed.seconds)
        count = cache.incr(key)
        if count <= parsed.limit:
            return Verdict(throttled=False)
        since = cache.get(f"{key}:since") or time.time()
    except CACHE_ERRORS as exc:
        logger.warning(
            "throttle %s let a request through: the cache is unreachable (%r)", scope, exc
        )
        return Verdict(throttled=False)
    except ValueError:
        # The window ended between add and incr: this request starts the next one.
        return Verdict(throttled=False)
    retry_after = max(1, int(since + parsed.seconds - time.time() + 0.999))
    return Verdict(throttled=True, retry_after=retry_after)


def address_throttle(request: HttpRequest, *, scope: str, rate: str) -> Verdict:
    """`rate_limit` for the client's address (core.http.client_bucket: IPv6 by its /64)."""
    return rate_limit(scope=scope, who=client_bucket(request), rate=rate)


def too_many_requests_page(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(
        request,
        "429.html",
        {"minutes": max(1, (retry_after + 59) // 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def limit_per_address(
    *,
    scope: str,
    rate_setting: str,
    answer: Callable[[HttpRequest, int], HttpResponse] = too_many_requests_page,
    signed_in_per_user: bool = False,
):
    """A view decorator: at most the rate in settings.`rate_setting` per client address.

    With `signed_in_per_user`, a signed-in person counts on their own rather than with everyone
    behind the same address (staff behind the municipality's one address). Over the limit,
    `answer(request, retry_after)` answers instead of the view (by default the "too many
    requests" page). The rate is read on each request, so a setting change takes hold at once.
    """

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = getattr(request, "user", None)
            if signed_in_per_user and user is not None and user.is_authenticated:
                who = f"user:{user.pk}"
            else:
                who = client_bucket(request)
            verdict = rate_limit(scope=scope, who=who, rate=getattr(settings, rate_setting))
            if verdict.throttled:
                return answer(request, verdict.retry_after)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


# --- Django REST framework's throttles -----------------------------------------------------------


def _drf_get_ident(self, request) -> str:
    return client_bucket(request)


_drf_allow_request = throttling.SimpleRateThrottle.allow_request


def _drf_allow_request_or_fail_open(self, request, view):
    try:
        return _drf_allow_request(self, request, view)
    except CACHE_ERRORS as exc:
        logger.warning(
            "throttle %s let a request through: the cache is unreachable (%r)",
            getattr(self, "scope", type(self).__name__),
            exc,
        )
        return True


def configure_drf_throttles() -> None:
    """Make every DRF throttle, whichever class a view names, count per `client_bucket` and fail
    open.

    DRF's own `get_ident` trusts X-Forwarded-For by a count of proxies (or entirely, by
    default), and its throttles raise when the cache is down, which makes the endpoint a 500. Set
    on the base classes once at start-up (CoreConfig.ready), so no API view can forget it.
    """
    throttling.BaseThrottle.get_ident = _drf_get_ident
    throttling.SimpleRateThrottle.allow_request = _drf_allow_request_or_fail_open
