"""Who may open what: every page and endpoint × every role → the status they get.

One table for the whole system. Add a row for each page or endpoint you add: the URL (with
{placeholders} from the `world` fixture below), the method, the status most roles get, and the
roles that get something else. Roles: anonymous, brobygger, hjemmepleje, koordinator, laege,
admin, noegleperson (the demo users' roles). A POST is sent with an empty body, so an allowed
role usually gets the form back with its errors (400) and a refused one 403.

Statuses: 200 opens, 302 is sent to sign in (anonymous) or away, 400 is allowed but the empty
input is refused, 401 the API wants a token, 403 refused, 404 not visible to this caller.
"""

from dataclasses import dataclass, field

import pytest
from django.test import Client
from rest_framework.test import APIClient

from accounts.constants import Role
from followups.models import Task
from referrals import services as referral_services
from referrals.identity import team_access_request
from referrals.models import PossibleDuplicate
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import make_referral
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "brobygger", "hjemmepleje", "koordinator", "laege", "admin", "noegleperson"]
ROLE_OF = {
    "brobygger": Role.BRIDGE_BUILDER,
    "hjemmepleje": Role.HOME_CARE,
    "koordinator": Role.COORDINATOR,
    "laege": Role.REFERRER,
    "admin": Role.ADMIN,
    "noegleperson": Role.AMBASSADOR,
}


@dataclass(frozen=True)
class Row:
    method: str
    url: str
    default: int  # what every signed-in role not named in `roles` gets
    roles: dict = field(default_factory=dict)
    anonymous: int | None = None  # None: 302 for pages, 401 for the API

    def expected(self, role: str) -> int:
        if role == "anonymous":
            if self.anonymous is not None:
                return self.anonymous
            return 401 if self.url.startswith("/api/") else 302
        return self.roles.get(role, self.default)

    @property
    def id(self) -> str:
        return f"{self.method} {self.url}"


def row(method, url, default=403, anonymous=None, **roles) -> Row:
    return Row(method, url, default, roles, anonymous)


BUILDER_ONLY = {"brobygger": 200}
BUILDER_POST = {"brobygger": 400}
PRIVACY = {"admin": 200}

