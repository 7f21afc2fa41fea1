import pytest
from django.core.management import CommandError, call_command

from accounts.constants import Role
from accounts.models import Organisation, Team, User
from audit.models import AuditEvent

pytestmark = pytest.mark.django_db

DEMO_USERS = {
    "brobygger": Role.BRIDGE_BUILDER,
    "hjemmepleje": Role.HOME_CARE,
    "koordinator": Role.COORDINATOR,
    "laege": Role.REFERRER,
    "admin": Role.ADMIN,
    # A second team of each kind, with its own people.
    "brobygger2": Role.BRIDGE_BUILDER,
    "hjemmepleje2": Role.HOME_CARE,
    "koordinator2": Role.COORDINATOR,
    "laege2": Role.REFERRER,
    # Hjemmeplejen Nord's nøgleperson, who checks its screenings a second time.
    "noegleperson": Role.AMBASSADOR,
}


def test_seed_demo_creates_the_demo_municipality_and_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (
        User.objects.count(),
        Team.objects.count(),
        Organisation.objects.count(),
        AuditEvent.objects.count(),
    )

    call_command("seed_demo")

    assert (
        User.objects.count(),
        Team.objects.count(),
        Organisation.objects.count(),
        AuditEvent.objects.count(),
    ) == counts
    for username, role in DEMO_USERS.items():
        user = User.objects.get(username=username)
        assert user.roles == {role}
        assert user.check_password("brobyg-demo")
        assert user.teams.exists()
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert {"municipality", "volunteer_centre", "association", "general_practice"} <= kinds
    assert Organisation.objects.filter(kind="association").count() == 2
    for kind in ("home_care", "bridge_builders", "volunteer_coordination", "general_practice"):
        assert Team.objects.filter(kind=kind).count() == 2, kind
    # Something to settle: a possible duplicate and another team's request.
    from referrals.models import PossibleDuplicate, TeamAccessRequest

    assert PossibleDuplicate.objects.count() == 1
    assert TeamAccessRequest.objects.filter(status="pending").count() == 1


def test_seed_demo_refuses_a_real_installation_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="--force"):
        call_command("seed_demo")
    assert not User.objects.exists()
    call_command("seed_demo", "--force")
    assert User.objects.filter(username="admin").exists()


def test_the_demo_users_sign_in_with_the_published_two_factor_key(settings, client, capsys):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert TOTPDevice.objects.filter(confirmed=True).count() == len(DEMO_USERS)

    capsys.readouterr()
    call_command("demo_code")
    code = capsys.readouterr().out.strip()
    assert len(code) == 6 and code.isdigit()

    settings.DEBUG = False
    settings.BROBYG_REQUIRE_2FA = True
    client.post("/konto/log-ind/", {"username": "laege", "password": "brobyg-demo"})
    assert client.get("/henvisninger/").status_code == 302
    assert client.post("/konto/to-trin/", {"token": code}).status_code == 302
    assert client.get("/henvisninger/").status_code == 200


def test_demo_codes_are_for_a_developers_machine_only(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("demo_code")
