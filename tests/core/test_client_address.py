"""The client's address: X-Forwarded-For counts only when our own proxy sent the request.

Reached without its proxy, Brobyg must not take a client's word for its address: otherwise a
changing X-Forwarded-For escapes the sign-in lockout and every per-address limit.
"""

import os
import subprocess
import sys

import pytest
from django.test import RequestFactory
from rest_framework.throttling import SimpleRateThrottle

from core.http import client_ip
from referrals.models import Referral
from tests.accounts.factories import PASSWORD, UserFactory
from tests.core.test_deploy import PRODUCTION_ENV, ROOT
from tests.referrals.factories import bridge_team
from tests.referrals.public_form import self_referral_data

PROXY = "10.0.0.1"


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        # No proxy of ours: a forwarded header is whatever the client made up.
        ([], "198.51.100.9", "6.6.6.6", "198.51.100.9"),
        # Our proxy: the address it appended is the client.
        ([PROXY], PROXY, "203.0.113.7", "203.0.113.7"),
        # Anything the client wrote itself stands left of what our proxy appended.
        ([PROXY], PROXY, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        # A chain of our own proxies is skipped from the right, up to the first stranger.
        (["10.0.0.0/24"], PROXY, "6.6.6.6, 203.0.113.7, 10.0.0.9", "203.0.113.7"),
        # The request did not come through our proxy: its header is ignored.
        ([PROXY], "198.51.100.9", "203.0.113.7", "198.51.100.9"),
        ([PROXY], PROXY, "", PROXY),
        # A header our proxy could not have written: the proxy is all we know.
        ([PROXY], PROXY, "unknown", PROXY),
        ([PROXY], PROXY, "6.6.6.6, junk", PROXY),
        # Ports and IPv6, as proxies write them.
        ([PROXY], PROXY, "203.0.113.7:4711", "203.0.113.7"),
        (["::1"], "::1", "2001:db8::5", "2001:db8::5"),
        (["::1"], "::1", "[2001:db8::5]:443", "2001:db8::5"),
        # gunicorn bound to [::] reports IPv4 clients as IPv4-mapped addresses.
        ([PROXY], f"::ffff:{PROXY}", "203.0.113.7", "203.0.113.7"),
    ],
)
def test_the_client_address_trusts_only_our_own_proxies(
    settings, trusted, remote, forwarded, expected
):
    settings.BROBYG_TRUSTED_PROXIES = trusted
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_production_trusts_no_forwarded_header_unless_told_which_proxies_are_ours():
    # Reached directly (no proxy configured), a made-up X-Forwarded-For changes nothing.
    code = (
        "from django.test import RequestFactory; from core.http import client_ip; "
        "print(client_ip(RequestFactory().get('/', REMOTE_ADDR='198.51.100.9', "
        "HTTP_X_FORWARDED_FOR='6.6.6.6')))"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BROBYG_"))}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="config.settings.production")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "198.51.100.9"

    env["BROBYG_TRUSTED_PROXIES"] = "198.51.100.0/24, 10.0.0.1"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "6.6.6.6"


def test_a_trusted_proxy_that_is_not_an_address_stops_the_start():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "BROBYG_"))}
    env.update(
        PRODUCTION_ENV,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        BROBYG_TRUSTED_PROXIES="10.0.0.1, proxy.kommune.dk",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "BROBYG_TRUSTED_PROXIES" in result.stderr
    assert "proxy.kommune.dk" in result.stderr


def test_the_count_of_proxies_is_gone(settings):
    assert not hasattr(settings, "BROBYG_NUM_PROXIES")
    assert "NUM_PROXIES" not in settings.REST_FRAMEWORK
    assert settings.BROBYG_TRUSTED_PROXIES == []


# --- Every per-address limit uses that address ---------------------------------------------


@pytest.mark.django_db
def test_a_made_up_forwarded_header_does_not_escape_the_sign_in_lockout(client, settings):
    # The proxy is configured, but this client reaches Brobyg around it.
    settings.BROBYG_TRUSTED_PROXIES = [PROXY]
    user = UserFactory(bridge_builder=True)
    for n in range(5):
        client.post(
            "/konto/log-ind/",
            {"username": user.username, "password": "wrong"},
            REMOTE_ADDR="198.51.100.9",
            HTTP_X_FORWARDED_FOR=f"6.6.6.{n}",
        )
    response = client.post(
        "/konto/log-ind/",
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR="198.51.100.9",
        HTTP_X_FORWARDED_FOR="6.6.6.99",
    )
    assert response.status_code == 429


@pytest.fixture
def one_request_a_minute(monkeypatch):
    # DRF reads its rates once, when the throttle classes are defined.
    for scope in ("token", "directory"):
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, "1/min")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("post", "/api/v1/auth/token/", {"username": "nobody", "password": "x"}),
        ("get", "/api/v1/offers/", None),
    ],
)
def test_api_throttles_count_each_client_behind_our_proxy_apart(
    api_client, settings, one_request_a_minute, method, url, data
):
    settings.BROBYG_TRUSTED_PROXIES = [PROXY]

    def call(client_address, remote=PROXY):
        return getattr(api_client, method)(
            url, data, REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=client_address
        )

    assert call("203.0.113.7").status_code != 429
    assert call("203.0.113.7").status_code == 429
    # Another person behind the same proxy has a limit of their own.
    assert call("203.0.113.8").status_code != 429
    # Around the proxy, a made-up header is no new person.
    assert call("203.0.113.9", remote="198.51.100.9").status_code != 429
    assert call("203.0.113.10", remote="198.51.100.9").status_code == 429


