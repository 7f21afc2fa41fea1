"""Sign-in hardening: lockout after repeated failures, two-factor sign-in, session limits."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.middleware import SIGNED_IN_AT_SESSION_KEY
from accounts.services import two_factor_reset, user_set_two_factor_exempt
from audit.constants import AuditAction
from audit.models import AuditEvent
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/konto/log-ind/"
VERIFY = "/konto/to-trin/"
ENROL = "/konto/to-trin/opsaet/"
TOKEN_URL = "/api/v1/auth/token/"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The code the person's app shows now (or `steps_ahead` periods later)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Brobyg", confirmed=True)


def sign_in(client, user, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": user.username, "password": password}, **extra)


# --- Lockout ------------------------------------------------------------------------------------


def test_the_web_sign_in_locks_after_five_failures_even_for_the_right_password(client, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    user = UserFactory(bridge_builder=True)
    statuses = [sign_in(client, user, password="wrong").status_code for _ in range(4)]
    assert statuses == [200] * 4  # the form again, with its error

    fifth = sign_in(client, user, password="wrong")
    assert fifth.status_code == 429
    assert "For mange mislykkede login" in fifth.content.decode()

    # Locked: the right password is refused too, until the cool-off or an admin unlocks.
    locked = sign_in(client, user)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session

    AccessAttempt.objects.all().delete()  # what an admin does in the admin to unlock
    assert sign_in(client, user).status_code == 302


def test_the_lockout_ends_after_the_cool_off(client, settings):
    user = UserFactory(bridge_builder=True)
    for _ in range(5):
        sign_in(client, user, password="wrong")
    assert sign_in(client, user).status_code == 429

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME * 2)
    assert sign_in(client, user).status_code == 302


def test_a_lockout_is_per_user_name_so_a_shared_tablet_keeps_working(client):
    unlucky, colleague = UserFactory(home_care=True), UserFactory(home_care=True)
    for _ in range(5):
        sign_in(client, unlucky, password="wrong")
    assert sign_in(client, unlucky).status_code == 429
    # The colleague on the same tablet (same address) signs in as usual.
    assert sign_in(client, colleague).status_code == 302
    # The locked user name stays locked from another address (tests/core/test_sign_in_limits.py).
    client.logout()
    assert sign_in(client, unlucky, REMOTE_ADDR="10.9.8.7").status_code == 429


def test_a_successful_sign_in_resets_the_failure_count(client):
    user = UserFactory(referrer=True)
    for _ in range(4):
        sign_in(client, user, password="wrong")
    assert sign_in(client, user).status_code == 302
    client.logout()
    for _ in range(4):
        assert sign_in(client, user, password="wrong").status_code == 200


def test_the_token_endpoint_locks_with_a_json_429_that_says_why(api_client):
    user = UserFactory(referrer=True)
    statuses = []
    for _ in range(5):
        response = api_client.post(TOKEN_URL, {"username": user.username, "password": "x"})
        statuses.append(response.status_code)
    assert statuses == [400, 400, 400, 400, 429]

    response = api_client.post(TOKEN_URL, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "locked_out"
    assert "15 minutter" in body["detail"]
    assert int(response["Retry-After"]) == 15 * 60


def test_failed_sign_ins_do_not_store_the_password(client):
    user = UserFactory()
    sign_in(client, user, password="my-secret-guess")
    attempt = AccessAttempt.objects.get()
    assert "my-secret-guess" not in attempt.post_data


# --- Passwords and sessions ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["kort1", "1234567890123", "password123", "brobygger-anna"],
)
def test_weak_passwords_are_refused(password):
    user = UserFactory(username="brobygger-anna", first_name="Anna")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_a_session_ends_after_the_maximum_hours_however_active(client, settings):
    settings.BROBYG_SESSION_MAX_HOURS = 10
    user = UserFactory(bridge_builder=True)
    sign_in(client, user)
    assert client.get("/").status_code == 200

    session = client.session
    signed_in = timezone.now() - timedelta(hours=10, minutes=1)
    session[SIGNED_IN_AT_SESSION_KEY] = signed_in.timestamp()
    session.save()
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=user).exists()


def test_a_session_within_the_maximum_hours_goes_on(client, settings):
    user = UserFactory(bridge_builder=True)
    sign_in(client, user)
    session = client.session
    session[SIGNED_IN_AT_SESSION_KEY] = (timezone.now() - timedelta(hours=9)).timestamp()
    session.save()
    assert client.get("/").status_code == 200


# --- Two-factor sign-in -------------------------------------------------------------------------


@pytest.fixture
def two_factor(settings):
    settings.BROBYG_REQUIRE_2FA = True


def test_with_two_factor_a_password_alone_does_not_open_any_page(client, two_factor):
    user = UserFactory(bridge_builder=True)
    enrolled(user)
    response = sign_in(client, user)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)

    for url in ["/", "/forloeb/", "/henvisninger/", "/django-admin/"]:
        held = client.get(url)
        assert held.status_code == 302, url
        assert held["Location"].startswith(VERIFY), url
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert api.json()["code"] == "two_factor_required"


def test_the_right_code_opens_the_way_and_is_audited(client, two_factor):
    user = UserFactory(bridge_builder=True)
    device = enrolled(user)
    sign_in(client, user)

    response = client.post(VERIFY, {"token": code_for(device), "next": "/forloeb/"})
    assert response.status_code == 302
    assert response["Location"] == "/forloeb/"
    assert client.get("/forloeb/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_VERIFIED, actor=user).exists()


def test_a_wrong_code_is_refused_and_audited_and_the_same_code_cannot_be_used_twice(
    client, two_factor
):
    user = UserFactory(bridge_builder=True)
    device = enrolled(user)
    sign_in(client, user)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    response = client.post(VERIFY, {"token": wrong})
    assert response.status_code == 400
    assert "Koden er ikke rigtig" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_FAILED, actor=user).exists()

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    code = code_for(device)
    assert client.post(VERIFY, {"token": code}).status_code == 302
    client.post("/konto/log-ud/")
    sign_in(client, user)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    assert client.post(VERIFY, {"token": code}).status_code == 400  # replay refused


def test_repeated_wrong_codes_are_throttled(client, two_factor, settings):
    # The wait after each wrong code doubles; a long first wait keeps the test independent of
    # how fast the machine runs it.
    settings.OTP_TOTP_THROTTLE_FACTOR = 600
    user = UserFactory(bridge_builder=True)
    device = enrolled(user)
    sign_in(client, user)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    client.post(VERIFY, {"token": wrong})
    # Even the right code waits for the back-off to pass.
    response = client.post(VERIFY, {"token": code_for(device)})
    assert response.status_code == 400
    assert "For mange forkerte koder" in response.content.decode()


def test_an_enrolled_user_cannot_replace_the_app_without_an_admin(client, two_factor):
    user = UserFactory(bridge_builder=True)
    enrolled(user)
    sign_in(client, user)
    response = client.get(ENROL)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_a_shared_tablet_account_signs_in_with_its_password_alone(client, two_factor):
    tablet = UserFactory(home_care=True)
    user_set_two_factor_exempt(user=tablet, exempt=True, actor=None)
    response = sign_in(client, tablet)
    assert response.status_code == 302
    assert not response["Location"].startswith(VERIFY)
    assert client.get("/screening/").status_code == 200


def test_an_administrator_cannot_be_exempted(two_factor):
    admin = UserFactory(admin=True)
    with pytest.raises(ValidationError):
        user_set_two_factor_exempt(user=admin, exempt=True, actor=None)


def test_the_token_api_asks_for_the_second_factor_too(api_client, two_factor):
    # A password alone must not open the API where it no longer opens the web.
    user = UserFactory(referrer=True)
    device = enrolled(user)
    refused = api_client.post(TOKEN_URL, {"username": user.username, "password": PASSWORD})
    assert refused.status_code == 400
    assert "otp" in refused.json()

    token = api_client.post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD, "otp": code_for(device)}
    )
    assert token.status_code == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.json()['token']}")
    assert api_client.get("/api/v1/me/").status_code == 200


def test_public_pages_stay_open_while_the_code_is_owed(client, two_factor):
    user = UserFactory(bridge_builder=True)
    enrolled(user)
    sign_in(client, user)
    assert client.get("/henvis/").status_code == 200
    assert client.get("/health/").status_code in (200, 503)
    assert client.post("/konto/log-ud/").status_code == 302


def test_an_admin_resets_a_lost_phone_and_the_user_sets_up_again(client, two_factor):
    user = UserFactory(bridge_builder=True)
    enrolled(user)
    admin = UserFactory(admin=True)
    two_factor_reset(user=user, actor=admin)
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_RESET, actor=admin).exists()
    sign_in(client, user)
    assert client.get(VERIFY)["Location"].startswith(ENROL)


def test_next_is_kept_through_the_code_but_never_leads_off_site(client, two_factor):
    user = UserFactory(bridge_builder=True)
    device = enrolled(user)
    response = client.post(
        LOGIN + "?next=/forloeb/",
        {"username": user.username, "password": PASSWORD, "next": "/forloeb/"},
    )
    assert "next=%2Fforloeb%2F" in response["Location"]
    response = client.post(VERIFY, {"token": code_for(device), "next": "https://evil.example/"})
    assert response["Location"] == reverse("core:home")


def test_without_the_setting_no_code_is_asked(client, settings):
    settings.BROBYG_REQUIRE_2FA = False
    user = UserFactory(bridge_builder=True)
    enrolled(user)
    response = sign_in(client, user)
    assert response["Location"] == reverse("core:home")


def test_the_menu_is_left_out_until_the_code_is_given(client, two_factor):
    user = UserFactory(bridge_builder=True)
    device = enrolled(user)
    sign_in(client, user)
    held = client.get(VERIFY).content.decode()
    assert 'href="/forloeb/"' not in held
    client.post(VERIFY, {"token": code_for(device)})
    assert 'href="/forloeb/"' in client.get("/").content.decode()
