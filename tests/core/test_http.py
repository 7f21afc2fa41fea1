import pytest
from django.test import RequestFactory

from core.http import client_ip


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy of ours: a forwarded header is the client's lie
        (1, "", "10.0.0.1"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # spoofed entry left of our proxy's
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
    ],
)
def test_client_address_trusts_only_our_own_proxies(settings, proxies, forwarded, expected):
    settings.BROBYG_NUM_PROXIES = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected
