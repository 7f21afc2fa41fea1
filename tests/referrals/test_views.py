import time

import pytest
from django.core import signing
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from audit.constants import AuditAction
from audit.models import AuditEvent
from referrals import services
from referrals.constants import CaseStatus
from referrals.forms import SelfReferralForm
from referrals.models import Case, CaseNote, Citizen, NetworkPerson, Referral
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral

pytestmark = pytest.mark.django_db

# The case page, signed in as its bridge-builder: sessions, user and permissions, the case and
# every section's rows (network, plan, exit criteria, timeline, consents, referrals, matches,
# tasks, the team's bridge-builders), the access log and the session's renewal.
CASE_PAGE_QUERIES = 27


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne")


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team, lead=True)


@pytest.fixture
def case(team):
    return make_referral(team=team, first_name="Inger", last_name="Madsen").referral.case


# --- Who may do what: one table ------------------------------------------------------------------

ROLES = [
    "bridge_builder",
    "other_team_builder",
    "home_care",
    "coordinator",
    "referrer",
    "admin",
    "anonymous",
]

REFERRAL_API_BODY = {
    "citizen": {"first_name": "Ny", "last_name": "Borger", "birth_date": "1950-05-05"},
    "source": "other",
    "reason": "Alene",
    "consent": {"given": True, "method": "verbal"},
}

# endpoint → expected status per role, in the order of ROLES
PERMISSIONS = {
    "case page": [200, 404, 403, 403, 403, 403, 302],
    "add note": [302, 404, 403, 403, 403, 403, 302],
    "add to network": [302, 404, 403, 403, 403, 403, 302],
    "edit citizen": [200, 404, 403, 403, 403, 403, 302],
    "record consent": [302, 404, 403, 403, 403, 403, 302],
    "caseload": [200, 200, 403, 403, 403, 403, 302],
    "team board": [200, 200, 403, 403, 403, 403, 302],
    "referral form": [200, 200, 200, 403, 200, 403, 302],
    "referral API": [201, 201, 201, 403, 201, 403, 401],
    "citizens API": [200, 200, 200, 403, 403, 403, 401],
    "citizen via API": [200, 404, 404, 403, 403, 403, 401],
}


def _user_for(role, team):
    if role == "anonymous":
        return None
    if role == "other_team_builder":
        return UserFactory(bridge_builder=True, team=bridge_team())
    return UserFactory(role=role, team=team)


def _call(endpoint, user, case):
    web, api = Client(), APIClient()
    if user is not None:
        web.force_login(user)
        api.force_authenticate(user)
    return {
        "case page": lambda: web.get(f"/forloeb/{case.pk}/"),
        "add note": lambda: web.post(f"/forloeb/{case.pk}/notat/", {"note-text": "Hej"}),
        "add to network": lambda: web.post(
            f"/forloeb/{case.pk}/netvaerk/",
            {"network-kind": "friend", "network-name": "Ib", "network-closeness": 2},
        ),
        "edit citizen": lambda: web.get(f"/forloeb/{case.pk}/borger/"),
        "record consent": lambda: web.post(
            f"/forloeb/{case.pk}/samtykke/",
            {"consent-purpose": "companion", "consent-method": "verbal"},
        ),
        "caseload": lambda: web.get("/forloeb/"),
        "team board": lambda: web.get("/forloeb/team/"),
        "referral form": lambda: web.get("/henvisninger/ny/"),
        "referral API": lambda: api.post("/api/v1/referrals/", REFERRAL_API_BODY, format="json"),
        "citizens API": lambda: api.get("/api/v1/citizens/"),
        "citizen via API": lambda: api.get(f"/api/v1/citizens/{case.citizen_id}/"),
    }[endpoint]()


@pytest.mark.parametrize("endpoint", list(PERMISSIONS))
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(team, case, endpoint, role):
    # The home-care worker is on the bridge-builders' team here but not the citizen's home-care
    # team: they may refer, and see the citizens API, but not this citizen or any case.
    user = _user_for(role, team)
    expected = PERMISSIONS[endpoint][ROLES.index(role)]
    response = _call(endpoint, user, case)
    assert response.status_code == expected, (endpoint, role, response.status_code)


def test_home_care_never_sees_the_bridge_builders_notes(team, case, builder):
    services.note_add(case=case, text="Fortroligt: taler om sin søn", actor=builder)
    home_carer = UserFactory(home_care=True, team=team)
    client = Client()
    client.force_login(home_carer)
    assert client.get(f"/forloeb/{case.pk}/").status_code == 403
    api = APIClient()
    api.force_authenticate(home_carer)
    assert "Fortroligt" not in api.get("/api/v1/citizens/").content.decode()