@pytest.mark.django_db
def test_the_public_form_limit_counts_each_client_behind_our_proxy_apart(client, settings):
    bridge_team()
    settings.BROBYG_TRUSTED_PROXIES = [PROXY]

    def post(n, forwarded):
        return client.post(
            "/henvis/",
            self_referral_data(first_name=f"Lise{n}"),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for n in range(5):
        assert post(n, "203.0.113.7").status_code == 302
    assert post(5, "203.0.113.7").status_code == 429
    assert post(6, "203.0.113.8").status_code == 302
    assert Referral.objects.count() == 6


def test_a_proxy_on_our_own_network_that_is_not_listed_is_named_in_the_log(settings, caplog):
    from core import http

    http._warned_about.clear()
    settings.BROBYG_TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR="10.20.0.5", HTTP_X_FORWARDED_FOR="6.6.6.6")
    with caplog.at_level("WARNING", logger="core.http"):
        assert client_ip(request) == "10.20.0.5"
        client_ip(request)  # once is enough
        # A stranger on the internet sending the header is no proxy of ours to mention.
        client_ip(RequestFactory().get("/", REMOTE_ADDR="8.8.8.8", HTTP_X_FORWARDED_FOR="6.6.6.6"))
    warnings = [r.getMessage() for r in caplog.records if r.name == "core.http"]
    assert len(warnings) == 1
    assert "10.20.0.5" in warnings[0] and "BROBYG_TRUSTED_PROXIES" in warnings[0]


def test_an_ipv6_client_is_limited_by_its_64_network_and_logged_by_its_address():
    from core.http import client_bucket

    factory = RequestFactory()
    one = factory.get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = factory.get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    elsewhere = factory.get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert client_bucket(one) == client_bucket(other) == "2001:db8:1:2::"
    assert client_bucket(elsewhere) != client_bucket(one)
    assert client_ip(one) == "2001:db8:1:2::1"  # the audit trail keeps the address
    assert client_bucket(factory.get("/", REMOTE_ADDR="198.51.100.9")) == "198.51.100.9"


@pytest.mark.django_db
def test_rotating_ipv6_addresses_does_not_escape_the_public_form_limit(client):
    bridge_team()
    statuses = [
        client.post(
            "/henvis/",
            self_referral_data(first_name=f"Lise{n}"),
            REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}",
        ).status_code
        for n in range(7)
    ]
    assert statuses[:5] == [302] * 5
    assert set(statuses[5:]) == {429}
    assert Referral.objects.count() == 5


@pytest.mark.django_db
def test_rotating_ipv6_addresses_does_not_escape_the_address_lockout(client, settings):
    settings.BROBYG_SIGN_IN_ADDRESS_FAILURE_LIMIT = 6
    victims = [UserFactory(bridge_builder=True) for _ in range(8)]
    for n, victim in enumerate(victims[:7]):
        client.post(
            "/konto/log-ind/",
            {"username": victim.username, "password": "wrong"},
            REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}",
        )
    # The eighth user name, right password, from yet another address of the same /64: locked.
    response = client.post(
        "/konto/log-ind/",
        {"username": victims[7].username, "password": "wrong"},
        REMOTE_ADDR="2001:db8:1:2::ff",
    )
    assert response.status_code == 429
