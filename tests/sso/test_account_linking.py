"""An account made before single sign-on, and the person at the identity provider it belongs to.

At the first sign-in an ordinary account is taken over when the provider vouches for exactly its
e-mail address; an administrator's account only when an administrator has linked it in the
admin. Against the real provider (tests/sso/provider/), as in test_single_sign_on.py.
"""

# The fixtures of test_single_sign_on.py, imported by name, are the tests' arguments here.
# ruff: noqa: F811

import pytest

from accounts.constants import Role
from accounts.models import Membership, SingleSignOnIdentity, User
from accounts.services import team_add_member
from audit.constants import AuditAction
from audit.models import AuditEvent
from tests.accounts.factories import TeamFactory, UserFactory
from tests.sso.factories import SingleSignOnGroupFactory
from tests.sso.oidc_provider import oidc_provider  # noqa: F401 - the fixture
from tests.sso.test_single_sign_on import (  # noqa: F401 - the fixtures
    PROVIDER_PASSWORD,
    TWO_FACTORS,
    bridge_builders,
    nord,
    person,
    refusal,
    sign_in,
    sso,
)

pytestmark = pytest.mark.django_db

IDENTITIES = "/django-admin/accounts/singlesignonidentity/"


def _signed_in_user(client) -> User:
    return User.objects.get(pk=client.session["_auth_user_id"])


@pytest.mark.parametrize(
    "verified",
    [
        pytest.param(None, id="no email_verified (Entra ID never sends it)"),
        pytest.param("false", id="the string false"),
        pytest.param("true", id="the string true"),
        pytest.param(0, id="zero"),
        pytest.param(1, id="one"),
    ],
)
def test_an_address_the_provider_does_not_say_is_verified_takes_over_no_account(
    client, sso, bridge_builders, verified
):
    anna = UserFactory(username="anna", email="anna@kommune.example", referrer=True)
    claims = {
        "name": "Mallory M",
        "email": "anna@kommune.example",
        "groups": ["brobyg-brobyggere"],
        **TWO_FACTORS,
    }
    if verified is not None:  # None: the provider leaves the claim out
        claims["email_verified"] = verified
    sso.add_person(username="mallory", password=PROVIDER_PASSWORD, **claims)

    response = sign_in(client, "mallory")

    assert response.status_code == 302, refusal(response)
    assert _signed_in_user(client) != anna
    assert SingleSignOnIdentity.objects.get().user != anna
    assert User.objects.get(pk=anna.pk).roles == {Role.REFERRER}


@pytest.mark.parametrize(
    ("claimed", "local"),
    [
        pytest.param("anna@kommıne.example", "anna@kommine.example", id="dotless i"),
        pytest.param("ſanne@kommune.example", "sanne@kommune.example", id="long s"),
        pytest.param("karin@kommune.example", "\u212aarin@kommune.example", id="Kelvin sign"),
    ],
)
def test_a_look_alike_address_takes_over_no_account(client, sso, bridge_builders, claimed, local):
    # The database's case-insensitive comparison folds ı to I, ſ to S and the Kelvin sign to K.
    local_user = UserFactory(username="local", email=local, referrer=True)
    person(sso, "mallory", email=claimed, email_verified=True)

    response = sign_in(client, "mallory")

    assert response.status_code == 302, refusal(response)
    assert _signed_in_user(client) != local_user
    assert User.objects.get(pk=local_user.pk).roles == {Role.REFERRER}


@pytest.mark.parametrize("kind", ["admin", "staff", "superuser"])
def test_an_administrators_account_is_never_taken_over_by_e_mail(
    client, sso, bridge_builders, kind
):
    private_team = TeamFactory(name="Team uden single sign-on")
    anna = UserFactory(
        username="anna",
        email="anna@kommune.example",
        role=Role.ADMIN if kind == "admin" else Role.BRIDGE_BUILDER,
        team=private_team,
    )
    if kind != "admin":
        setattr(anna, f"is_{kind}", True)
        anna.save(update_fields=[f"is_{kind}"])
    roles_before = User.objects.get(pk=anna.pk).roles
    person(sso, "anna-at-the-provider", email="anna@kommune.example", email_verified=True)

    response = sign_in(client, "anna-at-the-provider")

    assert response.status_code == 302, refusal(response)
    assert _signed_in_user(client) != anna
    assert SingleSignOnIdentity.objects.get().user != anna
    assert User.objects.get(pk=anna.pk).roles == roles_before
    assert Membership.objects.filter(user=anna, team=private_team).exists()


