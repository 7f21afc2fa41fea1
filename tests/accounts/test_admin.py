"""The municipality's administrator manages people through roles, and cannot widen their own."""

import pytest
from django.contrib.auth.models import Group

from accounts.constants import MembershipChangeKind, Role
from accounts.models import Membership, MembershipChange, User
from accounts.roles import ROLE_PERMISSIONS
from audit.constants import AuditAction
from audit.models import AuditEvent
from tests.accounts.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = UserFactory(admin=True, username="anna")
    client.force_login(admin)
    client.admin = admin
    return client


def _user_form(user, **changes):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "preferred_language": "da",
        "phone": "",
        "reminder_preference": "each",
        "groups": [g.pk for g in user.groups.all()],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "08:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def test_an_administrator_cannot_make_themself_superuser(admin_client):
    admin = admin_client.admin
    url = f"/django-admin/accounts/user/{admin.pk}/change/"
    form = admin_client.get(url).content.decode()
    assert 'name="is_superuser"' not in form
    assert 'name="user_permissions"' not in form

    admin_client.post(url, _user_form(admin, is_superuser="on", is_staff="on"))

    admin.refresh_from_db()
    assert not admin.is_superuser
    assert not admin.user_permissions.exists()


def test_roles_given_in_the_admin_go_through_the_service_and_are_audited(admin_client):
    worker = UserFactory(home_care=True)
    url = f"/django-admin/accounts/user/{worker.pk}/change/"
    admin_group = Group.objects.get(name=Role.ADMIN)

    response = admin_client.post(url, _user_form(worker, groups=[admin_group.pk]))

    assert response.status_code == 302
    worker = User.objects.get(pk=worker.pk)
    assert worker.roles == {Role.ADMIN}
    assert worker.is_staff  # kept in step with the role
    assert AuditEvent.objects.filter(
        actor=admin_client.admin, action=AuditAction.UPDATE, object_id=str(worker.pk)
    ).exists()


def test_only_role_groups_can_be_given_and_superusers_are_out_of_reach(admin_client):
    Group.objects.create(name="operators")
    root = User.objects.create_superuser("root", "root@example.invalid", "x-long-password")
    form = admin_client.get(f"/django-admin/accounts/user/{admin_client.admin.pk}/change/")
    assert "operators" not in form.content.decode()
    assert admin_client.get(f"/django-admin/accounts/user/{root.pk}/change/").status_code in (
        302,
        404,
    )


def test_no_role_may_read_or_issue_api_tokens_or_touch_permissions():
    for role, labels in ROLE_PERMISSIONS.items():
        assert not [label for label in labels if label.startswith(("authtoken.", "auth."))], role


def test_the_admin_role_has_no_access_to_citizens():
    assert not [label for label in ROLE_PERMISSIONS[Role.ADMIN] if label.startswith("referrals.")]


def test_a_shared_tablet_account_is_exempted_in_the_admin_and_it_is_audited(admin_client):
    tablet = UserFactory(home_care=True, username="tablet-nord")
    url = f"/django-admin/accounts/user/{tablet.pk}/change/"
    assert "Totrinslogin" in admin_client.get(url).content.decode()

    response = admin_client.post(url, _user_form(tablet, two_factor_exempt="on"))

    assert response.status_code == 302
    assert User.objects.get(pk=tablet.pk).two_factor_exempt
    event = AuditEvent.objects.get(
        actor=admin_client.admin, action=AuditAction.UPDATE, object_id=str(tablet.pk)
    )
    assert "two_factor_exempt" in event.fields


def test_an_administrator_account_cannot_be_exempted_in_the_admin(admin_client):
    other_admin = UserFactory(admin=True)
    url = f"/django-admin/accounts/user/{other_admin.pk}/change/"
    response = admin_client.post(url, _user_form(other_admin, two_factor_exempt="on"))
    assert response.status_code == 200  # the form again, with the error
    assert "En administrator logger altid ind med to trin" in response.content.decode()
    assert not User.objects.get(pk=other_admin.pk).two_factor_exempt


