"""Setting up two-factor sign-in needs a one-time code an administrator issued: a new or
reset account's password alone does not let anyone register their own authenticator."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import TwoFactorEnrolment
from accounts.services import (
    SET_UP_CODE_MAX_WRONG,
    two_factor_code_issue,
    user_set_two_factor_exempt,
)
from audit.constants import AuditAction
from audit.models import AuditEvent
from tests.accounts.factories import UserFactory
from tests.accounts.test_sign_in_security import ENROL, VERIFY, code_for, enrolled, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_factor(settings):
    settings.BROBYG_REQUIRE_2FA = True


def issue(user, actor=None) -> str:
    return two_factor_code_issue(user=user, actor=actor).code


def test_a_password_alone_does_not_let_anyone_register_an_authenticator(client, two_factor):
    user = UserFactory(home_care=True)
    sign_in(client, user)
    assert client.get(VERIFY)["Location"].startswith(ENROL)

    page = client.get(ENROL)
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="set-up-code-form"' in body
    assert 'data-testid="two-factor-qr"' not in body
    assert not TOTPDevice.objects.filter(user=user).exists()
    # A made-up code, or a posted authenticator code, gets nowhere.
    assert client.post(ENROL, {"code": "ABCD-EFGH-JKLM"}).status_code == 400
    assert client.post(ENROL, {"token": "123456"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert client.get("/screening/").status_code == 302


def test_with_the_administrators_code_the_person_sets_up_the_app(client, two_factor):
    admin = UserFactory(admin=True)
    user = UserFactory(home_care=True)
    code = issue(user, actor=admin)
    assert len(code) == 14 and code.count("-") == 2
    sign_in(client, user)

    response = client.post(ENROL, {"code": code.lower().replace("-", " ")})
    assert response.status_code == 302
    page = client.get(ENROL)
    body = page.content.decode()
    assert "<svg" in body  # the QR code, drawn on the server
    assert "<script" not in body.split('data-testid="two-factor-qr"')[1].split("</div>")[0]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # Reloading shows the same key: a code already scanned stays valid.
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    response = client.post(ENROL, {"token": code_for(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/screening/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_ENROLLED, actor=user).exists()
    assert AuditEvent.objects.filter(
        action=AuditAction.TWO_FACTOR_CODE_ISSUED, actor=admin
    ).exists()
    # The code is used up.
    assert TwoFactorEnrolment.objects.get(user=user).used_at is not None


def test_the_link_carries_the_code_through_the_sign_in(client, two_factor):
    user = UserFactory(bridge_builder=True)
    code = issue(user)
    response = client.get(f"/konto/to-trin/kode/{code}/")
    assert response.status_code == 302
    # Not signed in yet: the sign-in comes first, then straight on to the QR code.
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/log-ind/")
    response = sign_in(client, user)
    target = response["Location"]
    while target.startswith("/konto/to-trin/") and not target.startswith(ENROL):
        target = client.get(target)["Location"]
    page = client.get(target)
    assert 'data-testid="two-factor-qr"' in page.content.decode()


def test_a_code_belongs_to_its_person(client, two_factor):
    owner = UserFactory(home_care=True)
    other = UserFactory(home_care=True)
    code = issue(owner)
    issue(other)  # the other has an open code of their own
    sign_in(client, other)
    assert client.post(ENROL, {"code": code}).status_code == 400
    assert 'data-testid="two-factor-qr"' not in client.get(ENROL).content.decode()


def test_a_used_or_expired_or_replaced_code_does_not_work(client, two_factor):
    user = UserFactory(home_care=True)
    first = issue(user)
    second = issue(user)  # a newer code replaces the first
    sign_in(client, user)
    assert client.post(ENROL, {"code": first}).status_code == 400

    TwoFactorEnrolment.objects.filter(user=user, used_at=None, revoked_at=None).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    response = client.post(ENROL, {"code": second})
    assert response.status_code == 400
    assert "Du har ingen gyldig opsætningskode. Bed din administrator om en ny." in (
        response.content.decode()
    )


def test_a_code_accepted_earlier_in_the_sign_in_expires_with_it(client, two_factor):
    user = UserFactory(home_care=True)
    code = issue(user)
    sign_in(client, user)
    client.post(ENROL, {"code": code})
    assert 'data-testid="two-factor-qr"' in client.get(ENROL).content.decode()
    TwoFactorEnrolment.objects.filter(user=user).update(revoked_at=timezone.now())
    body = client.get(ENROL).content.decode()
    assert 'data-testid="set-up-code-form"' in body
    device = TOTPDevice.objects.get(user=user)
    assert client.post(ENROL, {"token": code_for(device)}).status_code == 200
    device.refresh_from_db()
    assert not device.confirmed


def test_guessing_codes_stops_after_a_few_tries(client, two_factor):
    user = UserFactory(home_care=True)
    code = issue(user)
    sign_in(client, user)
    for _ in range(SET_UP_CODE_MAX_WRONG):
        assert client.post(ENROL, {"code": "AAAA-AAAA-AAAA"}).status_code == 400
    # Even the right code is refused now: the administrator issues a new one.
    assert client.post(ENROL, {"code": code}).status_code == 400
    assert TwoFactorEnrolment.objects.get(user=user).revoked_at is not None


def test_a_wrong_authenticator_code_at_set_up_leaves_the_app_unconfirmed(client, two_factor):
    user = UserFactory(home_care=True)
    sign_in(client, user)
    client.post(ENROL, {"code": issue(user)})
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    assert client.post(ENROL, {"token": wrong}).status_code == 400
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1  # kept, though the attempt failed
    assert client.get("/screening/").status_code == 302


def test_no_code_for_an_enrolled_person_a_tablet_account_or_a_deactivated_one():
    enrolled_user = UserFactory(home_care=True)
    enrolled(enrolled_user)
    tablet = UserFactory(home_care=True)
    user_set_two_factor_exempt(user=tablet, exempt=True, actor=None)
    gone = UserFactory(home_care=True, is_active=False)
    for user in (enrolled_user, tablet, gone):
        with pytest.raises(ValidationError):
            issue(user)


def test_the_command_issues_a_code_and_can_reset_first(capsys):
    user = UserFactory(admin=True, username="forste-admin")
    call_command("two_factor_code", "forste-admin")
    out = capsys.readouterr().out
    assert "Set-up code for forste-admin" in out
    assert "/konto/to-trin/kode/" in out
    enrolled(user)
    with pytest.raises(CommandError):
        call_command("two_factor_code", "forste-admin")
    call_command("two_factor_code", "forste-admin", "--reset")
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert TwoFactorEnrolment.objects.filter(user=user, revoked_at=None, used_at=None).count() == 1
    with pytest.raises(CommandError):
        call_command("two_factor_code", "nobody")


def test_the_admin_issues_a_code_and_shows_it_once(client):
    admin = UserFactory(admin=True)
    user = UserFactory(home_care=True)
    client.force_login(admin)
    response = client.post(
        "/django-admin/accounts/user/",
        {"action": "issue_two_factor_code", "_selected_action": [user.pk]},
        follow=True,
    )
    body = response.content.decode()
    assert "/konto/to-trin/kode/" in body
    assert TwoFactorEnrolment.objects.filter(user=user, issued_by=admin).count() == 1
    # Resetting a lost phone issues a new code too.
    enrolled(user)
    TwoFactorEnrolment.objects.update(used_at=timezone.now())
    client.post(
        "/django-admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [user.pk]},
        follow=True,
    )
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert TwoFactorEnrolment.objects.filter(user=user, used_at=None).count() == 1


def test_the_persons_page_in_the_admin_lists_the_codes_issued(client):
    admin = UserFactory(admin=True)
    user = UserFactory(home_care=True)
    two_factor_code_issue(user=user, actor=admin)
    client.force_login(admin)
    body = client.get(f"/django-admin/accounts/user/{user.pk}/change/").content.decode()
    assert "udstedte opsætningskoder" in body.lower()
    assert str(admin) in body


def test_a_link_that_does_not_work_says_so(client, two_factor):
    user = UserFactory(home_care=True)
    code = issue(user)
    sign_in(client, user)
    # A made-up code in a link.
    client.get("/konto/to-trin/kode/AAAA-BBBB-CCCC/")
    response = client.get(ENROL)
    assert response.status_code == 400
    assert 'data-testid="set-up-link-error"' in response.content.decode()
    # The right link, used, then opened again.
    client.get(f"/konto/to-trin/kode/{code}/")
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=user)
    client.post(ENROL, {"token": code_for(device)})
    client.logout()
    TOTPDevice.objects.filter(user=user).delete()
    sign_in(client, user)
    client.get(f"/konto/to-trin/kode/{code}/")
    response = client.get(ENROL)
    assert response.status_code == 400
    assert 'data-testid="set-up-link-error"' in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()


def test_resetting_two_factor_ends_the_persons_api_tokens(api_client, two_factor):
    from accounts.services import api_token_for_person, two_factor_reset

    user = UserFactory(bridge_builder=True)
    device = enrolled(user)
    issued = api_token_for_person(user=user, otp=code_for(device))
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {issued.key}")
    assert api_client.get("/api/v1/me/").status_code == 200
    two_factor_reset(user=user, actor=None)
    assert api_client.get("/api/v1/me/").status_code == 401
