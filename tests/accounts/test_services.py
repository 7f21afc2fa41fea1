import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.constants import MembershipChangeKind, Role
from accounts.models import Membership, MembershipChange
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


# --- Team memberships: every change recorded, no unexplained self-grants ------------------------


def test_adding_oneself_to_a_team_without_a_reason_is_refused_and_saves_nothing():
    team = TeamFactory()
    admin = UserFactory(admin=True)
    events_before = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as caught:
        team_add_member(team=team, user=admin, reason="  ", actor=admin)

    assert "Skriv hvorfor" in " ".join(caught.value.message_dict["reason"])
    assert not Membership.objects.filter(team=team, user=admin).exists()
    assert not MembershipChange.objects.exists()
    assert AuditEvent.objects.count() == events_before


def test_making_oneself_team_lead_needs_a_reason_too():
    team = TeamFactory()
    admin = UserFactory(admin=True, team=team)

    with pytest.raises(ValidationError):
        team_add_member(team=team, user=admin, is_lead=True, actor=admin)
    assert not Membership.objects.get(team=team, user=admin).is_lead

    team_add_member(team=team, user=admin, is_lead=True, reason="Dækker for Lise", actor=admin)
    change = MembershipChange.objects.get(kind=MembershipChangeKind.LEAD_GIVEN)
    assert (change.self_granted, change.reason) == (True, "Dækker for Lise")


def test_adding_oneself_with_a_reason_is_kept_as_a_self_granted_change():
    team = TeamFactory()
    admin = UserFactory(admin=True)

    membership = team_add_member(
        team=team, user=admin, reason="Sag 2026-114: tilsyn med journalføring", actor=admin
    )

    assert (membership.granted_by, membership.reason) == (
        admin,
        "Sag 2026-114: tilsyn med journalføring",
    )
    change = MembershipChange.objects.get()
    assert change.kind == MembershipChangeKind.ADDED
    assert (change.team, change.user, change.actor) == (team, admin, admin)
    assert change.self_granted
    assert change.reason == "Sag 2026-114: tilsyn med journalføring"


def test_adding_someone_else_needs_no_reason_and_is_not_self_granted():
    team = TeamFactory()
    admin, worker = UserFactory(admin=True), UserFactory(bridge_builder=True)

    team_add_member(team=team, user=worker, actor=admin)

    change = MembershipChange.objects.get()
    assert (change.user, change.actor, change.self_granted) == (worker, admin, False)


def test_every_membership_change_writes_an_audit_row_and_a_change():
    team = TeamFactory()
    admin, worker = UserFactory(admin=True), UserFactory(bridge_builder=True)
    events_before = AuditEvent.objects.count()

    team_add_member(team=team, user=worker, actor=admin)
    team_add_member(team=team, user=worker, is_lead=True, actor=admin)
    team_add_member(team=team, user=worker, is_lead=False, actor=admin)
    team_remove_member(team=team, user=worker, actor=admin)

    events = AuditEvent.objects.order_by("created_at")[events_before:]
    assert [(e.action, e.actor, e.content_type.model) for e in events] == [
        (AuditAction.CREATE, admin, "membership"),
        (AuditAction.UPDATE, admin, "membership"),
        (AuditAction.UPDATE, admin, "membership"),
        (AuditAction.DELETE, admin, "membership"),
    ]
    assert list(
        MembershipChange.objects.order_by("created_at").values_list("kind", "user", "actor")
    ) == [
        (MembershipChangeKind.ADDED, worker.pk, admin.pk),
        (MembershipChangeKind.LEAD_GIVEN, worker.pk, admin.pk),
        (MembershipChangeKind.LEAD_TAKEN, worker.pk, admin.pk),
        (MembershipChangeKind.REMOVED, worker.pk, admin.pk),
    ]


def test_a_self_granted_change_without_a_reason_cannot_be_stored_at_all():
    team = TeamFactory()
    admin = UserFactory(admin=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipChange.objects.create(
            kind=MembershipChangeKind.ADDED, team=team, user=admin, actor=admin, self_granted=True
        )


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
