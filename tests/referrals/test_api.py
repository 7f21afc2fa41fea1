import pytest
from rest_framework.test import APIClient

from referrals.models import Citizen, Referral
from referrals.services import case_assign, citizen_set_home_care_team
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team, make_referral

pytestmark = pytest.mark.django_db

URL = "/api/v1/referrals/"


@pytest.fixture
def team():
    return bridge_team()


@pytest.fixture
def gp(team):
    return UserFactory(referrer=True)


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def _payload(**overrides):
    payload = {
        "citizen": {
            "first_name": "Inger",
            "last_name": "Madsen",
            "birth_date": "1941-03-14",
            "phone": "+45 20 30 40 50",
            "email": "",
            "address": "Brovej 1",
            "postcode": "5000",
        },
        "source": "gp",
        "reason": "Har været meget alene siden sin mands død.",
        "consent": {"given": True, "given_at": "2026-11-20T10:00:00+01:00", "method": "verbal"},
    }
    payload.update(overrides)
    return payload


def test_a_gp_system_refers_with_a_token_and_gets_id_and_status_but_no_citizen(team, gp):
    # given a GP's own token (a system has a service account's: tests/accounts/test_api_tokens.py)
    token = (
        APIClient()
        .post("/api/v1/auth/token/", {"username": gp.username, "password": "correct-horse-battery"})
        .json()["token"]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    # when
    response = client.post(URL, _payload(), format="json")

    # then
    assert response.status_code == 201, response.json()
    body = response.json()
    referral = Referral.objects.get()
    assert body["id"] == str(referral.pk)
    assert body["status"] == "received"
    # A GP may not see the citizen's record, so the answer carries no citizen id.
    assert body["citizen"] is None
    assert "attached_to_existing" not in body
    assert referral.referrer == gp


def test_without_consent_it_is_a_400_naming_consent_and_nothing_is_saved(team, gp):
    response = _client(gp).post(
        URL, _payload(consent={"given": False, "method": "verbal"}), format="json"
    )
    assert response.status_code == 400
    assert "consent" in response.json()
    assert not Citizen.objects.exists()
    response = _client(gp).post(URL, {**_payload(), "consent": None}, format="json")
    assert response.status_code == 400
    assert "consent" in response.json()


def test_a_person_cannot_give_consent_as_stated_by_the_referrer(team, gp):
    # "Stated by the referrer" is what a MedCom message carries; a person says how they asked.
    consent = {"given": True, "given_at": "2026-11-20T10:00:00+01:00", "method": "referrer_stated"}
    response = _client(gp).post(URL, _payload(consent=consent), format="json")
    assert response.status_code == 400
    assert "method" in response.json()["consent"]
    assert not Citizen.objects.exists()


def test_an_impossible_cpr_number_is_a_400_naming_it(team, gp):
    payload = _payload()
    payload["citizen"]["cpr"] = "310250-1234"
    response = _client(gp).post(URL, payload, format="json")
    assert response.status_code == 400
    # Named where it is: inside the citizen.
    assert "cpr" in response.json()["citizen"]
    assert "rigtig fødselsdato" in response.json()["citizen"]["cpr"][0]
    assert not Citizen.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"source": "postman"}, "source"),
        ({"reason": ""}, "reason"),
        ({"life_transitions": ["lottery"]}, "life_transitions"),
        ({"team": "8b8b8b8b-0000-0000-0000-000000000000"}, "team"),
    ],
)
def test_bad_fields_are_400s_naming_the_field(team, gp, change, field):
    response = _client(gp).post(URL, _payload(**change), format="json")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"birth_date": "1941-02-30"}, "birth_date"),
        ({"postcode": "ABC"}, "postcode"),
        ({"first_name": ""}, "first_name"),
    ],
)
def test_bad_citizen_fields_are_400s_naming_the_field(team, gp, change, field):
    payload = _payload()
    payload["citizen"].update(change)
    response = _client(gp).post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["citizen"]


