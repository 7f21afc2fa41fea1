"""The municipality's administrator manages people through roles, and cannot widen their own."""

import pytest
from django.contrib.auth.models import Group

from accounts.constants import Role
from accounts.models import User
from accounts.roles import ROLE_PERMISSIONS
from audit.constants import AuditAction
from audit.models import AuditEvent
from tests.accounts.factories import UserFactory

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
