"""API tokens: a person's is as hard to get as a web sign-in and dies with it; a system's may do
only what its scopes open, and every call it makes is in the audit trail."""

import importlib
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.test import APIClient

from accounts.constants import ApiScope, ApiTokenKind, Role
from accounts.models import ApiToken, User
from accounts.selectors import api_token_key_hash
from accounts.services import (
    API_TOKEN_TWO_FACTOR_NOT_SET_UP,
    api_token_revoke,
    service_account_create,
    service_token_issue,
    user_set_two_factor_exempt,
)
from audit.constants import AuditAction
from audit.models import AuditEvent
from referrals.models import Referral
from tests.accounts.factories import PASSWORD, UserFactory
from tests.referrals.factories import bridge_team, make_referral

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
REFERRALS = "/api/v1/referrals/"


@pytest.fixture
def two_factor(settings):
    settings.BROBYG_REQUIRE_2FA = True


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Brobyg", confirmed=True)


def code_for(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = timezone.now().timestamp()
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return "000000" if code_for(device) != "000000" else "111111"


def ask_for_token(user, **extra):
    return APIClient().post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD, **extra}, format="json"
    )


def signed(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def person_token(user) -> str:
    response = ask_for_token(user)
    assert response.status_code == 200, response.json()
    return response.json()["token"]


def referral_payload() -> dict:
    return {
        "citizen": {
            "first_name": "Inger",
            "last_name": "Madsen",
            "birth_date": "1941-03-14",
            "phone": "+45 20 30 40 50",
            "email": "",
            "address": "Brovej 1",
            "postcode": "5000",
        },
        "source": "gp",
        "reason": "Har været meget alene siden sin mands død.",
        "consent": {"given": True, "given_at": "2026-11-20T10:00:00+01:00", "method": "verbal"},
    }


# --- A person's token ---------------------------------------------------------------------------


def test_without_a_code_when_two_factor_is_required_it_is_a_400_naming_otp(two_factor):
    user = UserFactory(referrer=True)
    enrolled(user)

    response = ask_for_token(user)

    assert response.status_code == 400
    assert "otp" in response.json()
    assert not ApiToken.objects.exists()


def test_a_wrong_code_is_a_400_and_counts_against_the_authenticator(two_factor):
    user = UserFactory(referrer=True)
    device = enrolled(user)

    response = ask_for_token(user, otp=wrong_code(device))

    assert response.status_code == 400
    assert "otp" in response.json()
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_FAILED, actor=user).exists()
    assert not ApiToken.objects.exists()


def test_the_right_code_gives_a_token_that_works_until_it_expires(two_factor, settings):
    settings.BROBYG_API_TOKEN_HOURS = 8
    user = UserFactory(referrer=True, username="laege")
    device = enrolled(user)

    response = ask_for_token(user, otp=code_for(device))

    assert response.status_code == 200, response.json()
    body = response.json()
    expires_at = parse_datetime(body["expires_at"])
    assert expires_at is not None and expires_at.tzinfo is not None
    assert abs(expires_at - (timezone.now() + timedelta(hours=8))) < timedelta(minutes=1)
    assert signed(body["token"]).get("/api/v1/me/").json()["username"] == "laege"
    # The same code cannot be used twice: someone who saw it gets nothing.
    assert ask_for_token(user, otp=code_for(device)).status_code == 400


def test_someone_without_an_authenticator_is_told_to_set_it_up_on_the_web(two_factor):
    user = UserFactory(referrer=True)

    response = ask_for_token(user, otp="123456")

    assert response.status_code == 400
    with translation.override("da"):
        assert response.json()["otp"] == [str(API_TOKEN_TWO_FACTOR_NOT_SET_UP)]
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.TWO_FACTOR_FAILED).exists()


