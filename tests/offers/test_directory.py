"""The public offer directory at /tilbud/: search, list, map data and each offer's page."""

import json
import re
from datetime import date, time, timedelta

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.utils import timezone, translation

from accounts.constants import Role
from offers import selectors
from offers.constants import OfferStatus
from offers.models import Offer, OfferSchedule
from offers.services import organisation_contact_add
from tests.accounts.factories import UserFactory
from tests.offers.factories import an_organisation, biweekly, monthly, offer, once, weekly

pytestmark = pytest.mark.django_db

URL = "/tilbud/"
MON, TUE, WED, THU, FRI = range(5)


def _titles(response) -> list[str]:
    return [o.title for o in response.context["page"]]


def _staff_who_may_view_offers():
    user = UserFactory(coordinator=True)
    user.user_permissions.add(Permission.objects.get(codename="view_offer"))
    return type(user).objects.get(pk=user.pk)


# --- Who sees what -------------------------------------------------------------------------------


def test_anonymous_visitors_see_only_public_active_offers(client):
    offer(title="Gå-klubben")
    offer(title="Samtalegruppe", is_public=False)
    offer(title="Kortklubben", status=OfferStatus.PAUSED)
    offer(title="Gammel strikkeklub", status=OfferStatus.ARCHIVED)

    response = client.get(URL)

    assert response.status_code == 200
    assert _titles(response) == ["Gå-klubben"]
    body = response.content.decode()
    assert "Samtalegruppe" not in body and "Kortklubben" not in body
    assert "Gammel strikkeklub" not in body


def test_an_inactive_organisations_offers_leave_the_directory(client):
    closed = an_organisation(name="Lukket forening")
    offer(title="Bankospil", organisation=closed)
    # Organisations are deactivated in the admin; there is no service for it.
    type(closed).objects.filter(pk=closed.pk).update(is_active=False)

    assert _titles(client.get(URL)) == []


def test_staff_who_may_view_offers_also_find_internal_ones_marked_as_such(client):
    offer(title="Gå-klubben")
    offer(title="Samtalegruppe", is_public=False)
    offer(title="Kortklubben", status=OfferStatus.PAUSED)
    client.force_login(_staff_who_may_view_offers())

    response = client.get(URL)

    assert _titles(response) == ["Gå-klubben", "Samtalegruppe"]
    assert "Internt: vises ikke for borgere" in response.content.decode()


@pytest.mark.parametrize("role", [None, *Role.values])
def test_every_role_and_anonymous_may_open_the_directory_and_an_offer(client, role):
    public = offer(title="Gå-klubben")
    internal = offer(title="Samtalegruppe", is_public=False)
    paused = offer(title="Kortklubben", status=OfferStatus.PAUSED)
    user = UserFactory(role=role) if role else None
    if user:
        client.force_login(user)
    # Internal offers open only to roles that may view offers (accounts/roles.py decides).
    internal_status = 200 if user and user.has_perm("offers.view_offer") else 404

    assert client.get(URL).status_code == 200
    assert client.get(f"{URL}{public.pk}/").status_code == 200
    assert client.get(f"{URL}{internal.pk}/").status_code == internal_status
    assert client.get(f"{URL}{paused.pk}/").status_code == 404


def test_the_menu_links_to_the_directory_for_everyone(client):
    assert 'data-testid="directory-link"' in client.get("/konto/log-ind/").content.decode()
    client.force_login(UserFactory(referrer=True))
    assert 'href="/tilbud/"' in client.get("/").content.decode()


# --- Search -------------------------------------------------------------------------------------


def test_text_search_matches_title_description_and_organisation_with_every_word(client):
    offer(title="Strikkecafé", description="Vi strikker og drikker kaffe.")
    offer(title="Mandecafé", description="Kaffe og værktøj.")
    offer(title="Kor", organisation=an_organisation(name="Sangforeningen Lærken"))

    assert _titles(client.get(URL, {"q": "strik"})) == ["Strikkecafé"]
    assert _titles(client.get(URL, {"q": "kaffe"})) == ["Mandecafé", "Strikkecafé"]
    assert _titles(client.get(URL, {"q": "kaffe værktøj"})) == ["Mandecafé"]
    assert _titles(client.get(URL, {"q": "lærken"})) == ["Kor"]


