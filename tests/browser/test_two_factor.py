"""Two-factor sign-in and the lockout, as a person meets them on a tablet."""

import re
import time
from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from accounts.services import two_factor_code_issue
from tests.accounts.factories import PASSWORD, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _code(base32_key: str) -> str:
    """What the phone's authenticator app shows for this key now."""
    totp = TOTP(b32decode(base32_key.replace(" ", "")))
    totp.time = time.time()
    return f"{totp.token():06d}"


def _password_step(page, username, password=PASSWORD):
    page.goto("/konto/log-ind/")
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(password)
    page.get_by_role("button", name="Log ind").tap()


def test_a_new_user_sets_up_the_app_with_the_qr_code_and_signs_in_with_a_code(settings, tablet):
    settings.BROBYG_REQUIRE_2FA = True
    bente = UserFactory(username="bente", bridge_builder=True, team=TeamFactory())
    code = two_factor_code_issue(user=bente, actor=None).code
    violations = []
    tablet.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )

    # The administrator's set-up link, then the password.
    tablet.goto(f"/konto/to-trin/kode/{code}/")
    expect(tablet.get_by_role("heading", name="Log ind")).to_be_visible()
    tablet.get_by_label("Brugernavn").fill("bente")
    tablet.get_by_label("Adgangskode").fill(PASSWORD)
    tablet.get_by_role("button", name="Log ind").tap()
    expect(tablet.get_by_role("heading", name="Sæt totrinslogin op")).to_be_visible()
    expect(tablet.get_by_test_id("two-factor-qr").locator("svg")).to_be_visible()
    key = tablet.get_by_test_id("two-factor-key").inner_text()

    # What the person does: the app shows a code for the scanned key, they type it.
    tablet.get_by_label("Kode fra din godkendelsesapp").fill(_code(key))
    tablet.get_by_role("button", name="Bekræft og fortsæt").tap()
    expect(tablet.get_by_test_id("start-heading")).to_have_text("Mine borgere")
    expect(tablet.get_by_text("Totrinslogin er sat op.")).to_be_visible()
    assert violations == []  # the QR code is drawn on the server: nothing for the CSP to block

    tablet.get_by_test_id("user-menu").tap()
    tablet.get_by_role("button", name="Log ud").tap()
    expect(tablet.get_by_role("heading", name="Log ind")).to_be_visible()

    # Next time: password, then the code.
    _password_step(tablet, "bente")
    expect(tablet.get_by_role("heading", name="Bekræft dit login")).to_be_visible()
    tablet.goto("/forloeb/")
    expect(tablet).to_have_url(re.compile(r"/konto/to-trin/"))
    tablet.get_by_label("Kode fra din godkendelsesapp").fill("000000")
    tablet.get_by_role("button", name="Bekræft", exact=True).tap()
    expect(tablet.get_by_text("Koden er ikke rigtig")).to_be_visible()

    from django_otp.plugins.otp_totp.models import TOTPDevice

    # The back-off and the refusal of a used code are tested on their own (test_sign_in_security);
    # here they would only make the test depend on where in a 30-second period it runs.
    TOTPDevice.objects.update(throttling_failure_count=0, last_t=-1, drift=0)
    tablet.get_by_label("Kode fra din godkendelsesapp").fill(_code(key))
    tablet.get_by_role("button", name="Bekræft", exact=True).tap()
    expect(tablet).to_have_url(re.compile(r"/forloeb/$"))


def test_the_sign_in_locks_after_five_wrong_passwords(tablet):
    UserFactory(username="hanne", home_care=True, team=TeamFactory(home_care=True))
    for _ in range(4):
        _password_step(tablet, "hanne", password="forkert-kode")
        expect(tablet.get_by_text("Brugernavn eller adgangskode er ikke rigtig")).to_be_visible()

    _password_step(tablet, "hanne", password="forkert-kode")
    expect(tablet.get_by_test_id("locked-out")).to_contain_text("Vent 15 minutter")

    # Now even the right password is refused.
    _password_step(tablet, "hanne")
    expect(tablet.get_by_test_id("locked-out")).to_be_visible()
