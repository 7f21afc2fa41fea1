"""Which failed sign-ins django-axes counts together: per user name, and per address once many.

django-axes locks when the largest of its counts (one per lockout parameter) reaches
AXES_FAILURE_LIMIT. Brobyg wants two different limits: five failures lock a user name from every
address, and a far higher number lock an address, because a whole municipality's staff may sign
in from behind one address. So the address counts only once it has reached its own limit
(`BROBYG_SIGN_IN_ADDRESS_FAILURE_LIMIT`); below that, a sign-in is judged by its user name alone.

The same choice decides what a successful sign-in wipes: the user's own failures, never the other
user names an address has been guessing.
"""

from axes.models import AccessAttempt, AccessBase
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from core.http import client_bucket

BY_USER_NAME = ["username"]
BY_USER_NAME_AND_ADDRESS = ["username", "ip_address"]


def address_failures(*, ip_address: str, since) -> int:
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


def lockout_parameters(request_or_attempt, credentials=None) -> list:
    """AXES_LOCKOUT_PARAMETERS: the user name, and the address too once it is over its limit.

    `request_or_attempt` is a Django request, DRF's request (the token endpoint) or an attempt.
    """
    if isinstance(request_or_attempt, AccessBase):
        # An attempt row (the admin, axes' own housekeeping): both, as recorded.
        return BY_USER_NAME_AND_ADDRESS
    request = request_or_attempt
    ip_address = getattr(request, "axes_ip_address", None) or client_bucket(request)
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    failures = address_failures(ip_address=ip_address, since=now - settings.AXES_COOLOFF_TIME)
    if failures >= settings.BROBYG_SIGN_IN_ADDRESS_FAILURE_LIMIT:
        return BY_USER_NAME_AND_ADDRESS
    return BY_USER_NAME