def test_category_is_a_strategy_or_an_activity_kind(client):
    offer(title="Gåtur", activity_kinds=["nature", "exercise"])
    offer(title="Besøgsven", strategy="personal_support", activity_kinds=["visiting_friend"])
    offer(title="Psykoedukation", strategy="psychoeducation", activity_kinds=["course"])

    assert _titles(client.get(URL, {"category": "exercise"})) == ["Gåtur"]
    assert _titles(client.get(URL, {"category": "personal_support"})) == ["Besøgsven"]
    assert _titles(client.get(URL, {"category": "psychoeducation"})) == ["Psykoedukation"]


def test_an_unknown_category_is_said_and_the_rest_of_the_search_still_works(client):
    offer(title="Gåtur")

    response = client.get(URL, {"category": "bingo"})

    assert response.status_code == 200
    assert response.context["form"].errors["category"]
    assert _titles(response) == ["Gåtur"]


def test_a_postcode_finds_offers_there_and_those_by_phone(client):
    offer(title="I Odense V", postcode="5200", city="Odense V")
    offer(title="I Odense C", postcode="5000", city="Odense C")
    offer(title="Telefonven", is_remote=True)

    response = client.get(URL, {"area": "5200"})

    assert _titles(response) == ["I Odense V", "Telefonven"]
    assert "i 5200 Odense V" in response.content.decode()


def test_a_town_name_finds_every_postcode_of_the_town(client):
    offer(title="Odense V", postcode="5200", city="Odense V")
    offer(title="Odense C", postcode="5000", city="Odense C")
    offer(title="Ringe", postcode="5750", city="Ringe")

    assert _titles(client.get(URL, {"area": "odense", "sort": "title"})) == [
        "Odense C",
        "Odense V",
    ]
    assert _titles(client.get(URL, {"area": "Ringe"})) == ["Ringe"]


def test_within_a_distance_of_a_postcode_sorted_nearest_first(client):
    # 5000 Odense C is the centre; 5230 Odense M lies about 3 km away, 5750 Ringe about 18 km.
    offer(title="A Ringe", postcode="5750", city="Ringe")
    offer(title="B Odense M", postcode="5230", city="Odense M")
    offer(title="C Odense C", postcode="5000", city="Odense C")
    offer(title="D Telefonven", is_remote=True)

    near = client.get(URL, {"area": "5000", "km": "5"})
    far = client.get(URL, {"area": "5000", "km": "25"})
    by_title = client.get(URL, {"area": "5000", "km": "25", "sort": "title"})

    assert _titles(near) == ["C Odense C", "B Odense M", "D Telefonven"]
    assert _titles(far) == ["C Odense C", "B Odense M", "A Ringe", "D Telefonven"]
    assert _titles(by_title) == ["A Ringe", "B Odense M", "C Odense C", "D Telefonven"]
    distances = {o.title: o.distance_km for o in far.context["page"]}
    assert 2 < distances["B Odense M"] < 4
    assert 16 < distances["A Ringe"] < 21
    assert distances["D Telefonven"] is None
    body = far.content.decode()
    assert "inden for 25 km fra 5000 Odense C" in body
    assert "Under 1 km væk" in body


def test_a_distance_around_an_unknown_place_is_said_on_the_field(client):
    offer(title="Gåtur")
    client.cookies["django_language"] = "en"

    response = client.get(URL, {"area": "Atlantis", "km": "5"})

    assert response.status_code == 200
    assert "We do not know the place «Atlantis» – search for a postcode or a town." in " ".join(
        response.context["form"].errors["area"]
    )
    assert _titles(response) == ["Gåtur"]


@pytest.mark.parametrize("place", ["Xyzby", "9999"])
def test_an_unknown_place_is_said_and_the_results_are_not_said_to_be_there(client, place):
    offer(title="Gåtur", postcode="5200", city="Odense V")
    offer(title="Telefonven", is_remote=True)
    client.cookies["django_language"] = "en"

    response = client.get(URL, {"area": place})

    body = response.content.decode()
    assert response.status_code == 200
    assert f"We do not know the place «{place}» – search for a postcode or a town." in body
    assert response.context["form"].errors["area"]
    # Every offer the other filters find, and no claim that they are in the unknown place.
    assert _titles(response) == ["Gåtur", "Telefonven"]
    count = body.split('data-testid="result-count"')[1].split("</p>")[0]
    assert place not in count
    assert "2 offers" in count