def test_a_shared_tablet_account_gets_no_token(two_factor):
    tablet = UserFactory(home_care=True)
    user_set_two_factor_exempt(user=tablet, exempt=True, actor=None)

    response = ask_for_token(tablet)

    assert response.status_code == 400
    assert "username" in response.json()
    assert not ApiToken.objects.exists()


def test_a_wrong_password_is_refused_before_the_code_is_looked_at(two_factor):
    user = UserFactory(referrer=True)
    device = enrolled(user)
    response = APIClient().post(
        TOKEN_URL, {"username": user.username, "password": "nope", "otp": code_for(device)}
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"]
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_only_a_hash_of_the_key_is_kept():
    user = UserFactory(referrer=True)
    key = person_token(user)
    token = ApiToken.objects.get()
    assert token.key_hash == api_token_key_hash(key)
    assert key not in (token.key_hash, token.prefix)
    assert key.startswith(token.prefix)
    assert token.kind == ApiTokenKind.PERSON
    assert AuditEvent.objects.filter(
        action=AuditAction.API_TOKEN_ISSUED, actor=user, object_id=str(token.pk)
    ).exists()


def test_an_expired_token_is_a_401_that_says_so():
    user = UserFactory(referrer=True)
    key = person_token(user)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = signed(key).get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert response.json()["detail"]


def test_a_new_password_ends_the_token():
    user = UserFactory(referrer=True)
    key = person_token(user)
    assert signed(key).get("/api/v1/me/").status_code == 200

    web = Client()
    web.force_login(user)
    response = web.post(
        "/konto/adgangskode/",
        {
            "old_password": PASSWORD,
            "new_password1": "a-new-long-passphrase",
            "new_password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302

    response = signed(key).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_signed_out"


def test_signing_out_everywhere_ends_tokens_and_other_sessions_but_not_this_one():
    user = UserFactory(bridge_builder=True)
    key = person_token(user)
    here, phone = Client(), Client()
    here.force_login(user)
    phone.force_login(user)
    assert phone.get("/").status_code == 200

    page = here.get("/konto/adgangskode/")
    assert 'data-testid="sign-out-everywhere"' in page.content.decode()
    response = here.post("/konto/log-ud-alle-steder/")

    assert response.status_code == 302
    assert here.get("/").status_code == 200  # the session the button was pressed in goes on
    lost = phone.get("/")
    assert lost.status_code == 302
    assert lost["Location"].startswith("/konto/log-ind/")
    refused = signed(key).get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused.json()["code"] in ("token_revoked", "token_signed_out")
    assert ApiToken.objects.get().revoked_at is not None
    assert AuditEvent.objects.filter(
        action=AuditAction.SIGN_OUT_EVERYWHERE, actor=user, object_id=str(user.pk)
    ).exists()
    # A new token afterwards works.
    assert signed(person_token(user)).get("/api/v1/me/").status_code == 200


def test_signing_out_everywhere_needs_a_post():
    user = UserFactory(bridge_builder=True)
    web = Client()
    web.force_login(user)
    assert web.get("/konto/log-ud-alle-steder/").status_code == 405
    assert not user.__class__.objects.get(pk=user.pk).security_stamp


def test_an_administrator_signs_someone_out_everywhere_from_the_user_list():
    admin = UserFactory(admin=True)
    worker = UserFactory(home_care=True)
    key = person_token(worker)
    tablet = Client()
    tablet.force_login(worker)
    web = Client()
    web.force_login(admin)

    response = web.post(
        "/django-admin/accounts/user/",
        {"action": "sign_out_everywhere", "_selected_action": [worker.pk]},
    )

    assert response.status_code == 302
    assert signed(key).get("/api/v1/me/").status_code == 401
    assert tablet.get("/").status_code == 302
    assert web.get("/django-admin/").status_code == 200  # the administrator stays signed in
    assert AuditEvent.objects.filter(
        action=AuditAction.SIGN_OUT_EVERYWHERE, actor=admin, object_id=str(worker.pk)
    ).exists()


def test_a_deactivated_account_s_token_stops():
    user = UserFactory(referrer=True)
    key = person_token(user)
    User.objects.filter(pk=user.pk).update(is_active=False)
    response = signed(key).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "account_inactive"


def test_an_unknown_token_is_a_401_and_the_token_endpoint_ignores_it():
    response = signed("not-a-token").get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_invalid"
    # An old token in the header does not stop anyone getting a new one.
    user = UserFactory(referrer=True)
    response = signed("not-a-token").post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 200


def test_last_use_is_written_at_most_once_a_minute():
    user = UserFactory(referrer=True)
    client = signed(person_token(user))
    client.get("/api/v1/me/")
    first = ApiToken.objects.get().last_used_at
    assert first is not None

    client.get("/api/v1/me/")
    assert ApiToken.objects.get().last_used_at == first

    ApiToken.objects.update(last_used_at=timezone.now() - timedelta(minutes=2))
    client.get("/api/v1/me/")
    assert ApiToken.objects.get().last_used_at > first


def test_the_old_token_table_is_dropped_with_its_keys():
    migration = importlib.import_module("accounts.migrations.0006_api_tokens")
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef')")
    with connection.schema_editor() as schema_editor:
        migration.drop_old_api_tokens(None, schema_editor)
    assert "authtoken_token" not in connection.introspection.table_names()


# --- Service accounts ---------------------------------------------------------------------------


def service_key(*scopes, name="Lægesystem", days=365) -> str:
    account = service_account_create(name=name)
    return service_token_issue(account=account, scopes=scopes, days=days).key


def test_the_command_prints_the_token_once_and_keeps_only_its_hash():
    out, err = StringIO(), StringIO()

    call_command(
        "create_service_account",
        "Lægesystem Nord",
        "--scope",
        "referrals:create",
        stdout=out,
        stderr=err,
    )

    key = out.getvalue().strip()
    account = User.objects.get(is_service_account=True)
    assert account.username == "system-laegesystem-nord"
    assert account.first_name == "Lægesystem Nord"
    assert not account.has_usable_password()
    assert not account.groups.exists() and not account.is_staff
    token = ApiToken.objects.get(user=account)
    assert token.key_hash == api_token_key_hash(key)
    assert token.scopes == [ApiScope.REFERRALS_CREATE]
    assert token.kind == ApiTokenKind.SERVICE
    assert timedelta(days=364) < token.expires_at - timezone.now() <= timedelta(days=365)
    assert key not in err.getvalue()
    assert token.prefix in err.getvalue()

    # Run again: another token for the same account (a lost one is replaced, then revoked).
    again = StringIO()
    call_command(
        "create_service_account",
        "Lægesystem Nord",
        "--scope",
        "referrals:create",
        "--days",
        "30",
        stdout=again,
        stderr=StringIO(),
    )
    assert again.getvalue().strip() != key
    assert User.objects.filter(is_service_account=True).count() == 1
    assert ApiToken.objects.filter(user=account).count() == 2


@pytest.mark.parametrize(
    "args",
    [
        ["Rapportjob", "--scope", "citizens:read"],
        ["Rapportjob", "--scope", "stats:read", "--days", "0"],
        ["laege", "--scope", "stats:read"],
    ],
)
def test_the_command_refuses_what_it_cannot_do_with_a_clear_error(args):
    UserFactory(username="system-laege")
    with pytest.raises(CommandError):
        call_command("create_service_account", *args, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()
    assert not User.objects.filter(is_service_account=True).exists()


def test_an_unknown_scope_names_the_scopes_there_are():
    with pytest.raises(CommandError, match="referrals:create"):
        call_command(
            "create_service_account",
            "Rapportjob",
            "--scope",
            "everything",
            stdout=StringIO(),
            stderr=StringIO(),
        )


def test_a_system_with_referrals_create_sends_a_referral_and_reads_only_its_own():
    bridge_team()
    client = signed(service_key(ApiScope.REFERRALS_CREATE))

    created = client.post(REFERRALS, referral_payload(), format="json")

    assert created.status_code == 201, created.json()
    referral = Referral.objects.get(pk=created.json()["id"])
    assert referral.referrer.is_service_account
    assert created.json()["citizen"] is None
    assert client.get(f"{REFERRALS}{referral.pk}/").status_code == 200
    other = make_referral(referrer=UserFactory(referrer=True)).referral
    assert client.get(f"{REFERRALS}{other.pk}/").status_code == 404


def test_a_system_with_referrals_create_may_do_nothing_else():
    client = signed(service_key(ApiScope.REFERRALS_CREATE))
    citizen_id = make_referral().referral.case.citizen_id
    for method, url in [
        ("get", "/api/v1/citizens/"),
        ("get", f"/api/v1/citizens/{citizen_id}/"),
        ("get", REFERRALS),
        ("get", "/api/v1/screenings/"),
        ("post", "/api/v1/screenings/"),
        ("get", "/api/v1/tasks/"),
        ("get", "/api/v1/offers/"),
        ("get", "/api/v1/offers/hsds/"),
        ("get", "/api/v1/me/"),
        ("get", "/api/v1/stats/summary/"),
        ("get", "/api/v1/stats/export.csv"),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 403, (method, url, response.status_code)
        assert response.json()["code"] == "scope_denied", url


def test_a_system_with_stats_read_reads_the_statistics_and_nothing_else():
    bridge_team()
    client = signed(service_key(ApiScope.STATS_READ, name="Rapportjob"))

    summary = client.get("/api/v1/stats/summary/")
    assert summary.status_code == 200
    assert summary.json()["tables"]
    export = client.get("/api/v1/stats/export.csv")
    assert export.status_code == 200
    assert b"".join(export.streaming_content)

    assert client.post(REFERRALS, referral_payload(), format="json").status_code == 403
    assert client.get("/api/v1/citizens/").status_code == 403
    assert client.get("/api/v1/me/").status_code == 403
    assert not Referral.objects.exists()


def test_a_system_with_medcom_cannot_use_the_referrals_api():
    bridge_team()
    client = signed(service_key(ApiScope.MEDCOM, name="MedCom-gateway"))
    assert client.post(REFERRALS, referral_payload(), format="json").status_code == 403
    assert not Referral.objects.exists()


def test_each_call_of_a_system_is_in_the_audit_trail():
    bridge_team()
    key = service_key(ApiScope.REFERRALS_CREATE)
    token = ApiToken.objects.get()
    client = signed(key)

    client.post(REFERRALS, referral_payload(), format="json")
    client.get("/api/v1/citizens/")
    client.get("/api/v1/me/")

    calls = AuditEvent.objects.filter(actor=token.user, object_id=str(token.pk))
    assert calls.filter(action=AuditAction.API_SERVICE_CALL).count() == 1
    assert calls.filter(action=AuditAction.API_SERVICE_REFUSED).count() == 2
    # What the allowed call did has its own rows, under the system's account.
    assert AuditEvent.objects.filter(actor=token.user, action=AuditAction.CREATE).exists()


def test_a_revoked_system_token_is_a_401_at_once():
    bridge_team()
    client = signed(service_key(ApiScope.REFERRALS_CREATE))
    token = ApiToken.objects.get()
    assert client.post(REFERRALS, referral_payload(), format="json").status_code == 201

    api_token_revoke(token=token, actor=None)

    response = client.post(REFERRALS, referral_payload(), format="json")
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"
    assert Referral.objects.count() == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.API_SERVICE_REFUSED, object_id=str(token.pk)
    ).exists()


def test_an_expired_system_token_is_a_401():
    client = signed(service_key(ApiScope.STATS_READ, days=1))
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get("/api/v1/stats/summary/")
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"


def test_a_service_account_never_signs_in_on_the_web_nor_gets_a_person_s_token():
    account = service_account_create(name="Lægesystem")
    account.set_password(PASSWORD)
    account.save()
    web = Client()
    response = web.post("/konto/log-ind/", {"username": account.username, "password": PASSWORD})
    assert response.status_code == 200  # the form again
    assert "_auth_user_id" not in web.session
    assert ask_for_token(account).status_code == 400
    assert not ApiToken.objects.exists()


def test_a_service_account_holds_no_role_s_permissions_even_if_given_one():
    account = service_account_create(name="Lægesystem")
    account.groups.add(Group.objects.get(name=Role.BRIDGE_BUILDER))
    account = User.objects.get(pk=account.pk)
    assert not account.has_perm("referrals.view_citizen")
    account.api_scope_permissions = frozenset({"referrals.add_referral"})
    assert account.has_perm("referrals.add_referral")
    assert not account.has_perm("referrals.view_citizen")


def test_the_admin_lists_service_accounts_with_their_tokens_and_revokes_them():
    admin = UserFactory(admin=True)
    key = service_key(ApiScope.REFERRALS_CREATE, name="Lægesystem Nord")
    token = ApiToken.objects.get()
    person_token(UserFactory(referrer=True))
    web = Client()
    web.force_login(admin)

    page = web.get("/django-admin/accounts/serviceaccount/")

    assert page.status_code == 200
    body = page.content.decode()
    assert "Lægesystem Nord" in body
    assert f"{token.prefix}…" in body
    assert "referrals:create" in body
    assert key not in body
    tokens_page = web.get("/django-admin/accounts/apitoken/?kind=service")
    assert tokens_page.status_code == 200
    assert f"{token.prefix}…" in tokens_page.content.decode()
    # Not among the people, where a password, a role or a team could be given to it.
    people = web.get("/django-admin/accounts/user/").content.decode()
    assert "system-laegesystem-nord" not in people
    account_url = f"/django-admin/accounts/user/{token.user_id}/change/"
    assert web.get(account_url).status_code == 302  # "does not exist", back to the list

    response = web.post(
        "/django-admin/accounts/serviceaccount/",
        {"action": "revoke_tokens", "_selected_action": [token.user_id]},
    )

    assert response.status_code == 302
    assert signed(key).get(f"{REFERRALS}00000000-0000-0000-0000-000000000000/").status_code == 401
    assert AuditEvent.objects.filter(
        action=AuditAction.API_TOKEN_REVOKED, actor=admin, object_id=str(token.pk)
    ).exists()


def test_no_role_may_issue_a_token_in_the_admin():
    from accounts.roles import ROLE_PERMISSIONS

    for role, labels in ROLE_PERMISSIONS.items():
        assert "accounts.add_apitoken" not in labels, role
        assert "accounts.add_serviceaccount" not in labels, role


def test_the_schema_documents_the_code_the_expiry_and_the_token_scheme(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    assert "otp" in components["TokenObtainRequest"]["properties"]
    assert "expires_at" in components["Token"]["properties"]
    scheme = schema["components"]["securitySchemes"]["tokenAuth"]
    assert scheme["in"] == "header"
    assert scheme["name"] == "Authorization"
    assert {"tokenAuth": []} in schema["paths"]["/api/v1/me/"]["get"]["security"]


def test_the_demo_has_a_gp_system_whose_token_is_shown_to_nobody(capsys):
    from accounts.demo import seed_accounts

    seed_accounts()
    seed_accounts()  # idempotent

    account = User.objects.get(is_service_account=True)
    assert account.first_name == "Lægesystem (demo)"
    token = ApiToken.objects.get(user=account)
    assert token.scopes == [ApiScope.REFERRALS_CREATE]
    captured = capsys.readouterr()
    assert token.prefix not in captured.out + captured.err