TABLE = [
    # --- Public ---------------------------------------------------------------------------------
    row("GET", "/konto/log-ind/", 302, anonymous=200),  # signed in already: sent on
    row("GET", "/henvis/", 200, anonymous=200),
    row("GET", "/health/", 200, anonymous=200),
    row("GET", "/api/schema/", 200, anonymous=200),
    row("GET", "/api/docs/", 200, anonymous=200),
    # --- Start and account --------------------------------------------------------------------
    row("GET", "/", 200),
    row("GET", "/konto/adgangskode/", 200),
    row("POST", "/konto/log-ud-alle-steder/", 302),  # back to the password page, still signed in
    # Two-factor pages send a user who owes no code on (the suite runs without two-factor).
    row("GET", "/konto/to-trin/", 302),
    row("GET", "/konto/to-trin/opsaet/", 302),
    # --- Referrals ----------------------------------------------------------------------------
    row("GET", "/henvisninger/", 403, brobygger=200, hjemmepleje=200, laege=200),
    row("GET", "/henvisninger/ny/", 403, brobygger=200, hjemmepleje=200, laege=200),
    row("POST", "/henvisninger/ny/", 403, brobygger=200, hjemmepleje=200, laege=200),
    row("GET", "/henvisninger/{referral}/", 404, brobygger=200, laege=200),
    # --- The case (bridge-builders on the case's team only) -----------------------------------
    row("GET", "/forloeb/", 403, **BUILDER_ONLY),
    row("GET", "/forloeb/team/", 403, **BUILDER_ONLY),
    row("GET", "/forloeb/{case}/", 403, **BUILDER_ONLY),
    row("GET", "/forloeb/{case}/borger/", 403, **BUILDER_ONLY),
    row("POST", "/forloeb/{case}/status/", 403, **BUILDER_POST),
    row("POST", "/forloeb/{case}/luk/", 403, **BUILDER_POST),
    row("POST", "/forloeb/{case}/tildel/", 403, brobygger=302),
    row("POST", "/forloeb/{case}/tag/", 403, brobygger=302),
    row("POST", "/forloeb/{case}/kontakt/", 403, **BUILDER_POST),
    row("POST", "/forloeb/{case}/notat/", 403, **BUILDER_POST),
    row("POST", "/forloeb/{case}/samtykke/", 403, **BUILDER_POST),
    row("POST", "/forloeb/{case}/netvaerk/", 403, **BUILDER_POST),
    row("POST", "/forloeb/{case}/plan/", 403, **BUILDER_POST),
    row("POST", "/forloeb/{case}/netvaerk/{person}/fjern/", 403, brobygger=302),
    row("POST", "/forloeb/{case}/plan/{step}/udfoert/", 403, brobygger=302),
    row("POST", "/forloeb/{case}/samtykke/{consent}/tilbagekald/", 403, brobygger=302),
    # --- Who a citizen is: other teams' requests and possible duplicates -------------------------
    row("GET", "/afklaring/", 403, brobygger=200, hjemmepleje=200),
    row("GET", "/afklaring/dublet/{duplicate}/", 403, brobygger=200, hjemmepleje=404),
    row("POST", "/afklaring/dublet/{duplicate}/", 403, brobygger=400, hjemmepleje=404),
    # Only the team that has the citizen answers (an empty answer is sent back with a message).
    row("POST", "/afklaring/anmodning/{access_request}/", 403, brobygger=404, hjemmepleje=302),
    # --- Screening (home care on their own team's citizens) -----------------------------------
    row("GET", "/screening/", 403, hjemmepleje=200),
    row("GET", "/screening/tavle/", 403, hjemmepleje=200),
    row("GET", "/screening/borgere/ny/", 403, hjemmepleje=200),
    row("GET", "/screening/borgere/{home_citizen}/", 403, brobygger=404, hjemmepleje=200),
    row("GET", "/screening/borgere/{home_citizen}/screen/", 403, brobygger=404, hjemmepleje=200),
    row("GET", "/screening/borgere/{citizen}/", 403, brobygger=200, hjemmepleje=404),
    row("POST", "/screening/tavle/tildel/", 403, hjemmepleje=404),  # no team in the empty body
    row("POST", "/screening/borgere/{home_citizen}/hjemmehjaelp/", 403, hjemmepleje=302),
    # A home-care team's lead or the administrator imports hours (hjemmepleje is no lead).
    row("GET", "/screening/hjemmehjaelp/import/", 403, admin=200),
    row("POST", "/screening/hjemmehjaelp/import/", 403, admin=404),  # no team in the body
    row("POST", "/screening/hjemmehjaelp/import/godkend/", 403, admin=404),
    # The ambassador's quality check of the team's screenings.
    row("GET", "/screening/kvalitet/", 403, noegleperson=200),
    row("POST", "/screening/kvalitet/{quality_check}/", 403, noegleperson=302),
    row(
        "POST",
        "/screening/borgere/{home_citizen}/opgaver/{task}/udfoert/",
        403,
        brobygger=404,
        hjemmepleje=302,
        koordinator=404,  # may finish their own tasks, and this is not one of them
    ),
    # --- Offers, volunteers and matching --------------------------------------------------------
    row("GET", "/tilbud/", 200, anonymous=200),
    row("GET", "/bekraeft/not-a-link/", 410, anonymous=410),  # the e-mailed link needs no sign-in
    row("GET", "/forloeb/{case}/match/", 403, **BUILDER_ONLY),
    row("POST", "/forloeb/{case}/match/oensker/", 403, **BUILDER_POST),
    row("POST", "/forloeb/{case}/match/foreslaa/", 403, brobygger=302),
    row("POST", "/forloeb/{case}/behov/", 403, **BUILDER_POST),
    row("GET", "/behov/", 403, koordinator=200, admin=200),
    row("GET", "/koordinering/", 403, koordinator=200),
    # A bridge-builder may create a community they host (a network café, a practice community),
    # from their start page; the list of the volunteer centre's offers is the coordinators'.
    row("GET", "/koordinering/tilbud/", 403, koordinator=200),
    row("GET", "/koordinering/tilbud/nyt/", 403, brobygger=200, koordinator=200),
    row("POST", "/koordinering/tilbud/nyt/", 403, brobygger=400, koordinator=400),
    row("GET", "/frivillige/", 403, koordinator=200),
    row("GET", "/frivillige/ny/", 403, koordinator=200),
    row("GET", "/frivillige/venteliste/", 403, brobygger=200, koordinator=200),
    # --- Follow-up ------------------------------------------------------------------------------
    row("GET", "/opgaver/", 403, brobygger=200, hjemmepleje=200, koordinator=200),
    # Taking a task from the team's queue: someone who may see it (it is held already: back).
    row("POST", "/opgaver/{task}/tag/", 403, brobygger=404, hjemmepleje=302, koordinator=404),
    row("POST", "/opgaver/beskeder/send-igen/", 403, admin=302),
    # --- Administration and data protection ---------------------------------------------------
    row("GET", "/revision/", 403, admin=200),
    row("GET", "/django-admin/", 302, admin=200),
    row("GET", "/databeskyttelse/", 403, **PRIVACY),
    row("GET", "/databeskyttelse/sletning/", 403, **PRIVACY),
    row("GET", "/databeskyttelse/borgere/{citizen}/", 403, **PRIVACY),
    row("GET", "/databeskyttelse/borgere/{citizen}/adgang/", 403, **PRIVACY),
    row("GET", "/databeskyttelse/borgere/{citizen}/indsigt/", 403, **PRIVACY),
    row("GET", "/databeskyttelse/borgere/{citizen}/indsigt.json", 403, **PRIVACY),
    row("GET", "/databeskyttelse/borgere/{citizen}/slet/", 403, **PRIVACY),
    row("POST", "/databeskyttelse/borgere/{citizen}/slet/", 403, admin=400),
    # --- API ----------------------------------------------------------------------------------
    row("POST", "/api/v1/auth/token/", 400, anonymous=400),
    row("GET", "/api/v1/me/", 200),
    row("GET", "/api/v1/referrals/", 200),
    row("POST", "/api/v1/referrals/", 403, brobygger=400, hjemmepleje=400, laege=400),
    row("GET", "/api/v1/referrals/{referral}/", 404, brobygger=200, laege=200),
    row("GET", "/api/v1/citizens/", 403, brobygger=200, hjemmepleje=200),
    row("GET", "/api/v1/citizens/{citizen}/", 403, brobygger=200, hjemmepleje=404),
    row("GET", "/api/v1/citizens/{home_citizen}/", 403, brobygger=404, hjemmepleje=200),
    row("GET", "/api/v1/screenings/", 403, brobygger=200, hjemmepleje=200),
    row("POST", "/api/v1/screenings/", 403, brobygger=400, hjemmepleje=400),
    row("GET", "/api/v1/citizens/{citizen}/suggestions/", 403, brobygger=200),
    row("GET", "/api/v1/offers/", 200, anonymous=200),
    row("GET", "/api/v1/offers/hsds/", 200, anonymous=200),
    row("GET", "/api/v1/tasks/", 403, brobygger=200, hjemmepleje=200, koordinator=200),
]