def test_an_unknown_place_suggests_towns_with_a_name_close_to_it(client):
    offer(title="Gåtur", postcode="5750", city="Ringe")

    response = client.get(URL, {"area": "Rinnge", "q": "gåtur"})

    assert [s["name"] for s in response.context["place_suggestions"]] == ["Ringe"]
    body = response.content.decode()
    assert 'data-testid="place-suggestions"' in body
    assert 'href="?area=Ringe&amp;q=g%C3%A5tur"' in body
    # A town with several postcodes is suggested once, by the name they share.
    odense = client.get(URL, {"area": "Odnse"})
    assert [s["name"] for s in odense.context["place_suggestions"]] == ["Odense"]
    # Nothing close: no suggestions, only the message.
    nothing = client.get(URL, {"area": "Xyzby"})
    assert nothing.context["place_suggestions"] == []
    assert 'data-testid="place-suggestions"' not in nothing.content.decode()


def test_without_pg_trgm_towns_beginning_alike_are_suggested(client):
    offer(title="Gåtur", postcode="5750", city="Ringe")
    with connection.cursor() as cursor:
        # As on a database where the extension could not be created (undone after the test).
        cursor.execute("DROP EXTENSION pg_trgm")

    response = client.get(URL, {"area": "Rinnge"})

    assert [s["name"] for s in response.context["place_suggestions"]] == ["Ringe"]


def test_the_api_says_a_postcode_it_does_not_know_is_unknown(api_client):
    offer(title="Telefonven", is_remote=True)

    response = api_client.get("/api/v1/offers/", {"postcode": "9999"})

    assert response.status_code == 400
    assert "9999" in response.json()["postcode"][0]


def test_a_place_typed_as_postcode_and_town_is_known(client):
    offer(title="I Odense V", postcode="5200", city="Odense V")
    offer(title="I Odense C", postcode="5000", city="Odense C")

    response = client.get(URL, {"area": "5200 Odense V"})

    assert _titles(response) == ["I Odense V"]
    assert not response.context["form"].errors


# --- Sorting -------------------------------------------------------------------------------------


def _sort_options(response) -> list[tuple[str, str]]:
    return [
        (str(value), str(label)) for value, label in response.context["form"].fields["sort"].choices
    ]


def _chosen_sort(response) -> tuple[str, str]:
    """The sort the select shows as chosen, and the one the list was sorted by."""
    labels = dict(_sort_options(response))
    return labels[response.context["form"]["sort"].value() or ""], response.context["sorted_by"]


def test_without_a_place_the_sort_is_by_best_match_or_name_never_by_distance(client):
    client.cookies["django_language"] = "en"
    offer(title="B Gåtur", postcode="5200", city="Odense V")
    offer(title="A Strikkecafé", postcode="5750", city="Ringe")

    plain = client.get(URL)
    with_words = client.get(URL, {"q": "gåtur"})
    asked_for_distance = client.get(URL, {"sort": "distance"})

    for response in (plain, with_words, asked_for_distance):
        assert "Nearest first" not in [label for _value, label in _sort_options(response)]
        assert "Nearest first" not in response.content.decode()
    assert [label for _value, label in _sort_options(plain)] == ["Best match", "Name"]
    assert _chosen_sort(with_words) == ("Best match", "relevance")
    # Without words there is nothing to match: by name.
    assert _chosen_sort(plain) == ("Best match", "title")
    assert _chosen_sort(asked_for_distance) == ("Best match", "title")
    assert _titles(asked_for_distance) == ["A Strikkecafé", "B Gåtur"]


def test_with_a_known_place_nearest_first_is_offered_and_chosen(client):
    client.cookies["django_language"] = "en"
    offer(title="A Ringe", postcode="5750", city="Ringe")
    offer(title="B Odense C", postcode="5000", city="Odense C")

    response = client.get(URL, {"area": "5000", "km": "25"})

    assert [label for _value, label in _sort_options(response)] == [
        "Nearest first",
        "Best match",
        "Name",
    ]
    assert _chosen_sort(response) == ("Nearest first", "distance")
    assert _titles(response) == ["B Odense C", "A Ringe"]
    assert _titles(client.get(URL, {"area": "5000", "km": "25", "sort": "title"})) == [
        "A Ringe",
        "B Odense C",
    ]
    # An unknown place is no place to measure from.
    unknown = client.get(URL, {"area": "Xyzby", "sort": "distance"})
    assert "Nearest first" not in [label for _value, label in _sort_options(unknown)]


