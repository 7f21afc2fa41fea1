"""Single sign-on with the municipality's identity provider, as a person meets it on a tablet:
Chromium, Brobyg's live server and a real OpenID Connect provider (tests/sso/provider/) in a
process of its own."""

import re

import pytest
from playwright.sync_api import expect

from accounts.constants import Role
from tests.accounts.factories import TeamFactory
from tests.sso.factories import SingleSignOnGroupFactory
from tests.sso.oidc_provider import oidc_provider  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_ID = "brobyg-tablet"
CLIENT_SECRET = "brobyg-tablet-secret-for-the-tests-only"
PASSWORD = "the-password-at-the-municipality"


@pytest.fixture
def sso(settings, live_server, oidc_provider):  # noqa: F811
    oidc_provider.add_client(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uris=[f"{live_server.url}/konto/sso/retur/"],
        post_logout_redirect_uris=[f"{live_server.url}/konto/log-ind/"],
    )
    settings.BROBYG_OIDC_ISSUER = oidc_provider.issuer
    settings.BROBYG_OIDC_CLIENT_ID = CLIENT_ID
    settings.BROBYG_OIDC_CLIENT_SECRET = CLIENT_SECRET
    SingleSignOnGroupFactory(
        name="brobyg-brobyggere", role=Role.BRIDGE_BUILDER, team=TeamFactory(name="Brobyggerne")
    )
    SingleSignOnGroupFactory(
        name="brobyg-hjemmepleje",
        role=Role.HOME_CARE,
        team=TeamFactory(name="Hjemmeplejen Nord", home_care=True),
    )
    return oidc_provider


def person(sso, username, groups, amr=("pwd", "otp")):
    sso.add_person(
        username=username,
        password=PASSWORD,
        name=f"{username.title()} Jensen",
        email=f"{username}@kommune.example",
        groups=list(groups),
        amr=list(amr),
    )


def sign_in_at_the_municipality(page, username):
    page.goto("/")
    page.get_by_test_id("sso-sign-in").tap()
    expect(page.get_by_role("heading", name="Kommunens login")).to_be_visible()
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind hos kommunen").tap()


@pytest.mark.parametrize(
    ("groups", "heading", "team"),
    [
        (["brobyg-brobyggere"], "Mine borgere", "Brobyggerne"),
        (["alle-ansatte", "brobyg-hjemmepleje"], "Screening", "Hjemmeplejen Nord"),
    ],
)
def test_a_person_signs_in_with_the_municipality_and_out_again(
    sso, tablet, live_server, groups, heading, team
):
    person(sso, "bente", groups)

    sign_in_at_the_municipality(tablet, "bente")

    # The role and team came from the groups, with no code of Brobyg's own to type.
    expect(tablet.get_by_test_id("start-heading")).to_have_text(heading)
    expect(tablet.get_by_text(team).first).to_be_visible()
    # The name came from the provider's claims.
    expect(tablet.get_by_test_id("user-menu")).to_contain_text("Bente Jensen")

    tablet.get_by_test_id("user-menu").tap()
    tablet.get_by_role("button", name="Log ud").tap()

    # Through the provider's end of the session and back to Brobyg's sign-in page.
    expect(tablet).to_have_url(re.compile(r"/konto/log-ind/$"))
    expect(tablet.get_by_role("heading", name="Log ind")).to_be_visible()
    tablet.goto("/")
    expect(tablet).to_have_url(re.compile(r"/konto/log-ind/\?next=/$"))
    # Signed out at the provider too: the next sign-in asks for the password again.
    tablet.get_by_test_id("sso-sign-in").tap()
    expect(tablet.get_by_role("heading", name="Kommunens login")).to_be_visible()


def test_a_person_whose_groups_give_no_role_is_told_so(sso, tablet):
    person(sso, "kurt", ["alle-ansatte"])

    sign_in_at_the_municipality(tablet, "kurt")

    expect(tablet.get_by_test_id("sso-refused")).to_have_attribute("data-reason", "no_role")
    tablet.goto("/")
    expect(tablet).to_have_url(re.compile(r"/konto/log-ind/"))


def test_a_sign_in_without_two_factors_is_refused(sso, tablet):
    person(sso, "bente", ["brobyg-brobyggere"], amr=["pwd"])

    sign_in_at_the_municipality(tablet, "bente")

    expect(tablet.get_by_test_id("sso-refused")).to_have_attribute("data-reason", "mfa_required")


@pytest.mark.parametrize("defect", ["tampered", "wrong_audience", "expired"])
def test_a_spoilt_id_token_does_not_sign_anyone_in(sso, tablet, defect):
    person(sso, "bente", ["brobyg-brobyggere"])
    sso.spoil_next_id_token(defect)

    sign_in_at_the_municipality(tablet, "bente")

    expect(tablet.get_by_test_id("sso-refused")).to_have_attribute("data-reason", "failed")
    tablet.goto("/")
    expect(tablet).to_have_url(re.compile(r"/konto/log-ind/"))