def test_taking_over_an_account_keeps_only_the_teams_the_groups_give_and_is_in_the_audit_trail(
    client, sso, nord, bridge_builders
):
    private_team = TeamFactory(name="Team uden single sign-on")
    bente = UserFactory(
        username="bh", email="Bente@Kommune.example", referrer=True, team=private_team
    )
    person(sso, email="bente@kommune.example", email_verified=True)

    response = sign_in(client)

    assert response.status_code == 302, refusal(response)
    identity = SingleSignOnIdentity.objects.get()
    assert identity.user == bente
    # The team no mapping manages was the account's from before: the groups do not give it.
    assert list(Membership.objects.filter(user=bente).values_list("team", flat=True)) == [nord.pk]
    link = AuditEvent.objects.get(action=AuditAction.SINGLE_SIGN_ON_LINKED)
    assert link.actor is None  # the system, on the provider's word
    assert link.object_id == str(identity.pk)


def test_after_the_first_sign_in_teams_no_mapping_manages_stay_the_administrators(
    client, sso, nord, bridge_builders
):
    bente = UserFactory(username="bh", email="bente@kommune.example", referrer=True)
    person(sso)
    sign_in(client)
    client.logout()
    by_hand = TeamFactory(name="Et team uden for single sign-on")
    team_add_member(team=by_hand, user=bente)

    sign_in(client)

    assert set(Membership.objects.filter(user=bente).values_list("team", flat=True)) == {
        nord.pk,
        by_hand.pk,
    }


def test_an_administrator_links_an_administrators_account_in_the_admin(
    client, sso, nord, bridge_builders
):
    admins = TeamFactory(name="Administration")
    anna = UserFactory(username="anna", email="anna@kommune.example", admin=True, team=admins)
    SingleSignOnGroupFactory(name="brobyg-admins", role=Role.ADMIN)
    sub = person(sso, "anna-at-the-provider", groups=["brobyg-admins"], email_verified=True)
    operator = UserFactory(username="it", admin=True)
    client.force_login(operator)

    # given: the administrator links Anna's account to her person at the provider
    form = client.get(f"{IDENTITIES}add/")
    assert form.status_code == 200
    assert sso.issuer in form.content.decode()  # the configured provider, filled in
    response = client.post(
        f"{IDENTITIES}add/", {"user": anna.pk, "issuer": sso.issuer, "subject": sub}
    )

    assert response.status_code == 302, response.content.decode()
    identity = SingleSignOnIdentity.objects.get()
    assert (identity.user, identity.issuer, identity.subject) == (anna, sso.issuer, sub)
    assert identity.last_signed_in_at is None
    assert AuditEvent.objects.filter(
        action=AuditAction.SINGLE_SIGN_ON_LINKED, actor=operator, object_id=str(identity.pk)
    ).exists()
    client.logout()

    # when: Anna signs in through the provider
    response = sign_in(client, "anna-at-the-provider")

    # then: it is her account, with what her groups give
    assert response.status_code == 302, refusal(response)
    assert _signed_in_user(client) == anna
    assert User.objects.get(pk=anna.pk).roles == {Role.ADMIN}
    identity.refresh_from_db()
    assert identity.last_signed_in_at is not None
    assert User.objects.count() == 2


def test_a_linked_identity_is_refused_for_an_account_that_has_one_or_a_system(client, sso):
    operator = UserFactory(username="it", admin=True)
    client.force_login(operator)
    anna = UserFactory(username="anna", admin=True)
    client.post(f"{IDENTITIES}add/", {"user": anna.pk, "issuer": sso.issuer, "subject": "a-1"})

    taken = client.post(
        f"{IDENTITIES}add/", {"user": operator.pk, "issuer": sso.issuer, "subject": "a-1"}
    )
    superuser = UserFactory(username="root")
    superuser.is_superuser = True
    superuser.save(update_fields=["is_superuser"])
    operators_account = client.post(
        f"{IDENTITIES}add/", {"user": superuser.pk, "issuer": sso.issuer, "subject": "r-1"}
    )

    assert taken.status_code == 200  # the form again, with the error
    assert operators_account.status_code == 200
    assert list(SingleSignOnIdentity.objects.values_list("user", flat=True)) == [anna.pk]


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN])
def test_only_administrators_link_an_account(client, sso, role):
    worker = UserFactory(role=role)
    client.force_login(worker)

    response = client.post(
        f"{IDENTITIES}add/", {"user": worker.pk, "issuer": sso.issuer, "subject": "x"}
    )

    assert response.status_code in (302, 403)
    assert not SingleSignOnIdentity.objects.exists()