# --- An offer in a private home ------------------------------------------------------------------


def _map_points(response) -> list[dict]:
    data = response.content.decode().split('<script id="directory-points" type="application/json">')
    return json.loads(data[1].split("</script>")[0])


def test_an_offer_in_a_private_home_does_not_show_its_address(client, api_client):
    at_home = offer(
        title="Spiseven hos Grethe",
        in_private_home=True,
        address="Rosenvænget 7, 2. th.",
        postcode="5200",
        city="Odense V",
    )
    # Geocoded to the door (BROBYG_GEOCODER = "dawa"), not to the postcode's centre.
    Offer.objects.filter(pk=at_home.pk).update(latitude=55.40123, longitude=10.34567)
    client.cookies["django_language"] = "en"

    listed = client.get(URL)
    page = client.get(f"{URL}{at_home.pk}/")

    for response in (listed, page):
        body = response.content.decode()
        assert "Rosenvænget" not in body
        assert "55.40123" not in body and "10.34567" not in body
        assert "5200 Odense V" in body
        assert "The address is given when you sign up." in body
        # On the map at the postcode's centre, with the postcode and town only.
        assert [(p["lat"], p["lng"], p["place"]) for p in _map_points(response)] == [
            (55.3925, 10.33, "5200 Odense V")
        ]
    assert "openstreetmap.org/search?query=Rosenv" not in page.content.decode()
    # The directory's API does not give it either.
    for answer in (
        api_client.get("/api/v1/offers/").json()["results"][0],
        api_client.get(f"/api/v1/offers/{at_home.pk}/").json(),
    ):
        assert answer["address"] == ""
        assert (answer["latitude"], answer["longitude"]) == (55.3925, 10.33)


def test_an_offer_elsewhere_shows_its_address_as_before(client):
    hall = offer(title="Spisevenner", address="Rismarksvej 4", postcode="5240", city="Odense NØ")

    for response in (client.get(URL), client.get(f"{URL}{hall.pk}/")):
        body = response.content.decode()
        assert "Rismarksvej 4" in body
        assert "The address is given when you sign up." not in body


def test_weekday_finds_weekly_monthly_and_single_date_meetings(client):
    next_tuesday = timezone.localdate() + timedelta(days=(TUE - timezone.localdate().weekday()) % 7)
    offer(title="Ugentlig", schedules=[weekly(TUE)])
    offer(
        title="Månedlig",
        schedules=[monthly(TUE, 1)],
    )
    offer(title="Kursusdag", schedules=[once(next_tuesday)])
    offer(title="Torsdag", schedules=[weekly(THU)])

    assert _titles(client.get(URL, {"weekday": str(TUE)})) == ["Kursusdag", "Månedlig", "Ugentlig"]
    assert _titles(client.get(URL, {"weekday": str(THU)})) == ["Torsdag"]


def test_weekday_leaves_out_a_meeting_time_that_is_over(client):
    today = timezone.localdate()
    last_tuesday = today - timedelta(days=(today.weekday() - TUE) % 7 or 7)
    offer(
        title="Sommerbowling",
        schedules=[
            weekly(
                TUE, valid_from=today - timedelta(days=90), valid_until=today - timedelta(days=3)
            ),
            weekly(THU),
        ],
    )
    offer(title="Foredrag", schedules=[once(last_tuesday)])

    assert _titles(client.get(URL, {"weekday": str(TUE)})) == []
    assert _titles(client.get(URL, {"weekday": str(THU)})) == ["Sommerbowling"]


def test_the_list_pages_through_the_results(client):
    for n in range(23):
        offer(title=f"Tilbud {n:02d}")

    first = client.get(URL)
    second = client.get(URL, {"page": 2, "q": "Tilbud"})

    assert len(first.context["page"]) == 20
    assert first.context["page"].paginator.count == 23
    assert _titles(second) == ["Tilbud 20", "Tilbud 21", "Tilbud 22"]
    assert "q=Tilbud&amp;page=1" in second.content.decode()


