from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting X-Forwarded-For only as far as our own proxies go.

    With `BROBYG_NUM_PROXIES` = n, the n-th address from the right of X-Forwarded-For is the one
    our outermost proxy saw; anything left of it is what the client claimed and is ignored.
    """
    proxies = settings.BROBYG_NUM_PROXIES
    remote = request.META.get("REMOTE_ADDR", "")
    if proxies <= 0:
        return remote
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return remote
