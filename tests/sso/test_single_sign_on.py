"""Single sign-on with the municipality's identity provider (OpenID Connect), at the protocol
level: Brobyg against a real provider (tests/sso/provider/) in a process of its own. The person's
browser is a `requests` session at the provider and Django's test client at Brobyg; Brobyg itself
fetches the discovery document, exchanges the code and checks the ID token over HTTP."""

import re
from urllib.parse import parse_qs, urljoin, urlparse

import pytest
import requests
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.constants import Role
from accounts.models import Membership, SingleSignOnIdentity, User
from accounts.oidc import SINGLE_SIGN_ON_SESSION_KEY
from accounts.services import team_add_member, user_deactivate
from audit.constants import AuditAction
from audit.models import AuditEvent
from tests.accounts.factories import PASSWORD, TeamFactory, UserFactory
from tests.sso.factories import SingleSignOnGroupFactory
from tests.sso.oidc_provider import oidc_provider  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db

CLIENT_ID = "brobyg"
CLIENT_SECRET = "brobyg-client-secret-for-the-tests-only"
START = "/konto/sso/log-ind/"
CALLBACK = "http://testserver/konto/sso/retur/"
SIGN_IN_PAGE = "/konto/log-ind/"
PROVIDER_PASSWORD = "the-password-at-the-municipality"
TWO_FACTORS = {"amr": ["pwd", "otp"], "acr": "urn:brobyg:test:two-factors"}


@pytest.fixture
def sso(settings, oidc_provider):  # noqa: F811
    """Brobyg registered at the provider, and single sign-on switched on."""
    oidc_provider.add_client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=[CALLBACK],
        post_logout_redirect_uris=[f"http://testserver{SIGN_IN_PAGE}"],
    )
    settings.BROBYG_OIDC_ISSUER = oidc_provider.issuer
    settings.BROBYG_OIDC_CLIENT_ID = CLIENT_ID
    settings.BROBYG_OIDC_CLIENT_SECRET = CLIENT_SECRET
    return oidc_provider


@pytest.fixture
def nord():
    return TeamFactory(name="Brobyggerne Nord")


@pytest.fixture
def bridge_builders(nord):
    return SingleSignOnGroupFactory(name="brobyg-brobyggere", role=Role.BRIDGE_BUILDER, team=nord)


def person(sso, username="bente", **claims):
    values = {
        "name": "Bente Hansen",
        "given_name": "Bente",
        "family_name": "Hansen",
        "email": f"{username}@kommune.example",
        "email_verified": True,
        "groups": ["brobyg-brobyggere"],
        **TWO_FACTORS,
        **claims,
    }
    return sso.add_person(username=username, password=PROVIDER_PASSWORD, **values)


def at_the_provider(authorize_url: str, username: str, browser=None) -> str:
    """What the person does at the provider's sign-in page → where it sends the browser back."""
    browser = browser or requests.Session()
    browser.trust_env = False
    answer = browser.get(authorize_url, allow_redirects=False)
    if answer.status_code == 302 and "/login/" in answer.headers["Location"]:
        login_url = urljoin(authorize_url, answer.headers["Location"])
        browser.get(login_url)
        answer = browser.post(
            login_url,
            data={
                "username": username,
                "password": PROVIDER_PASSWORD,
                "csrfmiddlewaretoken": browser.cookies["provider_csrf"],
                "next": parse_qs(urlparse(login_url).query)["next"][0],
            },
            allow_redirects=False,
        )
        assert answer.status_code == 302, answer.text
        answer = browser.get(urljoin(login_url, answer.headers["Location"]), allow_redirects=False)
    assert answer.status_code == 302, answer.text
    return answer.headers["Location"]


