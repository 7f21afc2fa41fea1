"""GET /api/v1/offers/ and /api/v1/offers/{id}/: the directory for other systems."""

from datetime import time

import pytest
from django.contrib.auth.models import Permission
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.constants import Role
from offers.constants import OfferStatus
from offers.services import organisation_contact_add
from tests.accounts.factories import UserFactory
from tests.offers.factories import an_organisation, offer, weekly

pytestmark = pytest.mark.django_db

URL = "/api/v1/offers/"
TUE, THU = 1, 3


def _titles(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [o["title"] for o in response.json()["results"]]


def test_anyone_may_list_the_public_active_offers(api_client):
    offer(title="Gå-klubben")
    offer(title="Samtalegruppe", is_public=False)
    offer(title="Kortklubben", status=OfferStatus.PAUSED)
    offer(title="Gammel klub", status=OfferStatus.ARCHIVED)

    response = api_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [o["title"] for o in body["results"]] == ["Gå-klubben"]


@pytest.mark.parametrize("role", [None, *Role.values])
def test_every_role_and_anonymous_may_read_the_directory(api_client, role):
    public = offer(title="Gå-klubben")
    internal = offer(title="Samtalegruppe", is_public=False)
    user = UserFactory(role=role) if role else None
    if user:
        api_client.force_authenticate(user)
    may_view_offers = bool(user and user.has_perm("offers.view_offer"))

    assert api_client.get(URL).status_code == 200
    assert api_client.get(f"{URL}{public.pk}/").status_code == 200
    assert api_client.get(f"{URL}{internal.pk}/").status_code == (200 if may_view_offers else 404)
    assert api_client.get(f"{URL}hsds/").status_code == 200


def test_staff_who_may_view_offers_also_get_internal_ones(api_client):
    offer(title="Gå-klubben")
    offer(title="Samtalegruppe", is_public=False)
    user = UserFactory(coordinator=True)
    user.user_permissions.add(Permission.objects.get(codename="view_offer"))
    api_client.force_authenticate(type(user).objects.get(pk=user.pk))

    response = api_client.get(URL)

    assert _titles(response) == ["Gå-klubben", "Samtalegruppe"]
    assert [o["is_public"] for o in response.json()["results"]] == [True, False]


def test_an_offer_in_the_list_has_what_a_system_needs(api_client):
    spisevenner = offer(
        title="Spisevenner",
        activity_kinds=["food"],
        postcode="5240",
        city="Odense NØ",
        capacity=10,
        price_kind="paid",
        price_amount="40",
        fritidspas=True,
        languages=["da", "ar"],
        schedules=[weekly(THU, time(17, 30), time(19, 30))],
    )

    result = api_client.get(URL).json()["results"][0]

    assert result["id"] == str(spisevenner.pk)
    assert result["url"] == f"http://testserver/tilbud/{spisevenner.pk}/"
    assert result["strategy"] == {"code": "social_network", "label": "Socialt netværk"}
    assert result["activity_kinds"] == [{"code": "food", "label": "Mad og fællesspisning"}]
    assert [lang["code"] for lang in result["languages"]] == ["da", "ar"]
    assert result["schedules"][0]["text"] == "Hver torsdag kl. 17.30–19.30"
    assert result["schedules"][0]["weekday"] == THU
    assert (result["price_kind"], result["price_amount"], result["fritidspas"]) == (
        "paid",
        "40.00",
        True,
    )
    assert (result["places_left"], result["is_full"]) == (10, False)
    assert (result["latitude"], result["longitude"]) == (55.43, 10.45)
    assert result["distance_km"] is None
    assert "contacts" not in result["organisation"]


def test_filters_q_category_postcode_and_weekday(api_client):
    offer(title="Strikkecafé", activity_kinds=["crafts"], schedules=[weekly(TUE)])
    offer(
        title="Gåtur i Ringe",
        postcode="5750",
        city="Ringe",
        activity_kinds=["nature"],
        schedules=[weekly(THU)],
    )
    offer(title="Besøgsven", strategy="personal_support", postcode="5230", city="Odense M")
    offer(title="Telefonven", strategy="personal_support", is_remote=True)

    assert _titles(api_client.get(URL, {"q": "strik"})) == ["Strikkecafé"]
    assert _titles(api_client.get(URL, {"category": "nature"})) == ["Gåtur i Ringe"]
    assert _titles(api_client.get(URL, {"category": "personal_support"})) == [
        "Besøgsven",
        "Telefonven",
    ]
    assert _titles(api_client.get(URL, {"postcode": "5750"})) == ["Gåtur i Ringe", "Telefonven"]
    assert _titles(api_client.get(URL, {"weekday": "1"})) == ["Strikkecafé"]
    assert _titles(api_client.get(URL, {"weekday": "tuesday"})) == ["Strikkecafé"]
    assert _titles(api_client.get(URL, {"weekday": "Torsdag"})) == ["Gåtur i Ringe"]

    near = api_client.get(URL, {"postcode": "5000", "km": "5"})
    assert _titles(near) == ["Strikkecafé", "Besøgsven", "Telefonven"]
    assert [o["distance_km"] for o in near.json()["results"]] == [0.0, 2.9, None]
    assert _titles(api_client.get(URL, {"postcode": "5000", "km": "25", "sort": "title"})) == [
        "Besøgsven",
        "Gåtur i Ringe",
        "Strikkecafé",
        "Telefonven",
    ]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"category": "bingo"}, "category"),
        ({"postcode": "50"}, "postcode"),
        ({"postcode": "abcd"}, "postcode"),
        ({"weekday": "funday"}, "weekday"),
        ({"weekday": "7"}, "weekday"),
        ({"km": "5"}, "km"),
        ({"postcode": "5000", "km": "0"}, "km"),
        ({"postcode": "5000", "km": "500"}, "km"),
        ({"postcode": "5000", "km": "far"}, "km"),
        ({"postcode": "9999", "km": "5"}, "postcode"),
        ({"sort": "price"}, "sort"),
    ],
)
def test_a_bad_filter_is_a_400_naming_it(api_client, params, field):
    offer(title="Gåtur")

    response = api_client.get(URL, params)

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [field]
    assert body[field][0]