def test_the_referrer_sees_status_but_never_notes_or_network(team, builder):
    gp = UserFactory(referrer=True)
    referral = make_referral(team=team, referrer=gp).referral
    services.note_add(case=referral.case, text="Hemmelig note", actor=builder)
    services.network_person_add(
        case=referral.case, kind="family", name="Sønnen Peter", closeness=2, actor=builder
    )
    client = Client()
    client.force_login(gp)
    body = client.get(f"/henvisninger/{referral.pk}/").content.decode()
    assert "Modtaget" in body
    assert "Hemmelig note" not in body
    assert "Sønnen Peter" not in body
    api = APIClient()
    api.force_authenticate(gp)
    assert "Hemmelig" not in api.get(f"/api/v1/referrals/{referral.pk}/").content.decode()


# --- The case page ------------------------------------------------------------------------------


def test_opening_a_case_page_is_audited_as_a_read_of_the_citizen(team, case, builder):
    client = Client()
    client.force_login(builder)
    response = client.get(f"/forloeb/{case.pk}/")
    assert response.status_code == 200
    assert "Inger Madsen" in response.content.decode()
    assert AuditEvent.objects.filter(
        actor=builder, action=AuditAction.READ, subject_id=case.citizen_id
    ).exists()


def test_case_page_actions_change_the_case_and_come_back(team, case, builder):
    client = Client()
    client.force_login(builder)
    url = f"/forloeb/{case.pk}/"

    assert client.post(url + "tag/").status_code == 302

    def contact(when):
        return {"contact-kind": "phone", "contact-occurred_at": when, "contact-reached": "on"}

    response = client.post(url + "kontakt/", contact(""))
    assert response.status_code == 400  # the time is required
    response = client.post(url + "kontakt/", contact("2020-01-01T10:00"))
    assert response.status_code == 400
    assert "før henvisningen" in response.content.decode()
    from django.utils import timezone

    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    assert client.post(url + "kontakt/", contact(now)).status_code == 302
    assert client.post(url + "status/", {"status-status": "screening"}).status_code == 302
    response = client.post(url + "status/", {"status-status": "following_up"})
    assert response.status_code == 400
    assert client.post(url + "notat/", {"note-text": "Glad for opkaldet"}).status_code == 302
    plan = {"plan-description": "Ring til kortklubben", "plan-responsible": "Borgeren"}
    assert client.post(url + "plan/", plan).status_code == 302
    response = client.post(url + "luk/", {"close-reason": "other_help", "close-note": ""})
    assert response.status_code == 400
    assert client.post(url + "luk/", {"close-reason": ""}).status_code == 400

    case.refresh_from_db()
    assert case.assignee == builder
    assert case.status == CaseStatus.SCREENING
    assert case.first_contact_at is not None
    assert CaseNote.objects.filter(case=case).count() == 1
    timeline = client.get(url).content.decode()
    assert "Glad for opkaldet" in timeline
    assert "Kontaktet → Screening" in timeline


def test_network_people_and_plan_steps_from_another_citizen_are_not_found(team, case, builder):
    other = make_referral(team=team).referral.case
    person = services.network_person_add(
        case=other, kind="friend", name="Ib", closeness=2, actor=builder
    )
    client = Client()
    client.force_login(builder)
    response = client.post(f"/forloeb/{case.pk}/netvaerk/{person.pk}/fjern/")
    assert response.status_code == 404
    assert NetworkPerson.objects.filter(pk=person.pk).exists()


def test_case_actions_only_accept_post(team, case, builder):
    client = Client()
    client.force_login(builder)
    assert client.get(f"/forloeb/{case.pk}/notat/").status_code == 405


# --- Caseload and team board --------------------------------------------------------------------


def test_caseload_filters_searches_sorts_and_pages(team, builder):
    for index in range(30):
        c = make_referral(team=team, first_name=f"Person{index:02d}").referral.case
        services.case_assign(case=c, assignee=builder, actor=builder)
        if index % 3 == 0:
            services.contact_record(case=c, kind="phone", actor=builder)
    unassigned = make_referral(team=team, first_name="Ikketildelt").referral.case
    client = Client()
    client.force_login(builder)

    first_page = client.get("/forloeb/").context["page"]
    assert first_page.paginator.count == 30
    assert len(first_page) == 25
    assert unassigned not in first_page.object_list
    assert len(client.get("/forloeb/", {"page": 2}).context["page"]) == 5
    contacted = client.get("/forloeb/", {"status": "contacted"}).context["page"]
    assert contacted.paginator.count == 10
    found = client.get("/forloeb/", {"q": "person07"}).context["page"]
    assert [c.citizen.first_name for c in found] == ["Person07"]
    by_name = client.get("/forloeb/", {"sort": "name"}).context["page"]
    names = [c.citizen.first_name for c in by_name]
    assert names == sorted(names)
    newest = client.get("/forloeb/", {"sort": "newest"}).context["page"]
    assert newest[0].citizen.first_name == "Person29"