def sign_in(client, username="bente", next_url=""):
    """The whole round: Brobyg → the provider's sign-in → back to Brobyg → Brobyg's answer."""
    start = client.get(START + (f"?next={next_url}" if next_url else ""))
    assert start.status_code == 302, start.content
    back = at_the_provider(start["Location"], username)
    assert back.startswith(CALLBACK), back
    return client.get(back.removeprefix("http://testserver"))


def refusal(response) -> str | None:
    match = re.search(
        r'data-testid="sso-refused" data-reason="([a-z_]+)"', response.content.decode()
    )
    return match.group(1) if match else None


# --- Signing in ----------------------------------------------------------------------------------


def test_the_sign_in_asks_the_provider_with_pkce_and_the_discovered_endpoint(client, sso):
    response = client.get(START)

    assert response.status_code == 302
    authorize = urlparse(response["Location"])
    assert f"{authorize.scheme}://{authorize.netloc}{authorize.path}" == f"{sso.issuer}/authorize/"
    query = parse_qs(authorize.query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == [CALLBACK]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) >= 43
    assert query["state"] and query["nonce"]
    assert set(query["scope"][0].split()) >= {"openid", "profile", "email"}


def test_a_person_in_a_mapped_group_gets_an_account_with_the_role_and_team(
    client, sso, nord, bridge_builders
):
    sub = person(sso)

    response = sign_in(client, next_url="/opgaver/")

    assert response.status_code == 302
    assert response["Location"] == "/opgaver/"
    identity = SingleSignOnIdentity.objects.select_related("user").get()
    assert (identity.issuer, identity.subject) == (sso.issuer, sub)
    user = identity.user
    assert (user.first_name, user.last_name, user.email) == (
        "Bente",
        "Hansen",
        "bente@kommune.example",
    )
    assert user.roles == {Role.BRIDGE_BUILDER}
    assert list(Membership.objects.filter(user=user).values_list("team", "is_lead")) == [
        (nord.pk, False)
    ]
    assert not user.has_usable_password()  # the provider is the only way in
    # The provider's two-factor assurance, on the identity and on the session.
    assert identity.mfa and identity.amr == ["pwd", "otp"]
    assert identity.acr == TWO_FACTORS["acr"]
    record = client.session[SINGLE_SIGN_ON_SESSION_KEY]
    assert record["mfa"] is True and record["amr"] == ["pwd", "otp"]
    assert record["acr"] == TWO_FACTORS["acr"]
    assert int(client.session["_auth_user_id"]) == user.pk
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor=user).count() == 1
    assert client.get("/").status_code == 200


def test_a_person_signed_in_with_the_municipality_is_not_offered_a_brobyg_password(
    client, sso, nord, bridge_builders
):
    person(sso)
    sign_in(client, next_url="/opgaver/")

    page = client.get("/opgaver/").content.decode()

    assert 'data-testid="user-menu"' in page
    assert reverse("accounts:password_change") not in page


def test_the_subject_is_the_key_and_the_account_follows_the_claims_at_each_sign_in(
    client, sso, nord, bridge_builders
):
    syd = TeamFactory(name="Hjemmeplejen Syd", home_care=True)
    SingleSignOnGroupFactory(name="BROBYG-Hjemmepleje-Syd", role=Role.HOME_CARE, team=syd)
    SingleSignOnGroupFactory(name="brobyg-syd-ledere", role=Role.HOME_CARE, team=syd, is_lead=True)
    by_hand = TeamFactory(name="Et team uden for single sign-on")
    person(sso)
    sign_in(client)
    user = User.objects.get()
    team_add_member(team=by_hand, user=user)
    client.logout()

    # given: at the provider, Bente married, changed job and e-mail
    person(
        sso,
        name="Bente Holm",
        given_name="Bente",
        family_name="Holm",
        email="bente.holm@kommune.example",
        groups=["brobyg-hjemmepleje-syd", "brobyg-syd-ledere", "a-group-brobyg-does-not-know"],
    )
    # when
    response = sign_in(client)

    # then: the same account (same sub), with the new name, role and team
    assert response.status_code == 302
    assert User.objects.count() == 1
    user.refresh_from_db()
    assert (user.last_name, user.email) == ("Holm", "bente.holm@kommune.example")
    assert User.objects.get(pk=user.pk).roles == {Role.HOME_CARE}
    memberships = dict(Membership.objects.filter(user=user).values_list("team", "is_lead"))
    # Nord is managed by a group mapping, so it goes; a team no mapping names stays as it is.
    assert memberships == {syd.pk: True, by_hand.pk: False}