def test_a_malformed_body_is_a_400_not_a_500(team, gp):
    response = _client(gp).post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    response = _client(gp).post(URL, ["a", "list"], format="json")
    assert response.status_code == 400


def test_the_second_referral_of_the_same_cpr_is_attached_without_telling_the_sender(team, gp):
    payload = _payload()
    payload["citizen"]["cpr"] = "140341-1234"
    payload["citizen"]["birth_date"] = "1941-03-14"
    first = _client(gp).post(URL, payload, format="json").json()
    second = _client(gp).post(URL, payload, format="json").json()
    assert {k: v for k, v in second.items() if k not in ("id", "reference", "created_at")} == {
        k: v for k, v in first.items() if k not in ("id", "reference", "created_at")
    }
    assert Citizen.objects.count() == 1


def test_the_referrer_sees_their_own_referral_status_and_no_one_elses(team, gp):
    created = _client(gp).post(URL, _payload(), format="json").json()
    other_gp = UserFactory(referrer=True)

    mine = _client(gp).get(f"{URL}{created['id']}/")
    assert mine.status_code == 200
    assert mine.json()["status"] == "received"
    assert "notes" not in mine.json()
    assert _client(other_gp).get(f"{URL}{created['id']}/").status_code == 404
    assert _client(gp).get(URL).json()["count"] == 1
    assert _client(other_gp).get(URL).json()["count"] == 0


def test_citizens_are_scoped_to_the_caller(team):
    builder = UserFactory(bridge_builder=True, team=team)
    home_team = TeamFactory(home_care=True)
    home_carer = UserFactory(home_care=True, team=home_team)
    other_team = bridge_team()
    outsider = UserFactory(bridge_builder=True, team=other_team)
    mine = make_referral(team=team, first_name="Inger").referral.citizen
    citizen_set_home_care_team(citizen=mine, team=home_team, actor=None)
    make_referral(team=other_team, first_name="Poul")

    def names(user, **params):
        response = _client(user).get("/api/v1/citizens/", params)
        assert response.status_code == 200
        return [c["first_name"] for c in response.json()["results"]]

    assert names(builder) == ["Inger"]
    assert names(home_carer) == ["Inger"]
    assert names(outsider) == ["Poul"]
    assert names(builder, q="poul") == []
    assert _client(builder).get(f"/api/v1/citizens/{mine.pk}/").json()["open_case"]["status"] == (
        "received"
    )
    assert _client(outsider).get(f"/api/v1/citizens/{mine.pk}/").status_code == 404


@pytest.mark.parametrize("role", ["referrer", "coordinator", "admin"])
def test_roles_without_citizen_access_get_403_from_the_citizens_api(team, role):
    user = UserFactory(role=role, team=team)
    citizen = make_referral(team=team).referral.citizen
    assert _client(user).get("/api/v1/citizens/").status_code == 403
    assert _client(user).get(f"/api/v1/citizens/{citizen.pk}/").status_code == 403


def test_citizens_list_query_count_is_the_same_for_1_and_200(team, django_assert_num_queries):
    builder = UserFactory(bridge_builder=True, team=team)
    client = _client(builder)
    make_referral(team=team)

    # 1-2 the caller's own and group permissions, 3 the caller's teams, 4 the caller's roles,
    # 5 count, 6 the page of citizens, 7 their open cases (one prefetch), 8 the audit events
    # for the rows read (one insert)
    with django_assert_num_queries(8):
        assert client.get("/api/v1/citizens/").json()["count"] == 1
    for _ in range(199):
        case = make_referral(team=team).referral.case
        case_assign(case=case, assignee=builder, actor=builder)
    builder = type(builder).objects.get(pk=builder.pk)
    client = _client(builder)
    with django_assert_num_queries(8):
        body = client.get("/api/v1/citizens/", {"page_size": 200}).json()
    assert body["count"] == 200
    assert len(body["results"]) == 200
