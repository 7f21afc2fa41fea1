import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError

from accounts.constants import Role
from accounts.roles import ROLE_PERMISSIONS, roles_sync
from accounts.services import (
    team_add_member,
    team_remove_member,
    user_create,
    user_set_language,
    user_set_roles,
)
from audit.constants import AuditAction
from audit.models import AuditEvent
from tests.accounts.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_user_create_gives_roles_and_admin_access_only_to_admins():
    # when
    admin = user_create(username="anna", password="x-long-password", roles=[Role.ADMIN])
    builder = user_create(username="bo", password="x-long-password", roles=[Role.BRIDGE_BUILDER])

    # then
    assert admin.roles == {Role.ADMIN}
    assert admin.is_staff
    assert builder.roles == {Role.BRIDGE_BUILDER}
    assert not builder.is_staff
    assert admin.check_password("x-long-password")


def test_user_create_refuses_unknown_role_and_saves_nothing():
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="x", password="x-long-password", roles=["wizard"])
    assert "roles" in excinfo.value.message_dict
    assert not Group.objects.filter(user__username="x").exists()


def test_user_create_refuses_duplicate_username_ignoring_case():
    UserFactory(username="bente")
    with pytest.raises(ValidationError) as excinfo:
        user_create(username="Bente", password="x-long-password")
    assert "username" in excinfo.value.message_dict


def test_taking_the_admin_role_away_removes_admin_access():
    user = UserFactory(admin=True)
    user_set_roles(user=user, roles=[Role.COORDINATOR])
    user.refresh_from_db()
    assert not user.is_staff
    assert user.roles == {Role.COORDINATOR}


def test_a_user_can_hold_several_roles_and_teams():
    first, second = TeamFactory(), TeamFactory()
    user = UserFactory(role=Role.HOME_CARE, team=first)
    user_set_roles(user=user, roles=[Role.HOME_CARE, Role.BRIDGE_BUILDER])
    team_add_member(team=second, user=user)
    assert user.roles == {Role.HOME_CARE, Role.BRIDGE_BUILDER}
    assert set(user.teams.all()) == {first, second}


def test_team_add_member_is_idempotent_and_audits_only_changes():
    team = TeamFactory()
    user = UserFactory()
    events_before = AuditEvent.objects.count()

    team_add_member(team=team, user=user)
    team_add_member(team=team, user=user)  # nothing changes
    membership = team_add_member(team=team, user=user, is_lead=True)

    assert team.memberships.count() == 1
    assert membership.is_lead
    actions = list(
        AuditEvent.objects.order_by("created_at")[events_before:].values_list("action", "fields")
    )
    assert actions == [(AuditAction.CREATE, []), (AuditAction.UPDATE, ["is_lead"])]


def test_team_remove_member():
    team = TeamFactory()
    user = UserFactory(team=team)
    team_remove_member(team=team, user=user)
    assert not team.memberships.exists()
    assert AuditEvent.objects.filter(action=AuditAction.DELETE).count() == 1


def test_user_set_language_keeps_the_choice_and_refuses_unknown_languages():
    user = UserFactory()
    user_set_language(user=user, language="en")
    user.refresh_from_db()
    assert user.preferred_language == "en"
    with pytest.raises(ValidationError):
        user_set_language(user=user, language="xx")


def test_every_role_is_a_group_with_exactly_its_permissions():
    for role in Role:
        group = Group.objects.get(name=role)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == set(ROLE_PERMISSIONS[role]), role


def test_roles_sync_restores_a_permission_removed_by_hand():
    group = Group.objects.get(name=Role.ADMIN)
    group.permissions.clear()
    roles_sync()
    assert group.permissions.count() == len(ROLE_PERMISSIONS[Role.ADMIN])


def test_only_admins_may_read_the_audit_trail():
    for role in Role:
        user = UserFactory(role=role)
        assert user.has_perm("audit.view_auditevent") == (role == Role.ADMIN), role
