import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.functional import lazy
from django.utils.translation import gettext

from accounts.constants import Role
from audit.constants import AuditAction
from audit.models import AuditEvent
from tests.accounts.factories import PASSWORD, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

START_HEADINGS = {
    Role.BRIDGE_BUILDER: "Mine borgere",
    Role.HOME_CARE: "Screening",
    Role.COORDINATOR: "Tilbud og frivillige",
    Role.REFERRER: "Henvisninger",
    Role.ADMIN: "Administration",
    # A heading whose Danish is added with the translations: read from the catalogue.
    Role.AMBASSADOR: lazy(lambda text: translation.override("da")(gettext)(text), str)(
        "Quality check"
    ),
}


def _sign_in(client, user, password=PASSWORD):
    return client.post(reverse("accounts:login"), {"username": user.username, "password": password})


def test_the_front_door_asks_an_anonymous_visitor_to_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_wrong_password_shows_a_clear_error_and_is_audited(client):
    user = UserFactory()
    response = _sign_in(client, user, password="wrong")
    assert response.status_code == 200
    assert "Brugernavn eller adgangskode er ikke rigtig" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 1
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_start_page(client, role):
    team = TeamFactory()
    user = UserFactory(role=role, team=team)

    response = _sign_in(client, user)
    assert response.status_code == 302
    response = client.get(response["Location"])

    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-testid="start-heading">{START_HEADINGS[role]}<' in body
    assert team.name in body
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN, actor=user).exists()


def test_a_user_with_several_roles_starts_with_the_case_work():
    from accounts.selectors import user_primary_role
    from accounts.services import user_set_roles

    user = UserFactory(admin=True)
    user_set_roles(user=user, roles=[Role.ADMIN, Role.BRIDGE_BUILDER])
    assert user_primary_role(user=user) == Role.BRIDGE_BUILDER


def test_a_user_without_a_role_is_told_to_ask_for_one(client):
    client.force_login(UserFactory())
    response = client.get("/")
    assert "Din konto har ingen rolle endnu" in response.content.decode()


PUBLIC_PAGES = {"/api/docs/"}


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        (
            Role.BRIDGE_BUILDER,
            {
                "/",
                "/forloeb/",
                "/forloeb/team/",
                "/opgaver/",
                "/henvisninger/ny/",
                "/henvisninger/",
                "/frivillige/venteliste/",
            },
        ),
        (
            Role.HOME_CARE,
            {
                "/",
                "/opgaver/",
                "/screening/",
                "/screening/tavle/",
                "/henvisninger/ny/",
                "/henvisninger/",
            },
        ),
        (
            Role.COORDINATOR,
            {
                "/",
                "/opgaver/",
                "/koordinering/",
                "/koordinering/tilbud/",
                "/frivillige/",
                "/frivillige/venteliste/",
                "/behov/",
            },
        ),
        (Role.REFERRER, {"/", "/henvisninger/ny/", "/henvisninger/"}),
        (
            Role.ADMIN,
            {
                "/",
                "/statistik/",
                "/behov/",
                "/revision/",
                "/databeskyttelse/",
                "/django-admin/",
            },
        ),
    ],
)
def test_navigation_shows_each_role_only_what_it_may_open(client, role, visible):
    from core.navigation import NAVIGATION
    from tests.referrals.factories import bridge_team

    team = TeamFactory(home_care=True) if role == Role.HOME_CARE else bridge_team()
    user = UserFactory(role=role, team=team)
    client.force_login(user)
    body = client.get("/").content.decode()
    nav = body.split('data-testid="main-nav"')[1].split("</ul>")[0]

    for item in NAVIGATION:
        url = reverse(item.url_name)
        assert (f'href="{url}"' in nav) == (url in visible), (role, url)
        # The menu and the page agree: what is shown opens, what is hidden does not
        # (except public pages such as the API documentation for system integrators).
        status = client.get(url).status_code
        assert (status == 200) == (url in visible or url in PUBLIC_PAGES), (role, url, status)


def test_the_api_documentation_is_offered_as_developer_documentation_in_english(client):
    # The API's documentation (Swagger) is for developers and in English: an administrator
    # finds it on the start page, named for what it is, not as "API" in the menu.
    client.force_login(UserFactory(role=Role.ADMIN, team=TeamFactory()))
    body = client.get("/").content.decode()

    nav = body.split('data-testid="main-nav"')[1].split("</ul>")[0]
    assert 'href="/api/docs/"' not in nav
    link = body.split('data-testid="api-docs-link"')[1].split("</a>")[0]
    assert 'href="/api/docs/"' in body.split('data-testid="api-docs-link"')[0].rsplit("<a", 1)[1]
    entry = " ".join(re.sub(r"<[^>]+>", " ", link.split(">", 1)[1]).split())
    with translation.override("da"):
        assert entry == gettext("API documentation for developers (English)")