def test_the_groups_can_come_in_another_claim(client, sso, settings, nord, bridge_builders):
    settings.BROBYG_OIDC_GROUPS_CLAIM = "realm_access.roles"
    person(sso, groups=[], realm_access={"roles": ["brobyg-brobyggere"]})

    response = sign_in(client)

    assert response.status_code == 302, refusal(response)
    assert User.objects.get().roles == {Role.BRIDGE_BUILDER}


def test_a_person_whose_groups_map_to_nothing_gets_a_clear_page_and_no_account(
    client, sso, bridge_builders
):
    person(sso, groups=["alle-ansatte"])
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"

    response = sign_in(client)

    assert response.status_code == 403
    assert refusal(response) == "no_role"
    assert "Your user has no role in Brobyg: ask your administrator" in response.content.decode()
    assert not User.objects.exists()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 1


def test_a_deactivated_person_stays_out(client, sso, bridge_builders):
    person(sso)
    sign_in(client)
    user = User.objects.get()
    client.logout()
    user.is_active = False
    user.save(update_fields=["is_active"])

    response = sign_in(client)

    assert refusal(response) == "deactivated"
    assert "_auth_user_id" not in client.session


def test_deactivating_a_person_ends_their_single_sign_on_session(client, sso, bridge_builders):
    person(sso)
    sign_in(client)
    assert client.get("/").status_code == 200

    user_deactivate(user=User.objects.get())

    assert client.get("/").status_code == 302


def test_an_existing_account_with_the_same_e_mail_is_taken_over_not_doubled(
    client, sso, nord, bridge_builders
):
    bente = UserFactory(username="bh", email="Bente@Kommune.example", referrer=True)

    sign_in_response = (person(sso), sign_in(client))[1]

    assert sign_in_response.status_code == 302
    assert User.objects.count() == 1
    assert SingleSignOnIdentity.objects.get().user == bente
    assert User.objects.get(pk=bente.pk).roles == {Role.BRIDGE_BUILDER}


# --- Two factors at the provider ----------------------------------------------------------------


def test_a_sign_in_without_two_factors_is_refused_where_the_municipality_requires_them(
    client, sso, bridge_builders
):
    assert django_settings.BROBYG_OIDC_REQUIRE_MFA is True  # the default
    person(sso, amr=["pwd"], acr="")

    response = sign_in(client)

    assert response.status_code == 403
    assert refusal(response) == "mfa_required"
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()


def test_two_factors_asserted_by_the_provider_replace_brobygs_own_code(
    client, sso, settings, bridge_builders
):
    settings.BROBYG_REQUIRE_2FA = True
    person(sso)

    sign_in(client)

    # No authenticator app in Brobyg, and no code asked: the provider confirmed two factors.
    assert not TOTPDevice.objects.exists()
    response = client.get("/forloeb/")
    assert response.status_code == 200
    assert client.get("/konto/to-trin/").status_code == 302


@pytest.mark.parametrize(
    ("amr", "acr"),
    [
        (["mfa"], ""),
        (["pwd", "hwk"], ""),
        (["pwd"], "https://data.gov.dk/concept/core/nsis/Substantial"),
    ],
)
def test_what_counts_as_two_factors(client, sso, bridge_builders, amr, acr):
    person(sso, amr=amr, acr=acr)

    response = sign_in(client)

    assert response.status_code == 302, refusal(response)
    assert SingleSignOnIdentity.objects.get().mfa


