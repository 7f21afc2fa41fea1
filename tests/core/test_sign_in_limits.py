"""Sign-in limits per user name and per address, on the web sign-in and the token endpoint.

A user name locked after its failures stays locked from any address; an address that fails
with many user names is stopped too, but only after many more failures than a user name, since
a whole municipality's staff may sign in from behind one address.
"""

import pytest
from rest_framework.throttling import SimpleRateThrottle

from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/konto/log-ind/"
TOKEN_URL = "/api/v1/auth/token/"
NAT = "192.0.2.10"  # the town hall's one public address


@pytest.fixture(autouse=True)
def _no_api_throttle(monkeypatch):
    # The token endpoint's per-address throttle is not what these tests are about.
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "token", "1000/min")


def web(client, username, password, address):
    response = client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)
    client.logout()
    return response.status_code


def api(api_client, username, password, address):
    response = api_client.post(
        TOKEN_URL, {"username": username, "password": password}, REMOTE_ADDR=address
    )
    if response.status_code == 429:
        assert response.json()["code"] == "locked_out"
    return response.status_code


SIGN_INS = {"web": ("client", web), "api": ("api_client", api)}


@pytest.fixture(params=list(SIGN_INS))
def sign_in(request):
    fixture, attempt = SIGN_INS[request.param]
    the_client = request.getfixturevalue(fixture)
    return lambda username, password, address: attempt(the_client, username, password, address)


def test_the_address_limit_is_fifty_by_default(settings):
    assert settings.BROBYG_SIGN_IN_ADDRESS_FAILURE_LIMIT == 50
    assert settings.AXES_FAILURE_LIMIT == 5


def test_a_locked_user_name_stays_locked_from_every_address(sign_in):
    user = UserFactory(bridge_builder=True)
    for n in range(5):
        sign_in(user.username, "wrong", f"198.51.100.{n}")

    # Neither a new address nor the right password gets past the lock.
    assert sign_in(user.username, PASSWORD, "203.0.113.50") == 429


def test_an_address_trying_many_user_names_is_stopped(sign_in, settings):
    settings.BROBYG_SIGN_IN_ADDRESS_FAILURE_LIMIT = 12
    victim = UserFactory(bridge_builder=True)
    # Eleven guesses at three user names: none reaches its own limit of five, nor the address.
    for username, guesses in (("anna", 4), ("bent", 4), ("carl", 3)):
        for _ in range(guesses):
            assert sign_in(username, "guess", NAT) != 429

    # The twelfth failure from the address locks the address, whatever user name it tries next.
    assert sign_in("dorte", "guess", NAT) == 429
    assert sign_in(victim.username, PASSWORD, NAT) == 429
    # The same user name from elsewhere is not affected.
    assert sign_in(victim.username, PASSWORD, "203.0.113.50") != 429


def test_colleagues_behind_one_address_are_not_locked_out_by_each_others_typos(sign_in, settings):
    settings.BROBYG_SIGN_IN_ADDRESS_FAILURE_LIMIT = 12
    typists = [UserFactory(home_care=True) for _ in range(2)]
    colleague = UserFactory(home_care=True)
    for typist in typists:
        for _ in range(4):
            sign_in(typist.username, "tastefejl", NAT)

    assert sign_in(colleague.username, PASSWORD, NAT) != 429
    assert sign_in(typists[0].username, PASSWORD, NAT) != 429


def test_a_successful_sign_in_does_not_clear_other_user_names_failures(client, settings):
    # Signing in with one's own account must not wipe the failures one made guessing others'.
    settings.BROBYG_SIGN_IN_ADDRESS_FAILURE_LIMIT = 50
    attacker, victim = UserFactory(referrer=True), UserFactory(bridge_builder=True)
    for _ in range(4):
        web(client, victim.username, "guess", NAT)
    assert web(client, attacker.username, PASSWORD, NAT) == 302
    assert web(client, victim.username, "guess", NAT) == 429