def test_one_offer_with_its_contact_persons(api_client):
    organisation = an_organisation(name="Ældre Sagen")
    organisation_contact_add(
        organisation=organisation,
        name="Jens Bach",
        title="Formand",
        phone="+45 30 40 50 60",
        actor=None,
    )
    gåtur = offer(title="Gåtur", organisation=organisation)

    response = api_client.get(f"{URL}{gåtur.pk}/")

    assert response.status_code == 200
    assert response.json()["organisation"]["contacts"] == [
        {"name": "Jens Bach", "title": "Formand", "phone": "+45 30 40 50 60", "email": ""}
    ]


def test_a_paused_or_unknown_offer_is_a_json_404(api_client):
    paused = offer(title="Kortklubben", status=OfferStatus.PAUSED)

    for url in (
        f"{URL}{paused.pk}/",
        f"{URL}00000000-0000-0000-0000-000000000000/",
        f"{URL}not-an-id/",
    ):
        response = api_client.get(url)
        assert response.status_code == 404, url
        assert response["Content-Type"] == "application/json"


def test_the_directory_api_is_throttled_per_client(api_client, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "directory", "3/min")
    offer(title="Gåtur")

    statuses = [api_client.get(URL).status_code for _ in range(4)]

    assert statuses == [200, 200, 200, 429]
    assert api_client.get(f"{URL}hsds/").status_code == 429


def test_the_throttle_rate_comes_from_the_settings(settings):
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["directory"] == "120/min"


def test_the_schema_documents_the_directory(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    parameters = {p["name"] for p in paths["/api/v1/offers/"]["get"]["parameters"]}
    assert {"q", "category", "postcode", "km", "weekday", "sort", "page"} <= parameters
    assert "/api/v1/offers/hsds/" in paths


def _add(n: int):
    for _ in range(n):
        offer(schedules=[weekly(TUE), weekly(THU)], languages=["da", "en"])


@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        # 1 count, 2 the page of offers with their organisation, 3 their schedules
        (URL, {"page_size": 100}, 3),
        # the same after 0 the postcode's centre
        (URL, {"page_size": 100, "postcode": "5000", "km": "10", "weekday": "tue"}, 4),
        # 1 count, 2 the offers with their organisation, 3 schedules, 4 contact persons
        (f"{URL}hsds/", {"per_page": 100}, 4),
    ],
)
def test_the_api_lists_cost_the_same_queries_for_one_offer_and_many(
    django_assert_num_queries, url, params, expected
):
    def total(response):
        body = response.json()
        return body.get("count", body.get("total_items"))

    _add(1)
    with django_assert_num_queries(expected):
        assert total(APIClient().get(url, params)) == 1
    _add(59)
    with django_assert_num_queries(expected):
        assert total(APIClient().get(url, params)) == 60
