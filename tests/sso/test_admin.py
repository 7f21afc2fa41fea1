"""The municipality's administrator maps the identity provider's groups to roles and teams."""

import pytest

from accounts.constants import Role
from accounts.models import SingleSignOnGroup
from audit.constants import AuditAction
from audit.models import AuditEvent
from tests.accounts.factories import TeamFactory, UserFactory
from tests.sso.factories import SingleSignOnGroupFactory

pytestmark = pytest.mark.django_db

ADD = "/django-admin/accounts/singlesignongroup/add/"


@pytest.fixture
def admin_client(client):
    admin = UserFactory(admin=True, username="anna")
    client.force_login(admin)
    client.admin = admin
    return client


def test_an_administrator_maps_a_group_to_a_role_and_a_team_in_the_admin(admin_client):
    team = TeamFactory(name="Brobyggerne Nord")

    response = admin_client.post(
        ADD,
        {"name": "brobyg-brobyggere-nord", "role": Role.BRIDGE_BUILDER, "team": team.pk},
    )

    assert response.status_code == 302, response.content.decode()
    mapping = SingleSignOnGroup.objects.get()
    assert (mapping.name, mapping.role, mapping.team, mapping.is_lead) == (
        "brobyg-brobyggere-nord",
        Role.BRIDGE_BUILDER,
        team,
        False,
    )
    assert AuditEvent.objects.filter(
        actor=admin_client.admin, action=AuditAction.CREATE, object_id=str(mapping.pk)
    ).exists()
    listing = admin_client.get("/django-admin/accounts/singlesignongroup/").content.decode()
    assert "brobyg-brobyggere-nord" in listing


def test_a_group_is_mapped_once_whatever_its_case(admin_client):
    SingleSignOnGroupFactory(name="Brobyg-Brobyggere")

    response = admin_client.post(ADD, {"name": "brobyg-brobyggere", "role": Role.ADMIN})

    assert response.status_code == 200  # the form again, with the error
    assert SingleSignOnGroup.objects.count() == 1


def test_a_team_lead_needs_a_team(admin_client):
    response = admin_client.post(
        ADD, {"name": "ledere", "role": Role.BRIDGE_BUILDER, "is_lead": "on"}
    )

    assert response.status_code == 200
    assert not SingleSignOnGroup.objects.exists()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_administrators_see_the_mapping(client, role):
    client.force_login(UserFactory(role=role))

    assert client.get("/django-admin/accounts/singlesignongroup/").status_code in (302, 403)