def test_the_map_gets_every_result_with_coordinates_and_the_tiles_by_attribute(client, settings):
    settings.BROBYG_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    here = offer(title="Gåtur", postcode="5200", city="Odense V")
    offer(title="Telefonven", is_remote=True)

    response = client.get(URL)

    body = response.content.decode()
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in body
    data = body.split('<script id="directory-points" type="application/json">')[1]
    points = json.loads(data.split("</script>")[0])
    assert points == [
        {
            "id": str(here.pk),
            "title": "Gåtur",
            "place": "5200 Odense V",
            "lat": 55.3925,
            "lng": 10.33,
        }
    ]
    # Each point links to its offer through the map's pattern, not an address in every point.
    pattern = re.search(r'data-offer-url="([^"]+)"', body).group(1)
    link = pattern.replace("00000000-0000-0000-0000-000000000000", str(here.pk))
    assert client.get(link).context["offer"] == here
    # Written compactly: up to 500 points on every page of a search.
    assert '"id":"' in data and ", " not in data.split("</script>")[0]
    # The page allows images from the tile server, and only the directory's pages do.
    assert "img-src 'self' data: https://tiles.example.org" in response["Content-Security-Policy"]
    assert "tiles.example.org" not in client.get("/konto/log-ind/")["Content-Security-Policy"]
    # No inline script: only the JSON data block and files from /static/.
    assert "<script>" not in body


def test_without_a_tile_server_there_is_no_map_but_the_list(client, settings):
    settings.BROBYG_MAP_TILE_URL = ""
    offer(title="Gåtur")

    response = client.get(URL)

    assert _titles(response) == ["Gåtur"]
    assert 'id="directory-map"' not in response.content.decode()


def test_a_stale_offer_shows_when_it_was_last_confirmed(client, settings):
    settings.BROBYG_OFFER_STALE_MONTHS = 6
    fresh = offer(title="Frisk")
    stale = offer(title="Gammel")
    Offer.objects.filter(pk=stale.pk).update(last_confirmed_on=date(2024, 3, 5))

    body = client.get(URL).content.decode()

    assert body.count('data-testid="last-confirmed"') == 1
    assert "Sidst bekræftet 5. marts 2024" in body
    assert "Sidst bekræftet" not in client.get(f"{URL}{fresh.pk}/").content.decode()
    assert "Sidst bekræftet 5. marts 2024" in client.get(f"{URL}{stale.pk}/").content.decode()


# --- An offer's page ----------------------------------------------------------------------------


def test_the_offer_page_tells_a_newcomer_everything_needed_to_turn_up(client):
    organisation = an_organisation(name="Ældrefællesskabet", phone="+45 70 10 20 30")
    organisation_contact_add(
        organisation=organisation,
        name="Grethe Lund",
        title="Formand",
        phone="+45 20 11 22 33",
        actor=None,
    )
    spisevenner = offer(
        organisation=organisation,
        title="Spisevenner",
        description="Vi laver mad sammen.",
        activity_kinds=["food"],
        address="Rismarksvej 4",
        postcode="5240",
        city="Odense NØ",
        capacity=24,
        price_kind="paid",
        price_amount="40",
        price_note="per gang",
        fritidspas=True,
        wheelchair_accessible=True,
        hearing_loop=True,
        transport_offered=True,
        transport_note="Ring dagen før.",
        languages=["da", "ar"],
        target_groups=["seniors"],
        age_min=60,
        host_name="Grethe",
        host_phone="+45 20 11 22 33",
        host_note="Grethe står ved døren.",
        accompaniment_possible=True,
        contact_phone="+45 70 10 20 31",
        schedules=[
            weekly(TUE, time(14), time(16)),
            biweekly(THU, time(10)),
            monthly(MON, 1, time(9, 30)),
            monthly(FRI, -1, time(19)),
            once(date(2030, 3, 5), time(13), time(15)),
        ],
    )

    # Every other week is counted from its first time: the first Thursday from the day it was made.
    today = timezone.localdate()
    first_thursday = selectors.directory_date(today + timedelta(days=(THU - today.weekday()) % 7))

    response = client.get(f"{URL}{spisevenner.pk}/")

    body = response.content.decode()
    assert response.status_code == 200
    assert response.context["schedule_texts"] == [
        "Første mandag i måneden kl. 09.30",
        "Hver tirsdag kl. 14.00–16.00",
        f"Hver anden torsdag kl. 10.00 (fra {first_thursday})",
        "Sidste fredag i måneden kl. 19.00",
        "Tirsdag 5. marts 2030 kl. 13.00–15.00",
    ]
    for text in [
        "Rismarksvej 4",
        "5240 Odense NØ",
        "openstreetmap.org/search?query=Rismarksvej+4",
        "40 kr. (per gang) · Fritidspas kan bruges",
        "Kørestolsadgang",
        "Teleslynge eller hjælp til hørelsen",
        "Transport kan arrangeres. Ring dagen før.",
        "dansk, arabisk",
        "Ældre, fra 60 år",
        "Grethe tager imod nye. Grethe står ved døren.",
        'href="tel:+4520112233"',
        "En frivillig kan følge dig første gang",
        'href="tel:+4570102031"',
        "Ældrefællesskabet",
        "Grethe Lund</span>, Formand",
        "24 ledige pladser",
        "Mad og fællesspisning",
        "Socialt netværk",
    ]:
        assert text in body, text