def test_the_admin_resets_a_lost_phone_for_the_selected_users(admin_client):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    worker = UserFactory(bridge_builder=True)
    TOTPDevice.objects.create(user=worker, name="Brobyg", confirmed=True)
    response = admin_client.post(
        "/django-admin/accounts/user/",
        {"action": "reset_two_factor", "_selected_action": [worker.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=worker).exists()
    assert AuditEvent.objects.filter(
        actor=admin_client.admin, action=AuditAction.TWO_FACTOR_RESET, object_id=str(worker.pk)
    ).exists()


def test_an_administrator_can_unlock_a_locked_out_user_name():
    assert {"axes.view_accessattempt", "axes.delete_accessattempt"} <= set(
        ROLE_PERMISSIONS[Role.ADMIN]
    )


# --- Team memberships in the admin go through the services ---------------------------------------


def _membership_rows(*rows, initial=0):
    """The membership inline's POST data: one dict per row (existing rows first)."""
    data = {
        "memberships-TOTAL_FORMS": str(len(rows)),
        "memberships-INITIAL_FORMS": str(initial),
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            if value is True:
                value = "on"
            if value is not False:
                data[f"memberships-{index}-{name}"] = value
    return data


def _team_form(team, *rows, initial=0):
    data = {
        "organisation": str(team.organisation_id),
        "name": team.name,
        "kind": team.kind,
        "email": team.email,
    }
    data.update(_membership_rows(*rows, initial=initial))
    return data


def test_an_administrator_adding_themself_to_a_team_must_give_a_reason(admin_client):
    admin = admin_client.admin
    team = TeamFactory(name="Brobyggerne Vest")
    url = f"/django-admin/accounts/user/{admin.pk}/change/"
    row = {"id": "", "user": str(admin.pk), "team": str(team.pk), "is_lead": False, "reason": ""}
    assert 'name="memberships-0-reason"' in admin_client.get(url).content.decode()

    # given no reason: the form again, saying what is missing, and nothing saved
    response = admin_client.post(url, _user_form(admin) | _membership_rows(row))

    assert response.status_code == 200
    assert "Du giver dig selv adgang til teamets borgere. Skriv hvorfor" in (
        response.content.decode()
    )
    assert not Membership.objects.filter(user=admin).exists()
    assert not MembershipChange.objects.exists()

    # given a reason: saved, with who granted it and why
    row["reason"] = "Tilsyn med journalføring, sag 2026-114"
    response = admin_client.post(url, _user_form(admin) | _membership_rows(row))

    assert response.status_code == 302
    membership = Membership.objects.get(user=admin, team=team)
    assert (membership.granted_by, membership.reason) == (
        admin,
        "Tilsyn med journalføring, sag 2026-114",
    )
    change = MembershipChange.objects.get()
    assert (change.kind, change.self_granted, change.actor) == (
        MembershipChangeKind.ADDED,
        True,
        admin,
    )
    assert AuditEvent.objects.filter(
        actor=admin, action=AuditAction.CREATE, object_id=str(membership.pk)
    ).exists()


def test_memberships_changed_on_the_team_page_are_recorded(admin_client):
    admin = admin_client.admin
    team = TeamFactory()
    leaving = UserFactory(bridge_builder=True, team=team)
    joining = UserFactory(bridge_builder=True)
    leaving_membership = Membership.objects.get(user=leaving)
    url = f"/django-admin/accounts/team/{team.pk}/change/"

    response = admin_client.post(
        url,
        _team_form(
            team,
            {
                "id": str(leaving_membership.pk),
                "team": str(team.pk),
                "user": str(leaving.pk),
                "DELETE": True,
            },
            {"id": "", "team": str(team.pk), "user": str(joining.pk), "is_lead": True},
            initial=1,
        ),
    )

    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    assert list(team.memberships.values_list("user", "is_lead")) == [(joining.pk, True)]
    changes = MembershipChange.objects.filter(actor=admin)
    assert set(changes.values_list("kind", "user", "is_lead", "self_granted")) == {
        (MembershipChangeKind.REMOVED, leaving.pk, False, False),
        (MembershipChangeKind.ADDED, joining.pk, True, False),
    }
    assert set(
        AuditEvent.objects.filter(actor=admin, content_type__model="membership").values_list(
            "action", flat=True
        )
    ) == {AuditAction.CREATE, AuditAction.DELETE}


def test_a_team_lead_flag_set_in_the_admin_is_recorded(admin_client):
    admin = admin_client.admin
    team = TeamFactory()
    worker = UserFactory(bridge_builder=True, team=team)
    membership = Membership.objects.get(user=worker)
    row = {"id": str(membership.pk), "user": str(worker.pk), "team": str(team.pk)}

    response = admin_client.post(
        f"/django-admin/accounts/user/{worker.pk}/change/",
        _user_form(worker) | _membership_rows(row | {"is_lead": True}, initial=1),
    )

    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).is_lead
    change = MembershipChange.objects.get(actor=admin)
    assert (change.kind, change.user) == (MembershipChangeKind.LEAD_GIVEN, worker)


def test_a_team_with_members_is_emptied_before_it_can_be_deleted(admin_client):
    team = TeamFactory()
    UserFactory(bridge_builder=True, team=team)
    assert admin_client.get(f"/django-admin/accounts/team/{team.pk}/delete/").status_code == 403
    response = admin_client.get("/django-admin/accounts/team/")
    assert "delete_selected" not in response.content.decode()
