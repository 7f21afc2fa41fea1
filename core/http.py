import ipaddress
import logging
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest

logger = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_trusted_proxies(entries) -> tuple[IPNetwork, ...]:
    """`BROBYG_TRUSTED_PROXIES` as networks: addresses (`10.0.0.5`) and networks (`10.0.0.0/24`).

    Anything else stops the start: a host name or a typo would silently trust nobody, or the
    wrong machine.
    """
    networks = []
    for entry in entries:
        entry = str(entry).strip()
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"BROBYG_TRUSTED_PROXIES: {entry!r} is not an IP address or network "
                "(write e.g. 10.0.0.5 or 10.0.0.0/24; host names are not accepted)"
            ) from None
    return tuple(networks)


@lru_cache(maxsize=8)
def _trusted_networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return parse_trusted_proxies(entries)


def _parse_address(text: str) -> IPAddress | None:
    """An address as a proxy writes it: `203.0.113.7`, `203.0.113.7:4711`, `[2001:db8::5]:443`."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks: tuple[IPNetwork, ...]) -> bool:
    return any(address in network for network in networks)


_warned_about: set[IPAddress] = set()


def _warn_about_untrusted_proxy(remote: IPAddress) -> None:
    """Once per address: a proxy on our own network that is not listed is most likely ours.

    Unlisted, every person behind it counts as that one address, and shares its limits.
    """
    if not (remote.is_private or remote.is_loopback):
        return
    if remote in _warned_about or len(_warned_about) >= 100:
        return
    _warned_about.add(remote)
    logger.warning(
        "X-Forwarded-For from %s, which is not in BROBYG_TRUSTED_PROXIES: the header is ignored "
        "and everyone behind %s counts as that one address. If it is your proxy, list it.",
        remote,
        remote,
    )


def client_ip(request: HttpRequest) -> str:
    """The client's address, for the audit trail, the sign-in lockout and every throttle.

    X-Forwarded-For is read only when the request came from one of our own proxies
    (`BROBYG_TRUSTED_PROXIES`); then from the right, skipping our own proxies, and the first
    address that is not one of them is the client. Whatever stands further left was written by the
    client and is ignored. Reached without its proxy, Brobyg sees REMOTE_ADDR and nothing else.
    """
    remote_text = request.META.get("REMOTE_ADDR", "")
    remote = _parse_address(remote_text)
    if remote is None:
        return remote_text
    networks = _trusted_networks(tuple(settings.BROBYG_TRUSTED_PROXIES))
    if not _is_trusted(remote, networks):
        if "HTTP_X_FORWARDED_FOR" in request.META:
            _warn_about_untrusted_proxy(remote)
        return str(remote)
    # Several X-Forwarded-For headers arrive joined with commas, in order.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    nearest = remote
    for entry in reversed(forwarded):
        if not entry.strip():
            continue
        address = _parse_address(entry)
        if address is None:
            # Not something our proxy writes: the last hop we trust is all we know.
            return str(nearest)
        if not _is_trusted(address, networks):
            return str(address)
        nearest = address
    return str(nearest)


# An IPv6 customer, or a rented server, usually has a whole /64 network: counting each of its
# addresses on its own would give one person endless addresses to try from.
IPV6_LIMIT_PREFIX = 64


def client_bucket(request: HttpRequest) -> str:
    """Who a limit counts: the client's IPv4 address, or the /64 network of its IPv6 address.

    For the sign-in lockout and every throttle; the audit trail keeps the full address
    (`client_ip`).
    """
    address_text = client_ip(request)
    address = _parse_address(address_text)
    if address is None or address.version == 4:
        return address_text
    network = ipaddress.ip_network(f"{address}/{IPV6_LIMIT_PREFIX}", strict=False)
    return str(network.network_address)


def safe_next_url(request: HttpRequest, default: str) -> str:
    """Where to send a person after a form: `next` from the POST (or the query string) when it is
    a page of this site, otherwise `default`.

    Taken as it comes, `next` would let a link from anywhere send people on from a Brobyg page to
    a look-alike site. Django's check refuses another host, `//host` and `/\\host` (browsers read
    a backslash as a slash), schemes other than http and https, and plain http from an https page.
    """
    from django.utils.http import url_has_allowed_host_and_scheme

    target = (request.POST.get("next") or request.GET.get("next") or "").strip()
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default