def test_a_free_full_offer_says_so(client):
    full = offer(title="Sorggruppe", capacity=8)
    # Places are taken by accepted matches; set directly to show a full offer.
    Offer.objects.filter(pk=full.pk).update(places_taken=8)

    body = client.get(f"{URL}{full.pk}/").content.decode()

    assert "Tilbuddet er fuldt lige nu" in body
    assert "Gratis" in body


def test_an_offer_by_phone_has_no_address_and_no_map(client):
    telefonven = offer(title="Telefonven", is_remote=True)

    response = client.get(f"{URL}{telefonven.pk}/")

    body = response.content.decode()
    assert "Over telefonen eller online" in body
    assert response.context["map_points"] == []
    assert "leaflet.js" not in body


def test_an_unknown_offer_is_a_404(client):
    assert client.get(f"{URL}00000000-0000-0000-0000-000000000000/").status_code == 404


def test_schedules_read_well_in_english_too():
    schedule = OfferSchedule(
        frequency="monthly", weekday=MON, week_of_month=1, starts_at=time(10), ends_at=time(12)
    )
    biweekly = OfferSchedule(
        frequency="biweekly",
        weekday=THU,
        starts_at=time(10),
        valid_from=date(2026, 9, 1),
        valid_until=date(2026, 12, 15),
    )
    with translation.override("en"):
        assert selectors.directory_schedule_text(schedule) == (
            "First Monday of the month at 10:00–12:00"
        )
        assert selectors.directory_schedule_text(biweekly) == (
            "Every other Thursday at 10:00 (from Sept. 1, 2026 until Dec. 15, 2026)"
        )
    with translation.override("da"):
        assert selectors.directory_schedule_text(biweekly) == (
            "Hver anden torsdag kl. 10.00 (fra 1. september 2026 til 15. december 2026)"
        )


# --- Cost ---------------------------------------------------------------------------------------


def _add(n: int, **kwargs):
    for _ in range(n):
        offer(schedules=[weekly(TUE), weekly(THU)], **kwargs)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        # 1 the version of the offers (a visitor's search is kept by it), 2 the search: the ids
        # of the offers found, in order (their count), 3 the page's offers with their
        # organisation, 4 their schedules, 5 the map's points
        ({}, 5),
        # the same, after 0 looking up the postcode's centre
        ({"area": "5000", "km": "10", "weekday": "1", "q": "Tilbud"}, 6),
    ],
)
def test_the_list_costs_the_same_queries_for_one_offer_and_many(
    django_assert_num_queries, params, expected
):
    client = Client()
    _add(1)
    with django_assert_num_queries(expected):
        assert client.get(URL, params).context["page"].paginator.count == 1
    _add(59)
    with django_assert_num_queries(expected):
        assert client.get(URL, params).context["page"].paginator.count == 60


def test_the_offer_page_costs_the_same_queries_however_much_it_shows(django_assert_num_queries):
    client = Client()
    small = offer()
    big = offer(schedules=[weekly(d) for d in range(5)])
    for n in range(5):
        organisation_contact_add(organisation=big.organisation, name=f"Kontakt {n}", actor=None)
    # 1 the offer with its organisation, 2 its schedules, 3 the organisation's contact persons
    for shown in (small, big):
        with django_assert_num_queries(3):
            assert client.get(f"{URL}{shown.pk}/").status_code == 200


# --- What the pages tell a citizen about the directory -------------------------------------------