def test_without_two_factors_at_the_provider_brobyg_asks_for_its_own_code_where_allowed(
    client, sso, settings, bridge_builders
):
    settings.BROBYG_OIDC_REQUIRE_MFA = False
    settings.BROBYG_REQUIRE_2FA = True
    person(sso, amr=["pwd"], acr="")

    response = sign_in(client)

    assert response.status_code == 302
    assert client.session[SINGLE_SIGN_ON_SESSION_KEY]["mfa"] is False
    assert not SingleSignOnIdentity.objects.get().mfa
    held = client.get("/forloeb/")
    assert held.status_code == 302
    assert held["Location"].startswith("/konto/to-trin/")


# --- Tokens Brobyg must not believe -------------------------------------------------------------


@pytest.mark.parametrize("defect", ["tampered", "wrong_audience", "expired"])
def test_an_id_token_that_is_not_right_is_refused(client, sso, bridge_builders, defect):
    person(sso)
    sso.spoil_next_id_token(defect)

    response = sign_in(client)

    assert response.status_code == 403
    assert refusal(response) == "failed"
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 1

    # The next, sound token is accepted: the provider and Brobyg are otherwise fine.
    assert sign_in(client).status_code == 302
    assert User.objects.get().roles == {Role.BRIDGE_BUILDER}


def test_an_answer_from_the_provider_is_used_once(client, sso, bridge_builders):
    person(sso)
    start = client.get(START)
    back = at_the_provider(start["Location"], "bente").removeprefix("http://testserver")
    assert client.get(back).status_code == 302

    # Someone who got hold of the address, in their own browser, and the person themself again.
    for browser in (Client(), client):
        replayed = browser.get(back)

        assert replayed.status_code == 403
        assert refusal(replayed) == "failed"
    assert User.objects.count() == 1


def test_an_error_answer_this_browser_did_not_ask_for_leaves_the_person_signed_in(
    client, sso, bridge_builders
):
    person(sso)
    sign_in(client)
    user = User.objects.get()

    # A link or an image elsewhere that sends the browser to the callback with an error.
    for query in ({"error": "access_denied"}, {"error": "x", "state": "not-this-browsers"}):
        response = client.get(CALLBACK.removeprefix("http://testserver"), query)

        assert response.status_code == 403
        assert refusal(response) == "failed"
        assert int(client.session["_auth_user_id"]) == user.pk
    assert client.get("/").status_code == 200


def test_a_provider_whose_discovery_names_another_issuer_is_not_trusted(
    client, sso, settings, bridge_builders
):
    # The same server under another name: its discovery document names 127.0.0.1, not localhost.
    settings.BROBYG_OIDC_ISSUER = sso.issuer.replace("127.0.0.1", "localhost")

    response = client.get(START)

    assert response.status_code == 503
    assert refusal(response) == "unavailable"


# --- Passwords while single sign-on is on -------------------------------------------------------


def test_while_single_sign_on_is_on_only_the_break_glass_admin_signs_in_with_a_password(
    client, sso, settings
):
    settings.BROBYG_OIDC_BREAK_GLASS_USERS = ["noedadmin", "noedadmin-ikke"]
    worker = UserFactory(username="brobygger", bridge_builder=True)
    listed_but_no_admin = UserFactory(username="noedadmin-ikke", bridge_builder=True)
    admin = UserFactory(username="noedadmin", admin=True)

    for user in (worker, listed_but_no_admin):
        response = client.post(SIGN_IN_PAGE, {"username": user.username, "password": PASSWORD})
        assert response.status_code == 200, user.username  # the form again
        assert "_auth_user_id" not in client.session
        token = client.post(
            "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}
        )
        assert token.status_code == 400, user.username

    response = client.post(SIGN_IN_PAGE, {"username": "noedadmin", "password": PASSWORD})
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == admin.pk