@pytest.fixture
def world():
    """One of each thing, visible to the bridge-builders' team or the home-care team."""
    bridge_team, home_team = TeamFactory(), TeamFactory(home_care=True)
    users = {
        "brobygger": UserFactory(bridge_builder=True, team=bridge_team, lead=True),
        "hjemmepleje": UserFactory(home_care=True, team=home_team),
        "koordinator": UserFactory(coordinator=True),
        "laege": UserFactory(referrer=True),
        "admin": UserFactory(admin=True),
        "noegleperson": UserFactory(role=Role.AMBASSADOR, team=home_team),
    }
    builder = users["brobygger"]
    referral = make_referral(team=bridge_team, referrer=users["laege"]).referral
    case = referral.case
    person = referral_services.network_person_add(
        case=case, kind="friend", name="Naboen", closeness=2, actor=builder
    )
    step = referral_services.plan_step_add(
        case=case, description="Ring til klubben", responsible="Bente", actor=builder
    )
    home_citizen = home_care_citizen(team=home_team)
    screening = screen(citizen=home_citizen, by=users["hjemmepleje"], answers=(3, 3, 3))
    # "Hardly ever" to everything at a first screening: a quality check for the ambassador.
    flagged = screen(
        citizen=home_care_citizen(team=home_team), by=users["hjemmepleje"], answers=(1, 1, 1)
    )
    # A second record with the case's citizen's name and birth date, and another home-care
    # team asking for the home-care team's citizen.
    citizen = case.citizen
    make_referral(
        team=bridge_team,
        first_name=citizen.first_name,
        last_name=citizen.last_name,
        birth_date=citizen.birth_date,
    )
    other_home = TeamFactory(home_care=True)
    access_request = team_access_request(
        citizen=home_citizen,
        team=other_home,
        actor=UserFactory(home_care=True, team=other_home),
    )
    return {
        "users": users,
        "ids": {
            "referral": referral.pk,
            "case": case.pk,
            "citizen": case.citizen_id,
            "consent": referral.consent_id,
            "person": person.pk,
            "step": step.pk,
            "home_citizen": home_citizen.pk,
            "screening": screening.pk,
            "task": Task.objects.filter(citizen=home_citizen).first().pk,
            "duplicate": PossibleDuplicate.objects.get(other=citizen).pk,
            "access_request": access_request.pk,
            "quality_check": flagged.quality_check.pk,
        },
    }


def _client(world, role, api: bool):
    client = APIClient() if api else Client()
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


@pytest.mark.parametrize("entry", TABLE, ids=lambda r: r.id)
def test_every_role_gets_the_expected_status(world, entry):
    url = entry.url.format(**world["ids"])
    got = {}
    # Roles that are refused go first: a role that may act could change what the next one sees.
    for role in sorted(ROLES, key=lambda r: entry.expected(r) < 400):
        client = _client(world, role, api=url.startswith("/api/"))
        response = client.get(url) if entry.method == "GET" else client.post(url, {})
        got[role] = response.status_code
    expected = {role: entry.expected(role) for role in ROLES}
    assert got == expected


def test_the_table_names_real_roles():
    assert set(ROLE_OF.values()) == set(Role.values)