def test_caseload_query_count_is_the_same_for_1_and_200_cases(
    team, builder, django_assert_num_queries
):
    client = Client()
    client.force_login(builder)

    def add_cases(n):
        for _ in range(n):
            c = make_referral(team=team).referral.case
            services.case_assign(case=c, assignee=builder, actor=builder)

    add_cases(1)
    # 1 session, 2 user, 3 the user's teams, 4-5 own and group permissions, 6 count,
    # 7 the page of cases with citizen, bridge-builder and next due step in one query,
    # 8 the audit events for the rows shown (one insert), 9-11 saving the session
    with django_assert_num_queries(11):
        assert client.get("/forloeb/").context["page"].paginator.count == 1
    add_cases(199)
    with django_assert_num_queries(11):
        assert client.get("/forloeb/").context["page"].paginator.count == 200


def test_case_page_query_count_does_not_grow_with_the_course(
    team, builder, django_assert_max_num_queries
):
    from matching.services import match_propose
    from referrals.services import consent_give
    from tests.offers.factories import offer as make_offer

    case = make_referral(team=team).referral.case
    services.case_assign(case=case, assignee=builder, actor=builder)
    for _ in range(3):
        UserFactory(bridge_builder=True, team=team)
    client = Client()
    client.force_login(builder)
    url = f"/forloeb/{case.pk}/"
    client.get(url)

    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200

    # A long course: contacts, notes, network, plan, consents and matches on the timeline.
    for n in range(12):
        services.contact_record(case=case, kind="phone", actor=builder, note=f"Opkald {n}")
        services.note_add(case=case, text=f"Note {n}", actor=builder)
        services.network_person_add(
            case=case, kind="friend", name=f"Ven {n}", closeness=2, actor=builder
        )
        services.plan_step_add(
            case=case, description=f"Trin {n}", responsible="Bent", actor=builder
        )
        consent_give(citizen=case.citizen, purpose="companion", method="verbal", actor=builder)
        UserFactory(bridge_builder=True, team=team)
    for n in range(4):
        match_propose(case=case, offer=make_offer(title=f"Tilbud {n}"), actor=builder)

    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large) == len(small)
    # The case page's own reads, each one query whatever the course holds, and the one insert
    # for the access log (tests/referrals/test_not_now.py).
    with django_assert_max_num_queries(CASE_PAGE_QUERIES):
        client.get(url)


def test_the_team_board_shows_unassigned_referrals_first_and_one_tap_takes_them(team, builder):
    old = make_referral(team=team, first_name="Gammel").referral.case
    services.case_assign(case=old, assignee=builder, actor=builder)
    new = make_referral(team=team, first_name="Ny").referral.case
    client = Client()
    client.force_login(builder)

    rows = list(client.get("/forloeb/team/").context["page"])
    assert rows[0] == new

    response = client.post(f"/forloeb/{new.pk}/tag/")
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.assignee == builder


# --- Referral intake on the web -----------------------------------------------------------------


def _referral_form(**overrides):
    data = {
        "first_name": "Inger",
        "last_name": "Madsen",
        "birth_date": "1941-03-14",
        "phone": "+45 20 30 40 50",
        "postcode": "5000",
        "preferred_language": "da",
        "source": "gp",
        "reason": "Alene siden mandens død",
        "life_transitions": ["bereavement"],
        "urgency": "normal",
        "consent_given": "on",
        "consent_method": "verbal",
        "consent_given_at": "2026-11-20T10:00",
        "feedback_consent": "on",
    }
    data.update(overrides)
    return data


def test_a_gp_refers_on_the_web_form_and_sees_the_status(team):
    gp = UserFactory(referrer=True)
    client = Client()
    client.force_login(gp)

    response = client.post("/henvisninger/ny/", _referral_form())

    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/henvisninger/{referral.pk}/"
    assert referral.life_transitions == ["bereavement"]
    assert referral.citizen.consents.count() == 2
    page = client.get(response["Location"]).content.decode()
    assert referral.reference in page