def test_the_break_glass_admin_still_confirms_with_brobygs_own_code(client, sso, settings):
    settings.BROBYG_REQUIRE_2FA = True
    settings.BROBYG_OIDC_BREAK_GLASS_USERS = ["noedadmin"]
    UserFactory(username="noedadmin", admin=True)

    response = client.post(SIGN_IN_PAGE, {"username": "noedadmin", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"].startswith("/konto/to-trin/")
    assert client.get("/").status_code == 302


def test_an_account_from_single_sign_on_never_signs_in_with_a_password(
    client, sso, settings, bridge_builders
):
    settings.BROBYG_OIDC_BREAK_GLASS_USERS = ["bente"]
    person(sso, groups=["brobyg-brobyggere"])
    sign_in(client)
    user = User.objects.get()
    client.logout()
    user.set_password(PASSWORD)
    user.save(update_fields=["password"])

    response = client.post(SIGN_IN_PAGE, {"username": user.username, "password": PASSWORD})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_without_single_sign_on_passwords_work_as_before(client):
    assert not django_settings.BROBYG_OIDC_ISSUER
    user = UserFactory(bridge_builder=True)

    response = client.post(SIGN_IN_PAGE, {"username": user.username, "password": PASSWORD})

    assert response.status_code == 302
    assert client.get(START).status_code == 404


def test_the_sign_in_page_offers_the_municipality_when_single_sign_on_is_on(client, settings):
    assert 'data-testid="sso-sign-in"' not in client.get(SIGN_IN_PAGE).content.decode()
    settings.BROBYG_OIDC_ISSUER = "https://login.kommune.example"
    settings.BROBYG_OIDC_CLIENT_ID = CLIENT_ID

    page = client.get(f"{SIGN_IN_PAGE}?next=/opgaver/").content.decode()

    assert 'data-testid="sso-sign-in"' in page
    assert f'href="{START}?next=%2Fopgaver%2F"' in page


# --- Signing out --------------------------------------------------------------------------------


def test_sign_out_ends_the_session_and_sends_the_browser_to_the_provider(
    client, sso, bridge_builders
):
    person(sso)
    sign_in(client)
    id_token = client.session[SINGLE_SIGN_ON_SESSION_KEY]["id_token"]
    user = User.objects.get()

    response = client.post("/konto/log-ud/")

    assert response.status_code == 302
    end_session = urlparse(response["Location"])
    assert (
        f"{end_session.scheme}://{end_session.netloc}{end_session.path}" == f"{sso.issuer}/logout/"
    )
    query = parse_qs(end_session.query)
    assert query["id_token_hint"] == [id_token]
    assert query["post_logout_redirect_uri"] == [f"http://testserver{SIGN_IN_PAGE}"]
    assert query["client_id"] == [CLIENT_ID]
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=user).exists()
    # The provider accepts it: it ends its own session and sends the browser back to Brobyg.
    back = requests.get(response["Location"], allow_redirects=False, timeout=10)
    assert back.status_code == 302
    assert back.headers["Location"] == f"http://testserver{SIGN_IN_PAGE}"


def test_a_single_sign_on_page_lets_the_sign_out_form_lead_on_to_the_provider(
    client, sso, bridge_builders
):
    person(sso)
    sign_in(client)

    policy = client.get("/").headers["Content-Security-Policy"]

    form_action = next(p for p in policy.split(";") if p.strip().startswith("form-action"))
    assert sso.url in form_action.split()


def test_a_password_sign_out_stays_in_brobyg(client, sso, settings):
    settings.BROBYG_OIDC_BREAK_GLASS_USERS = ["noedadmin"]
    UserFactory(username="noedadmin", admin=True)
    client.post(SIGN_IN_PAGE, {"username": "noedadmin", "password": PASSWORD})

    response = client.post("/konto/log-ud/")

    assert response["Location"] == SIGN_IN_PAGE
