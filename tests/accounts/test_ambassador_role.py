"""The ambassador (nøgleperson) role: on a home-care team, checks the team's screenings a second
time (Holstebro), and sees nothing of a citizen's record beyond that."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.constants import Role
from accounts.models import User
from accounts.selectors import user_primary_role
from accounts.services import user_set_roles
from audit.models import AuditEvent
from tests.accounts.factories import TeamFactory, UserFactory
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(home_care=True, name="Hjemmeplejen Holstebro")


@pytest.fixture
def ambassador(team):
    return UserFactory(role=Role.AMBASSADOR, team=team, first_name="Nanna")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_role_exists_and_holds_only_the_quality_check():
    with translation.override("en"):
        assert str(Role.AMBASSADOR.label) == "Ambassador (nøgleperson)"
    with translation.override("da"):
        assert str(Role.AMBASSADOR.label) == "Nøgleperson (ambassadør)"
    group = Group.objects.get(name=Role.AMBASSADOR)
    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
    assert held == {"screening.view_qualitycheck", "screening.change_qualitycheck"}


def test_the_ambassadors_start_page_is_the_teams_quality_check_queue(team, ambassador):
    worker = UserFactory(home_care=True, team=team)
    citizen = home_care_citizen(team=team, first_name="Conrad")
    screen(citizen=citizen, by=worker, answers=(1, 1, 1))

    response = _client(ambassador).get("/")

    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="start-heading">Quality check<' in page
    assert page.count('data-testid="quality-row"') == 1
    assert "Conrad" in page
    assert team.name in page
    # The start page names the citizen: a read of the record.
    assert AuditEvent.objects.filter(action="read", actor=ambassador, subject_id=citizen.pk)


def test_an_ambassador_on_no_home_care_team_is_told_so():
    ambassador = UserFactory(role=Role.AMBASSADOR, team=TeamFactory())

    response = _client(ambassador).get("/")

    assert response.status_code == 200
    assert 'data-testid="quality-row"' not in response.content.decode()


@pytest.mark.parametrize(
    ("roles", "first"),
    [
        ([Role.AMBASSADOR], Role.AMBASSADOR),
        # One who also visits citizens starts with the visits.
        ([Role.HOME_CARE, Role.AMBASSADOR], Role.HOME_CARE),
        ([Role.AMBASSADOR, Role.ADMIN], Role.AMBASSADOR),
    ],
)
def test_the_start_page_of_several_roles(roles, first):
    user = UserFactory()
    user_set_roles(user=user, roles=roles)
    user = User.objects.get(pk=user.pk)
    assert user_primary_role(user=user) == first


def test_the_menu_shows_the_ambassador_the_queue_and_nothing_else_it_may_not_open(ambassador):
    from core.navigation import NAVIGATION

    client = _client(ambassador)
    body = client.get("/screening/kvalitet/").content.decode()
    nav = body.split('data-testid="main-nav"')[1].split("</ul>")[0]
    visible = {"/", "/screening/kvalitet/"}

    for item in NAVIGATION:
        url = reverse(item.url_name)
        assert (f'href="{url}"' in nav) == (url in visible), url
        if url not in visible and url != "/api/docs/":
            assert client.get(url).status_code != 200, url


def test_the_ambassador_sees_no_citizen_record(team, ambassador):
    citizen = home_care_citizen(team=team)
    screen(citizen=citizen, by=UserFactory(home_care=True, team=team), answers=(1, 1, 1))
    client = _client(ambassador)

    for url in [
        "/screening/",
        f"/screening/borgere/{citizen.pk}/",
        f"/screening/borgere/{citizen.pk}/screen/",
        "/screening/tavle/",
        "/forloeb/",
        "/opgaver/",
    ]:
        assert client.get(url).status_code == 403, url
    assert client.get("/api/v1/citizens/").status_code == 403


def test_the_demo_has_a_noegleperson_on_hjemmeplejen_nord_and_keeps_the_five():
    from accounts.demo import seed_accounts

    seed_accounts()
    seed_accounts()

    noegleperson = User.objects.get(username="noegleperson")
    assert noegleperson.roles == {Role.AMBASSADOR}
    assert list(noegleperson.teams.values_list("name", flat=True)) == ["Hjemmeplejen Nord"]
    for username, role in {
        "brobygger": Role.BRIDGE_BUILDER,
        "hjemmepleje": Role.HOME_CARE,
        "koordinator": Role.COORDINATOR,
        "laege": Role.REFERRER,
        "admin": Role.ADMIN,
    }.items():
        assert User.objects.get(username=username).roles == {role}