def test_the_web_form_without_consent_explains_and_saves_nothing(team):
    gp = UserFactory(referrer=True)
    client = Client()
    client.force_login(gp)
    data = _referral_form()
    del data["consent_given"]

    response = client.post("/henvisninger/ny/", data)

    assert response.status_code == 200
    assert "samtykke" in response.content.decode()
    assert response.context["form"].errors["consent_given"]
    assert not Citizen.objects.exists()
    # what was typed is still there
    assert 'value="Inger"' in response.content.decode()


def test_the_web_form_names_an_impossible_cpr_number(team):
    gp = UserFactory(referrer=True)
    client = Client()
    client.force_login(gp)
    response = client.post("/henvisninger/ny/", _referral_form(cpr="310250-1234"))
    assert response.context["form"].errors["cpr"]
    assert not Citizen.objects.exists()


def test_a_second_web_referral_of_the_same_person_never_tells_the_referrer_they_were_known(team):
    gp = UserFactory(referrer=True)
    client = Client()
    client.force_login(gp)
    first = client.post("/henvisninger/ny/", _referral_form(cpr="140341-1234"), follow=True)
    second = client.post("/henvisninger/ny/", _referral_form(cpr="140341-1234"), follow=True)
    assert "allerede kendt" not in second.content.decode()
    # Both answers read alike: the sender's own reference and "received".
    assert second.context["referral"].referrer_status == "received"
    assert first.context["referral"].referrer_status == "received"
    assert Citizen.objects.count() == 1
    assert Case.objects.count() == 1


# --- The public self-referral form --------------------------------------------------------------


def _self_referral(**overrides):
    data = {
        "who": "self",
        "first_name": "Lise",
        "last_name": "Kristensen",
        "birth_date": "2001-05-05",
        "phone": "+45 22 33 44 55",
        "preferred_language": "da",
        "reason": "Jeg er ny i byen og kender ingen.",
        "consent_given": "on",
        "website": "",
        "shown_at": signing.dumps(time.time() - 30, salt=SelfReferralForm.SALT),
    }
    data.update(overrides)
    return data


def test_a_citizen_refers_themself_without_signing_in_and_it_lands_with_the_team(team, client):
    assert client.get("/henvis/").status_code == 200
    response = client.post("/henvis/", _self_referral())
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.source == "self"
    assert referral.referrer is None
    assert referral.case.team == team
    assert referral.consent.method == "digital"


def test_a_relative_must_say_who_they_are(team, client):
    response = client.post("/henvis/", _self_referral(who="relative"))
    assert response.status_code == 200
    assert response.context["form"].errors["referrer_name"]
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "trap",
    [
        {"website": "http://spam.example"},
        {"shown_at": "forged"},
    ],
)
def test_spam_is_turned_away(team, client, trap):
    response = client.post("/henvis/", _self_referral(**trap))
    assert response.status_code == 200
    assert not Referral.objects.exists()


def test_a_form_sent_faster_than_a_person_can_type_is_turned_away(team, client):
    shown_now = signing.dumps(time.time(), salt=SelfReferralForm.SALT)
    client.post("/henvis/", _self_referral(shown_at=shown_now))
    assert not Referral.objects.exists()


def test_the_public_form_is_throttled(team, client):
    for index in range(5):
        client.post("/henvis/", _self_referral(first_name=f"Lise{index}"))
    response = client.post("/henvis/", _self_referral(first_name="Lise9"))
    assert response.status_code == 429
    assert Referral.objects.count() == 5


# --- Correcting the citizen's details and recording consent -------------------------------------


def _citizen_form(citizen, **changes):
    data = {
        "first_name": citizen.first_name,
        "last_name": citizen.last_name,
        "birth_date": citizen.birth_date.isoformat(),
        "cpr": "",
        "phone": citizen.phone,
        "email": citizen.email,
        "address": citizen.address,
        "postcode": citizen.postcode,
        "city": citizen.city,
        "preferred_language": citizen.preferred_language,
    }
    data.update(changes)
    return data


def test_the_bridge_builder_corrects_the_citizens_details(team, case, builder):
    client = Client()
    client.force_login(builder)
    url = f"/forloeb/{case.pk}/borger/"
    assert client.get(url).status_code == 200

    response = client.post(
        url, _citizen_form(case.citizen, phone="+45 99 88 77 66", needs_transport="on")
    )

    assert response.status_code == 302
    case.citizen.refresh_from_db()
    assert case.citizen.phone == "+45 99 88 77 66"
    assert case.citizen.needs_transport
    assert AuditEvent.objects.filter(
        action=AuditAction.UPDATE, object_id=str(case.citizen_id), fields__contains=["phone"]
    ).exists()