# Words for developers, which a citizen looking for a community should not meet on the page.
DEVELOPER_WORDS = re.compile(
    r"\bAPI\b|\bHSDS\b|open referral|open data|åbne data|github|open source|django|json",
    re.IGNORECASE,
)


def _visible_text(html: str) -> str:
    body = html.split("<body", 1)[1]
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def test_the_public_pages_speak_to_citizens_not_developers(client, settings):
    settings.BROBYG_PRIVACY_URL = "https://kommune.example/privatliv"
    shown = offer(title="Gå-klubben")

    for url in (URL, f"{URL}{shown.pk}/"):
        html = client.get(url).content.decode()

        assert DEVELOPER_WORDS.findall(_visible_text(html)) == [], url
        assert 'href="/api/' not in html.split("<body", 1)[1], url
        # who runs the directory, and where to turn: a bridge-builder, and the privacy policy
        about = html.split('data-testid="directory-about"')[1].split("</footer>")[0]
        assert 'href="/henvis/"' in about, url
        assert 'href="https://kommune.example/privatliv"' in about, url


def test_without_a_privacy_page_set_the_footer_links_to_none(client, settings):
    settings.BROBYG_PRIVACY_URL = ""

    html = client.get(URL).content.decode()

    about = html.split('data-testid="directory-about"')[1].split("</footer>")[0]
    assert 'data-testid="privacy-link"' not in about
    assert 'href="/henvis/"' in about


def test_programs_still_find_the_open_data(client):
    # The machine-readable form of the list is announced where programs look, not in the text.
    html = client.get(URL).content.decode()

    head = html.split("<body", 1)[0]
    assert '<link rel="alternate" type="application/json" href="/api/v1/offers/hsds/"' in head


# --- Anonymous searches are kept, and a changed offer shows at once ---------------------------


def test_the_same_anonymous_search_again_is_answered_from_the_cache(django_assert_max_num_queries):
    _add(3)
    client = Client()
    params = {"area": "5000", "km": "10", "weekday": "1"}
    first = client.get(URL, params).content.decode()

    # 1 what the directory shows has not changed since (one look at the offers' latest change)
    with django_assert_max_num_queries(1):
        again = client.get(URL, params)

    assert again.status_code == 200
    body = again.content.decode()
    assert body.count('data-testid="directory-result"') == 3
    # The form, the results and the map are the same; the page around them is the visitor's own.
    marker = 'data-testid="result-count"'
    assert body.split(marker)[1].split("</main>")[0] == first.split(marker)[1].split("</main>")[0]


def test_a_saved_paused_or_deleted_offer_shows_at_once_in_a_kept_search(client):
    from offers.services import offer_set_status, offer_update

    walk = offer(title="Gå-klubben")
    cards = offer(title="Kortklubben")
    choir = offer(title="Koret")
    coordinator = UserFactory(coordinator=True)
    assert "Gå-klubben" in client.get(URL).content.decode()

    offer_update(offer=walk, data={"title": "Gå-turen"}, actor=coordinator)
    body = client.get(URL).content.decode()
    assert "Gå-turen" in body and "Gå-klubben" not in body

    offer_set_status(offer=cards, status=OfferStatus.PAUSED, actor=coordinator)
    assert "Kortklubben" not in client.get(URL).content.decode()

    choir.delete()
    body = client.get(URL).content.decode()
    assert "Koret" not in body
    assert body.count('data-testid="directory-result"') == 1


def test_a_new_meeting_time_shows_at_once_in_a_kept_search(client):
    club = offer(title="Gå-klubben", schedules=[weekly(TUE)])
    assert "tirsdag" in client.get(URL).content.decode()

    OfferSchedule.objects.filter(offer=club).delete()
    OfferSchedule.objects.create(
        offer=club, frequency="weekly", weekday=FRI, starts_at=time(10), ends_at=time(12)
    )

    body = client.get(URL).content.decode()
    assert "fredag" in body and "tirsdag" not in body


def test_staff_searches_are_never_kept(client):
    offer(title="Gå-klubben")
    client.force_login(_staff_who_may_view_offers())
    client.get(URL)
    offer(title="Samtalegruppe", is_public=False)
    Offer.objects.filter(title="Gå-klubben").update(title="Gå-turen")

    body = client.get(URL).content.decode()

    assert "Gå-turen" in body and "Samtalegruppe" in body
