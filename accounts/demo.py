"""Demo organisations, teams and the demo users. Idempotent: looks up before it creates."""

from accounts.constants import ApiScope, OrganisationKind, Role, TeamKind
from accounts.models import Organisation, Team, User
from accounts.services import (
    organisation_create,
    service_account_create,
    service_account_username,
    service_token_issue,
    team_add_member,
    team_create,
    user_create,
    user_set_roles,
)
from core.demo import DEMO_PASSWORD

ORGANISATIONS = [
    # (name, kind)
    ("Brobjerg Kommune", OrganisationKind.MUNICIPALITY),
    ("Frivilligcenter Brobjerg", OrganisationKind.VOLUNTEER_CENTRE),
    ("Ældrefællesskabet Brobjerg", OrganisationKind.ASSOCIATION),
    ("Gå-klubben Solsikken", OrganisationKind.ASSOCIATION),
    ("Lægerne i Torvegade", OrganisationKind.GENERAL_PRACTICE),
]

TEAMS = [
    # (organisation, team, kind)
    ("Brobjerg Kommune", "Brobyggerne", TeamKind.BRIDGE_BUILDERS),
    ("Brobjerg Kommune", "Hjemmeplejen Nord", TeamKind.HOME_CARE),
    ("Brobjerg Kommune", "Administration", TeamKind.ADMINISTRATION),
    ("Frivilligcenter Brobjerg", "Frivilligkoordinering", TeamKind.VOLUNTEER_COORDINATION),
    ("Lægerne i Torvegade", "Lægepraksis", TeamKind.GENERAL_PRACTICE),
    # A second team of each kind: what one team has, the other never sees without asking.
    ("Brobjerg Kommune", "Brobyggerne Syd", TeamKind.BRIDGE_BUILDERS),
    ("Brobjerg Kommune", "Hjemmeplejen Syd", TeamKind.HOME_CARE),
    ("Frivilligcenter Brobjerg", "Frivilligkoordinering Syd", TeamKind.VOLUNTEER_COORDINATION),
    ("Lægerne i Torvegade", "Lægepraksis Havnen", TeamKind.GENERAL_PRACTICE),
]

USERS = [
    # (username, first, last, role, team, lead)
    ("brobygger", "Bente", "Brobygger", Role.BRIDGE_BUILDER, "Brobyggerne", True),
    ("hjemmepleje", "Hanne", "Hjemmepleje", Role.HOME_CARE, "Hjemmeplejen Nord", False),
    ("koordinator", "Karim", "Koordinator", Role.COORDINATOR, "Frivilligkoordinering", True),
    ("laege", "Lars", "Læge", Role.REFERRER, "Lægepraksis", False),
    ("admin", "Anna", "Administrator", Role.ADMIN, "Administration", True),
    ("brobygger2", "Bo", "Brobygger", Role.BRIDGE_BUILDER, "Brobyggerne Syd", True),
    ("hjemmepleje2", "Hans", "Hjemmepleje", Role.HOME_CARE, "Hjemmeplejen Syd", False),
    ("koordinator2", "Kamilla", "Koordinator", Role.COORDINATOR, "Frivilligkoordinering Syd", True),
    ("laege2", "Lene", "Læge", Role.REFERRER, "Lægepraksis Havnen", False),
    # Holstebro's nøgleperson: checks Hjemmeplejen Nord's screenings a second time.
    ("noegleperson", "Nanna", "Nøgleperson", Role.AMBASSADOR, "Hjemmeplejen Nord", False),
]


# A GP system that sends referrals through the API (a service account). Its token is shown to
# nobody; `python manage.py create_service_account "Lægesystem (demo)" --scope referrals:create`
# prints a new one for it.
DEMO_SERVICE_ACCOUNT = ("Lægesystem (demo)", [ApiScope.REFERRALS_CREATE])

# The demo users' authenticator key, published like their password (README.md): add it to an
# authenticator app, or run `python manage.py demo_code` for the current code.
DEMO_TOTP_KEY_HEX = b"brobyg-demo-2fa-key!".hex()
DEMO_TOTP_KEY_BASE32 = "MJZG6YTZM4WWIZLNN4WTEZTBFVVWK6JB"


def _demo_authenticator(user: User) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(
            user=user, name="Brobyg demo", key=DEMO_TOTP_KEY_HEX, confirmed=True
        )


def seed_accounts() -> None:
    organisations = {}
    for name, kind in ORGANISATIONS:
        organisations[name] = Organisation.objects.filter(
            name=name, kind=kind
        ).first() or organisation_create(name=name, kind=kind, municipality_code="999")
    teams = {}
    for organisation_name, name, kind in TEAMS:
        organisation = organisations[organisation_name]
        teams[name] = Team.objects.filter(
            organisation=organisation, name=name
        ).first() or team_create(organisation=organisation, name=name, kind=kind)
    for username, first, last, role, team_name, lead in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first,
                last_name=last,
                email=f"{username}@brobyg.invalid",
                roles=[role],
            )
        elif not user.has_role(role):
            user_set_roles(user=user, roles=[*user.roles, role])
        team_add_member(team=teams[team_name], user=user, is_lead=lead)
        _demo_authenticator(user)
    _demo_service_account()


def _demo_service_account() -> None:
    name, scopes = DEMO_SERVICE_ACCOUNT
    if not User.objects.filter(username=service_account_username(name)).exists():
        account = service_account_create(name=name)
        # The admin shows the token (its first characters, scope, expiry); its key is not kept.
        service_token_issue(account=account, scopes=scopes)