def test_a_cpr_number_that_belongs_to_someone_else_is_refused(team, case, builder):
    from datetime import date

    make_referral(team=team, cpr="010150-1234", birth_date=date(1950, 1, 1))
    client = Client()
    client.force_login(builder)
    response = client.post(
        f"/forloeb/{case.pk}/borger/",
        _citizen_form(case.citizen, cpr="010150-1234", birth_date="1950-01-01"),
    )
    assert response.status_code == 200
    assert response.context["form"].errors["cpr"]
    case.citizen.refresh_from_db()
    assert not case.citizen.has_cpr


def test_consent_to_share_is_recorded_with_whom_and_explained_when_missing(team, case, builder):
    from matching.services import match_propose
    from tests.volunteers.factories import make_volunteer

    volunteer = make_volunteer(first_name="Ole")
    match_propose(case=case, actor=builder, volunteer=volunteer, role="visiting_friend")
    client = Client()
    client.force_login(builder)
    url = f"/forloeb/{case.pk}/samtykke/"

    data = {"consent-purpose": "share_volunteer", "consent-method": "verbal"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["consent_form"].errors["recipient"]
    # A name typed by hand is not a recipient: only the citizen's own matches can be chosen.
    response = client.post(url, {**data, "consent-recipient": "Besøgsven Ole"})
    assert response.status_code == 400

    response = client.post(url, {**data, "consent-recipient": f"volunteer:{volunteer.pk}"})
    assert response.status_code == 302
    consent = case.citizen.consents.get(purpose="share_volunteer")
    assert consent.recipient == str(volunteer)
    assert consent.recipient_id == volunteer.pk
    assert consent.recorded_by == builder


def test_start_pages_show_the_work_waiting(team, builder):
    mine = make_referral(team=team).referral.case
    services.case_assign(case=mine, assignee=builder, actor=builder)
    make_referral(team=team)
    client = Client()
    client.force_login(builder)
    response = client.get("/")
    assert (response.context["my_open"], response.context["team_unassigned"]) == (1, 1)

    gp = UserFactory(referrer=True)
    referral = make_referral(team=team, referrer=gp).referral
    client.force_login(gp)
    assert list(client.get("/").context["recent"]) == [referral]


# --- What a first walk-through found ------------------------------------------------------------


def test_missing_consent_is_said_together_with_every_other_error(team):
    gp = UserFactory(referrer=True)
    client = Client()
    client.force_login(gp)
    data = _referral_form(first_name="")
    del data["consent_given"]
    errors = client.post("/henvisninger/ny/", data).context["form"].errors
    assert {"first_name", "consent_given"} <= set(errors)


def test_closed_cases_stay_findable_and_status_sorts_in_the_paths_order(team, builder):
    from referrals.constants import CloseReason

    cases = {}
    for name, step in [("Anna", None), ("Bo", "contacted"), ("Carl", "closed")]:
        case = make_referral(team=team, first_name=name, city="Odense SØ").referral.case
        services.case_assign(case=case, assignee=builder, actor=builder)
        if step == "contacted":
            services.contact_record(case=case, kind="phone", actor=builder)
        if step == "closed":
            services.case_close(case=case, reason=CloseReason.DECLINED, actor=builder)
        cases[name] = case
    client = Client()
    client.force_login(builder)

    closed = client.get("/forloeb/", {"status": "closed"}).context["page"]
    assert [c.citizen.first_name for c in closed] == ["Carl"]
    by_status = client.get("/forloeb/", {"sort": "status"}).context["page"]
    assert [c.status for c in by_status] == ["received", "contacted"]  # received comes first
    by_town = client.get("/forloeb/", {"q": "odense sø"}).context["page"]
    assert by_town.paginator.count == 2


def test_the_case_page_warns_when_the_referral_consent_is_withdrawn(team, case, builder):
    client = Client()
    client.force_login(builder)
    body = client.get(f"/forloeb/{case.pk}/").content.decode()
    assert 'data-testid="consent-warning"' not in body
    assert body.count("data-confirm=") == 2  # withdrawing consent and closing ask first

    services.consent_withdraw(consent=case.referrals.get().consent, actor=builder)

    body = client.get(f"/forloeb/{case.pk}/").content.decode()
    assert 'data-testid="consent-warning"' in body


def test_the_team_board_shows_urgency(team, builder):
    from referrals.services import referral_create
    from tests.referrals.factories import citizen_data

    referral_create(
        citizen=citizen_data(first_name="Ingrid"),
        source="gp",
        reason="Meget alene",
        urgency="urgent",
        consent_given=True,
        consent_method="verbal",
        team=team,
    )
    client = Client()
    client.force_login(builder)
    assert "Ingrid" in client.get("/forloeb/team/").content.decode()
    assert client.get("/forloeb/team/").context["page"][0].urgency == "urgent"