def test_sign_out_ends_the_session(client):
    user = UserFactory(bridge_builder=True)
    client.force_login(user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_OUT, actor=user).exists()


def test_sessions_expire_after_the_idle_timeout_counted_from_the_last_request(client):
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    user = UserFactory(home_care=True)
    _sign_in(client, user)
    key = client.session.session_key
    assert settings.BROBYG_IDLE_TIMEOUT_MINUTES == 30

    def stored_expiry():
        return Session.objects.get(pk=key).expire_date

    # Pretend the last click was 20 minutes ago: a new request renews the 30 minutes.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() + timedelta(minutes=10))
    assert client.get("/").status_code == 200
    assert stored_expiry() > timezone.now() + timedelta(minutes=29)

    # Idle past the limit: the session is gone and the tablet shows the sign-in page.
    Session.objects.filter(pk=key).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_password_change_validates_and_then_changes(client):
    user = UserFactory(referrer=True)
    client.force_login(user)
    url = reverse("accounts:password_change")

    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"}
    )
    assert response.status_code == 200
    assert "Denne adgangskode er for kort" in response.content.decode()

    new = "a-much-better-passphrase"
    response = client.post(
        url, {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new)


def test_pages_are_danish_by_default_whatever_the_browser_says(client):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "da"
    assert "Log ind" in response.content.decode()


def test_english_is_one_choice_away_and_is_remembered_for_the_user(client):
    user = UserFactory(bridge_builder=True)
    client.force_login(user)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert "My citizens" in body
    user.refresh_from_db()
    assert user.preferred_language == "en"


def test_pages_load_no_asset_from_outside_the_site(client):
    import re

    client.force_login(UserFactory(admin=True))
    for url in ["/", reverse("accounts:login"), "/revision/", "/api/docs/"]:
        body = client.get(url).content.decode()
        for src in re.findall(r'(?:src|href)="([^"]+)"', body):
            assert not src.startswith(("http:", "https:", "//")), (url, src)


def test_the_referrers_start_page_writes_the_access_log_for_each_citizen_named(client):
    from tests.referrals.factories import make_referral

    gp = UserFactory(referrer=True)
    citizens = [make_referral(referrer=gp).referral.citizen for _ in range(2)]
    client.force_login(gp)

    response = client.get("/")

    assert response.status_code == 200
    for citizen in citizens:
        assert citizen.first_name in response.content.decode()
        assert AuditEvent.objects.filter(
            action=AuditAction.READ, subject_id=citizen.pk, actor=gp
        ).exists()


def test_the_referrers_start_page_shows_only_what_their_referral_brought(client):
    from referrals.constants import CaseStatus
    from referrals.services import case_change_status
    from tests.referrals.factories import bridge_team, make_referral

    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team)
    earlier = make_referral(
        team=team, cpr="010150-1234", birth_date=None, first_name="Gudrun", last_name="Særnavn"
    ).referral
    case_change_status(case=earlier.case, status=CaseStatus.CONTACTED, actor=builder)
    gp = UserFactory(referrer=True)
    make_referral(
        team=team, referrer=gp, cpr="010150-1234", birth_date=None, first_name="G.", last_name="H"
    )
    client.force_login(gp)

    response = client.get("/")

    [row] = response.context["recent"]
    assert row.case_id == earlier.case_id  # the same person, the same case
    assert row.referrer_status == CaseStatus.RECEIVED  # not where the case had got to
    body = response.content.decode()
    assert "G. H" in body
    assert "Særnavn" not in body


def test_a_bridge_builder_starts_a_community_from_the_start_page_not_from_an_offer_list(client):
    from tests.referrals.factories import bridge_team

    client.force_login(UserFactory(role=Role.BRIDGE_BUILDER, team=bridge_team()))
    start = client.get("/").content.decode()

    assert f'href="{reverse("offers:offer_create")}"' in start
    assert client.get(reverse("offers:offer_create")).status_code == 200
    assert client.get(reverse("offers:offer_list")).status_code == 403
