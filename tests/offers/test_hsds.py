"""Open Referral HSDS 3.0: the export at /api/v1/offers/hsds/ and `manage.py import_hsds`."""

import copy
import gzip
import io
import json
import uuid
from datetime import date, time
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from jsonschema import Draft202012Validator, FormatChecker

from accounts.constants import Role, TeamKind
from accounts.models import Organisation
from accounts.services import organisation_create
from audit.models import AuditEvent
from matching.ranking import suggestions_for
from offers.constants import OfferStatus, SuggestionKind
from offers.hsds import hsds_import, offer_review_release, offer_to_hsds, offers_held_for_review
from offers.models import Offer
from offers.presentation import offer_status_steps
from offers.selectors import directory_area, directory_search, offer_managed_get
from offers.services import offer_set_status, organisation_contact_add
from places.models import Postcode
from tests.accounts.factories import TeamFactory, UserFactory
from tests.offers.factories import (
    an_organisation,
    biweekly,
    demo_postcodes,
    monthly,
    offer,
    once,
    weekly,
)
from tests.referrals.factories import make_referral
from tests.volunteers.factories import profile

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "hsds-3.0"
URL = "/api/v1/offers/hsds/"
MON, TUE, WED, THU, FRI = range(5)


@pytest.fixture(scope="module")
def service_schema():
    with gzip.open(SCHEMAS / "service.json.gz", "rt", encoding="utf-8") as f:
        schema = json.load(f)
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.fixture(scope="module")
def list_schemas():
    openapi = json.loads((SCHEMAS / "openapi.json").read_text(encoding="utf-8"))
    page = openapi["components"]["schemas"]["Page"]
    item = json.loads((SCHEMAS / "service_list.json").read_text(encoding="utf-8"))
    return (
        Draft202012Validator(page, format_checker=FormatChecker()),
        Draft202012Validator(item, format_checker=FormatChecker()),
    )


def _errors(validator, record) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(record)
    ]


def _rich_offer():
    organisation = an_organisation(
        name="Ældrefællesskabet", phone="+45 70 10 20 30", email="post@aeldre.invalid"
    )
    organisation_contact_add(
        organisation=organisation,
        name="Grethe Lund",
        title="Formand",
        phone="+45 20 11 22 33",
        email="grethe@aeldre.invalid",
        actor=None,
    )
    return offer(
        organisation=organisation,
        title="Spisevenner",
        description="Vi laver mad sammen.",
        activity_kinds=["food", "network_cafe"],
        interests=["meals"],
        target_groups=["seniors"],
        age_min=60,
        age_max=99,
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
        accessibility_note="Rampe ved bagindgangen.",
        transport_offered=True,
        transport_note="Bus 31 stopper ved døren.",
        languages=["da", "ar", "other"],
        host_name="Grethe",
        host_phone="+45 20 11 22 33",
        host_note="Grethe står ved døren.",
        accompaniment_possible=True,
        contact_phone="+45 70 10 20 31",
        contact_email="spis@aeldre.invalid",
        schedules=[
            weekly(TUE, time(14), time(16)),
            biweekly(THU, time(10)),
            monthly(MON, 1, time(9, 30)),
            monthly(FRI, -1, time(19)),
            monthly(WED, None, time(13)),
            once(date(2030, 3, 5), time(13), time(15)),
        ],
    )


# --- Export -------------------------------------------------------------------------------------


def test_the_schema_check_itself_can_fail(service_schema):
    assert _errors(service_schema, {"id": str(uuid.uuid4()), "name": "Uden status"})
    assert _errors(service_schema, {"id": "not-a-uuid", "name": "X", "status": "active"})


def test_every_exported_record_validates_against_the_compiled_service_schema(
    service_schema, list_schemas
):
    _rich_offer()
    offer(title="Telefonven", is_remote=True, strategy="personal_support")
    offer(title="Minimalt")

    body = Client().get(URL).json()

    assert body["total_items"] == 3
    for record in body["contents"]:
        assert _errors(service_schema, record) == [], record["name"]
    page, item = list_schemas
    assert _errors(page, body) == []
    for record in body["contents"]:
        assert _errors(item, record) == [], record["name"]


def test_the_export_maps_an_offer_to_hsds(service_schema):
    spisevenner = _rich_offer()

    record = offer_to_hsds(Offer.objects.get(pk=spisevenner.pk), base_url="https://brobyg.dk")

    assert record["id"] == str(spisevenner.pk)
    assert record["name"] == "Spisevenner"
    assert record["status"] == "active"
    assert record["url"] == f"https://brobyg.dk/tilbud/{spisevenner.pk}/"
    assert record["email"] == "spis@aeldre.invalid"
    assert (record["minimum_age"], record["maximum_age"]) == (60, 99)
    assert record["assured_date"] == date.today().isoformat()
    assert record["fees_description"] == "40 kr. (per gang). Fritidspas kan bruges"
    assert record["cost_options"] == [
        {
            "id": record["cost_options"][0]["id"],
            "service_id": str(spisevenner.pk),
            "currency": "DKK",
            "amount": 40.0,
            "amount_description": "per gang",
        }
    ]
    assert [(lang["code"], lang["name"]) for lang in record["languages"]] == [
        ("da", "dansk"),
        ("ar", "arabisk"),
    ]
    assert record["phones"][0]["number"] == "+45 70 10 20 31"
    assert record["contacts"][0]["name"] == "Grethe"
    assert record["contacts"][0]["title"] == "Vært"
    assert "Grethe tager imod nye." in record["application_process"]

    rules = {
        s["description"]: {k: s.get(k) for k in ("freq", "interval", "byday", "dtstart", "until")}
        for s in record["schedules"]
    }
    assert rules["Hver tirsdag kl. 14.00–16.00"] == {
        "freq": "WEEKLY",
        "interval": 1,
        "byday": "TU",
        "dtstart": None,
        "until": None,
    }
    # every other week says the first time it is counted from: "(fra …)"
    every_other = next(v for k, v in rules.items() if k.startswith("Hver anden torsdag kl. 10.00"))
    assert every_other["freq"] == "WEEKLY"
    assert every_other["interval"] == 2
    assert date.fromisoformat(every_other["dtstart"]).weekday() == THU
    assert rules["Første mandag i måneden kl. 09.30"]["byday"] == "1MO"
    assert rules["Sidste fredag i måneden kl. 19.00"]["byday"] == "-1FR"
    any_wednesday = rules["En onsdag om måneden kl. 13.00"]
    assert (any_wednesday["freq"], any_wednesday["byday"]) == ("MONTHLY", None)
    assert date.fromisoformat(any_wednesday["dtstart"]).weekday() == WED
    assert rules["Tirsdag 5. marts 2030 kl. 13.00–15.00"] == {
        "freq": None,
        "interval": None,
        "byday": None,
        "dtstart": "2030-03-05",
        "until": "2030-03-05",
    }
    tuesday = next(s for s in record["schedules"] if s.get("byday") == "TU")
    assert (tuesday["opens_at"], tuesday["closes_at"]) == ("14:00", "16:00")

    location = record["service_at_locations"][0]["location"]
    assert location["location_type"] == "physical"
    assert (location["latitude"], location["longitude"]) == (55.43, 10.45)
    assert location["transportation"] == "Bus 31 stopper ved døren."
    address = location["addresses"][0]
    assert (address["address_1"], address["postal_code"], address["city"], address["country"]) == (
        "Rismarksvej 4",
        "5240",
        "Odense NØ",
        "DK",
    )
    assert [a["description"] for a in location["accessibility"]] == [
        "Kørestolsadgang",
        "Teleslynge eller hjælp til hørelsen",
        "Rampe ved bagindgangen.",
    ]

    organisation = record["organization"]
    assert organisation["name"] == "Ældrefællesskabet"
    assert organisation["contacts"][0]["name"] == "Grethe Lund"
    assert organisation["contacts"][0]["phones"][0]["number"] == "+45 20 11 22 33"

    terms = {
        (a["taxonomy_term"]["taxonomy"], a["taxonomy_term"]["code"]) for a in record["attributes"]
    }
    assert {
        ("brobyg-strategy", "social_network"),
        ("brobyg-activity", "food"),
        ("brobyg-activity", "network_cafe"),
        ("brobyg-interest", "meals"),
        ("brobyg-target-group", "seniors"),
        ("brobyg-feature", "fritidspas"),
        ("brobyg-feature", "wheelchair"),
        ("brobyg-feature", "transport"),
        ("brobyg-feature", "accompaniment"),
    } <= terms
    # The same offer exports the same ids every time.
    assert offer_to_hsds(Offer.objects.get(pk=spisevenner.pk), base_url="https://brobyg.dk") == (
        record
    )
    assert _errors(service_schema, record) == []


def test_an_offer_by_phone_is_a_virtual_location(service_schema):
    telefonven = offer(title="Telefonven", is_remote=True, price_kind="free")

    record = offer_to_hsds(telefonven)

    location = record["service_at_locations"][0]["location"]
    assert location["location_type"] == "virtual"
    assert "addresses" not in location
    assert record["cost_options"][0]["amount"] == 0
    assert record["fees_description"] == "Gratis"
    assert _errors(service_schema, record) == []


def test_the_export_holds_only_public_active_offers_whoever_asks(client):
    offer(title="Gå-klubben")
    offer(title="Samtalegruppe", is_public=False)
    offer(title="Kortklubben", status=OfferStatus.PAUSED)
    staff = UserFactory(coordinator=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_offer"))
    client.force_login(staff)

    body = client.get(URL).json()

    assert [r["name"] for r in body["contents"]] == ["Gå-klubben"]


def test_the_export_pages_like_the_hsds_service_list(client):
    for n in range(5):
        offer(title=f"Tilbud {n}")

    first = client.get(URL, {"per_page": 2}).json()
    last = client.get(URL, {"per_page": 2, "page": 3}).json()

    assert {k: v for k, v in first.items() if k != "contents"} == {
        "total_items": 5,
        "total_pages": 3,
        "page_number": 1,
        "size": 2,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    assert [r["name"] for r in last["contents"]] == ["Tilbud 4"]
    assert (last["size"], last["first_page"], last["last_page"]) == (1, False, True)


def test_an_empty_export_says_so(client):
    body = client.get(URL).json()
    assert (body["total_items"], body["empty"], body["contents"]) == (0, True, [])


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "two"}, "page"),
        ({"page": "9"}, "page"),
        ({"per_page": "0"}, "per_page"),
        ({"per_page": "1000"}, "per_page"),
    ],
)
def test_a_bad_page_is_a_400_naming_it(client, params, field):
    offer(title="Gåtur")

    response = client.get(URL, params)

    assert response.status_code == 400
    assert list(response.json()) == [field]


# --- Import -------------------------------------------------------------------------------------


def _example(name: str):
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def test_the_specifications_example_list_imports_and_again_changes_nothing():
    demo_postcodes()
    data = _example("example-service_list.json")

    with translation.override("en"):
        report = hsds_import(data=data)

    assert [(r.action, r.name) for r in report.results] == [("created", "Community Counselling")]
    counselling = Offer.objects.get()
    assert counselling.organisation.name == "Example Organization Inc."
    assert counselling.organisation.kind == "association"
    assert counselling.description.startswith("Counselling Services provided")
    assert (counselling.age_min, counselling.age_max) == (12, 100)
    assert counselling.website == "http://example.com/counselling"
    assert counselling.contact_email == "email@example.com"
    assert counselling.strategy == "social_network"
    assert counselling.last_confirmed_on == date(2005, 1, 1)  # its assured_date
    # No team was given and it names no place: held until a coordinator has looked at it.
    assert counselling.status == OfferStatus.FOR_REVIEW
    assert counselling.review_reasons == ["no_team", "no_place"]
    assert report.results[0].notes == [
        "Held for review: No coordinating team keeps it up to date: choose one. No place is "
        "given, and the service does not say it is by phone or online: give the address, or "
        "check that it is by phone or online."
    ]
    events = AuditEvent.objects.count()

    again = hsds_import(data=data)

    assert [(r.action, r.name) for r in again.results] == [("unchanged", "Community Counselling")]
    assert Offer.objects.count() == 1
    assert Organisation.objects.filter(name="Example Organization Inc.").count() == 1
    assert AuditEvent.objects.count() == events


def test_a_changed_service_updates_the_offer_instead_of_duplicating_it():
    demo_postcodes()
    data = _example("example-service_list.json")
    hsds_import(data=data)
    changed = copy.deepcopy(data)
    changed["contents"][0]["description"] = "Nu også i weekenden."
    changed["contents"][0]["schedules"] = [
        {"id": str(uuid.uuid4()), "freq": "WEEKLY", "byday": "SA", "opens_at": "10:00"}
    ]

    report = hsds_import(data=changed)

    assert [r.action for r in report.results] == ["updated"]
    counselling = Offer.objects.get()
    assert counselling.description == "Nu også i weekenden."
    assert counselling.weekdays == [5]


def test_a_service_placed_outside_denmark_is_skipped_with_the_reason():
    demo_postcodes()

    report = hsds_import(data=_example("example-service_full.json"))

    assert [r.action for r in report.results] == ["skipped"]
    assert "ABC 1234" in report.results[0].reason
    assert not Offer.objects.exists()


def test_a_price_in_another_currency_is_skipped_with_the_reason():
    demo_postcodes()
    service = _example("example-service_full.json")
    service["service_at_locations"] = []

    report = hsds_import(data=[service])

    assert [r.action for r in report.results] == ["skipped"]
    assert "GBP" in report.results[0].reason


def test_an_export_imports_back_into_the_same_offers_unchanged():
    spisevenner = _rich_offer()
    telefonven = offer(title="Telefonven", is_remote=True, strategy="personal_support")
    exported = Client().get(URL).json()

    report = hsds_import(data=exported)

    assert sorted((r.action, r.name) for r in report.results) == [
        ("unchanged", "Spisevenner"),
        ("unchanged", "Telefonven"),
    ]
    assert {o.pk for o in Offer.objects.all()} == {spisevenner.pk, telefonven.pk}


def test_an_export_imported_elsewhere_keeps_what_the_offer_says():
    original = _rich_offer()
    record = Client().get(URL).json()["contents"][0]
    # As another installation of Brobyg would see it: a new id, a new organisation.
    record["id"] = str(uuid.uuid4())
    record["name"] = "Spisevenner i Vollsmose"
    record["organization"]["id"] = str(uuid.uuid4())
    record["organization"]["name"] = "Vollsmose Spiseklub"
    team = TeamFactory(name="Frivilligkoordinering")

    report = hsds_import(data=record, team=team)

    assert [r.action for r in report.results] == ["created"]
    copied = report.results[0].offer
    copied.refresh_from_db()
    assert copied.pk != original.pk
    assert copied.team == team
    assert copied.organisation.name == "Vollsmose Spiseklub"
    assert copied.organisation.contacts.get().name == "Grethe Lund"
    same = [
        "description",
        "strategy",
        "activity_kinds",
        "interests",
        "target_groups",
        "age_min",
        "age_max",
        "address",
        "postcode",
        "city",
        "latitude",
        "longitude",
        "price_kind",
        "price_amount",
        "price_note",
        "fritidspas",
        "wheelchair_accessible",
        "hearing_loop",
        "transport_offered",
        "transport_note",
        "accessibility_note",
        "host_name",
        "host_phone",
        "host_note",
        "accompaniment_possible",
        "is_group",
        "capacity",
        "languages",
        "last_confirmed_on",
        "contact_email",
        "contact_phone",
        "weekdays",
        "slots",
    ]
    assert {f: getattr(copied, f) for f in same} == {f: getattr(original, f) for f in same}
    assert copied.languages == ["da", "ar", "other"]
    assert copied.status == OfferStatus.ACTIVE

    def rules(o):
        return sorted(
            (s.frequency, s.weekday, s.week_of_month, s.date, s.starts_at, s.ends_at)
            for s in o.schedules.all()
        )

    assert rules(copied) == rules(original)


def test_an_inactive_service_archives_the_offer_it_matches():
    demo_postcodes()
    data = _example("example-service_list.json")
    hsds_import(data=data)
    data["contents"][0]["status"] = "inactive"

    report = hsds_import(data=data)

    assert [r.action for r in report.results] == ["updated"]
    assert Offer.objects.get().status == OfferStatus.ARCHIVED
    assert [r.action for r in hsds_import(data=data).results] == ["skipped"]


def test_the_command_reports_created_updated_and_skipped(tmp_path):
    demo_postcodes()
    data = _example("example-service_list.json")
    outside = _example("example-service_full.json")
    outside["name"] = "Outside Denmark"
    path = tmp_path / "services.json"
    path.write_text(json.dumps([data["contents"][0], outside]), encoding="utf-8")
    out = io.StringIO()

    call_command("import_hsds", str(path), "--strategy", "psychological_treatment", stdout=out)

    text = out.getvalue()
    assert "created: Community Counselling" in text
    assert "skipped: Outside Denmark – Stedet har intet dansk postnummer (ABC 1234)." in text
    assert "1 created, 0 updated, 0 unchanged, 1 skipped; 1 held for review." in text
    assert Offer.objects.get().strategy == "psychological_treatment"

    out = io.StringIO()
    call_command("import_hsds", str(path), stdout=out)
    assert "0 created, 0 updated, 1 unchanged, 1 skipped; 1 held for review." in out.getvalue()


def test_the_command_refuses_what_it_cannot_read(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    nothing = tmp_path / "nothing.json"
    nothing.write_text('{"hello": "world"}', encoding="utf-8")

    with pytest.raises(CommandError, match="JSON"):
        call_command("import_hsds", str(broken))
    with pytest.raises(CommandError, match="HSDS"):
        call_command("import_hsds", str(nothing))
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_hsds", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="team"):
        call_command("import_hsds", str(nothing), "--team", "Findes ikke")
    assert not Offer.objects.exists()


# --- Held for review: no coordinating team, or no place -------------------------------------


def _danish_service(**extra) -> dict:
    """A service another system publishes, in Odense, as HSDS gives it."""
    service_id = str(uuid.uuid4())
    location_id = str(uuid.uuid4())
    return {
        "id": service_id,
        "name": "Strikkecafé",
        "description": "Vi strikker og drikker kaffe.",
        "status": "active",
        "assured_date": "2030-01-02",
        "organization": {
            "id": str(uuid.uuid4()),
            "name": "Strikkeforeningen",
            "description": "En forening",
        },
        "schedules": [
            {"id": str(uuid.uuid4()), "freq": "WEEKLY", "byday": "TU", "opens_at": "14:00"}
        ],
        "service_at_locations": [
            {
                "id": str(uuid.uuid4()),
                "location": {
                    "id": location_id,
                    "location_type": "physical",
                    "name": "Kulturhuset",
                    "addresses": [
                        {
                            "id": str(uuid.uuid4()),
                            "address_1": "Torvet 1",
                            "city": "Odense C",
                            "postal_code": "5000",
                            "country": "DK",
                        }
                    ],
                },
            }
        ],
        **extra,
    }


def _citizen_in_odense():
    citizen = make_referral(postcode="5000").referral.case.citizen
    profile(citizen, max_distance_km=25, accepts_remote=True)
    return citizen


def _suggested(citizen) -> set:
    return {s.id for s in suggestions_for(citizen=citizen)[SuggestionKind.OFFER]}


def _in_directory(held) -> bool:
    area = directory_area(text="5000")
    return any(
        directory_search(user=user, area=area).filter(pk=held.pk).exists()
        for user in (None, UserFactory(admin=True))
    )


def test_an_offer_imported_without_a_team_is_held_out_of_the_directory_and_matching():
    demo_postcodes()
    citizen = _citizen_in_odense()

    with translation.override("en"):
        report = hsds_import(data=_danish_service())

    result = report.results[0]
    held = Offer.objects.get(pk=result.offer.pk)
    assert (result.action, held.status, held.team) == ("created", OfferStatus.FOR_REVIEW, None)
    assert result.held
    assert any("No coordinating team" in note for note in result.notes), result.notes
    assert not _in_directory(held)
    assert held.pk not in _suggested(citizen)
    assert Client().get(URL).json()["total_items"] == 0
    assert Client().get(reverse("directory:offer", args=[held.pk])).status_code == 404


def test_a_held_offer_is_not_made_active_until_a_team_keeps_it():
    demo_postcodes()
    held = hsds_import(data=_danish_service()).results[0].offer
    admin = UserFactory(admin=True)

    assert not offer_status_steps(offer=held).activate
    with pytest.raises(ValidationError) as refused:
        offer_set_status(offer=held, status=OfferStatus.ACTIVE, actor=admin)
    assert "team" in refused.value.message_dict
    assert Offer.objects.get(pk=held.pk).status == OfferStatus.FOR_REVIEW


def test_coordinators_find_held_offers_and_one_takes_it_on_for_their_team():
    # given: an offer held because no team keeps it, two coordinators and a bridge-builder
    demo_postcodes()
    citizen = _citizen_in_odense()
    team = TeamFactory(kind=TeamKind.VOLUNTEER_COORDINATION, name="Frivillig Odense")
    coordinator = UserFactory(coordinator=True, team=team)
    elsewhere = UserFactory(
        coordinator=True, team=TeamFactory(kind=TeamKind.VOLUNTEER_COORDINATION)
    )
    held = hsds_import(data=_danish_service()).results[0].offer

    # then: coordinators and admins find it in the review list, others do not
    for user in (coordinator, elsewhere, UserFactory(admin=True)):
        assert list(offers_held_for_review(user=user)) == [held], user
    assert not offers_held_for_review(user=UserFactory(role=Role.BRIDGE_BUILDER)).exists()
    # nobody may take it on for a team they are not on
    with pytest.raises(PermissionDenied):
        offer_review_release(offer=held, team=team, actor=elsewhere)

    # when: the coordinator takes it on for their team and makes it active
    offer_review_release(offer=held, team=team, actor=coordinator)

    # then: it is theirs, in the directory and in matching
    held.refresh_from_db()
    assert (held.status, held.team, held.review_reasons) == (OfferStatus.ACTIVE, team, [])
    assert offer_managed_get(user=coordinator, offer_id=held.pk) == held
    assert not offers_held_for_review(user=coordinator).exists()
    assert _in_directory(held)
    assert held.pk in _suggested(citizen)


def test_with_a_team_the_import_is_active_and_the_teams_coordinators_keep_it(client):
    demo_postcodes()
    team = TeamFactory(kind=TeamKind.VOLUNTEER_COORDINATION)
    coordinator = UserFactory(coordinator=True, team=team)

    result = hsds_import(data=_danish_service(), team=team).results[0]

    assert (result.offer.status, result.offer.team, result.held) == (
        OfferStatus.ACTIVE,
        team,
        False,
    )
    client.force_login(coordinator)
    assert client.get(reverse("offers:offer_edit", args=[result.offer.pk])).status_code == 200


def test_the_organisations_own_coordinating_team_keeps_what_it_runs():
    demo_postcodes()
    centre = organisation_create(name="Frivilligcenter Odense", kind="volunteer_centre")
    team = TeamFactory(organisation=centre, kind=TeamKind.VOLUNTEER_COORDINATION)
    service = _danish_service()
    service["organization"] = {"id": str(centre.pk), "name": centre.name, "description": "x"}

    result = hsds_import(data=service).results[0]

    assert (result.offer.status, result.offer.team) == (OfferStatus.ACTIVE, team)


def test_a_coordinator_makes_a_held_offer_of_their_team_active_from_its_page(client):
    # given: the import had a team but the service gives no place
    demo_postcodes()
    team = TeamFactory(kind=TeamKind.VOLUNTEER_COORDINATION)
    coordinator = UserFactory(coordinator=True, team=team)
    service = _danish_service()
    del service["service_at_locations"]
    held = hsds_import(data=service, team=team).results[0].offer
    assert held.status == OfferStatus.FOR_REVIEW
    client.force_login(coordinator)

    # the coordinator's list shows it with its status, and its page offers to make it active
    listed = client.get(reverse("offers:offer_list"), {"status": "for_review"})
    assert held.title in listed.content.decode()
    assert offer_status_steps(offer=held).activate
    response = client.post(
        reverse("offers:offer_status", args=[held.pk]), {"action": "active"}, follow=True
    )

    assert response.status_code == 200
    held.refresh_from_db()
    assert (held.status, held.review_reasons) == (OfferStatus.ACTIVE, [])


def test_the_hsds_example_service_is_held_not_suggested_to_every_citizen():
    # The specification's example (a counselling service in "MyCity") gives no place at all.
    demo_postcodes()
    citizen = _citizen_in_odense()
    team = TeamFactory(kind=TeamKind.VOLUNTEER_COORDINATION)

    with translation.override("en"):
        listed = hsds_import(data=_example("example-service_list.json"), team=team)
        full = hsds_import(data=_example("example-service_full.json"), team=team)

    result = listed.results[0]
    assert (result.action, result.offer.status) == ("created", OfferStatus.FOR_REVIEW)
    assert result.offer.review_reasons == ["no_place"]
    assert any("does not say it is by phone or online" in n for n in result.notes), result.notes
    # the full example is placed outside Denmark: not imported at all
    assert [r.action for r in full.results] == ["skipped"]
    assert _suggested(citizen) == set()
    assert not _in_directory(result.offer)


@pytest.mark.parametrize(
    "says",
    [
        {
            "service_at_locations": [
                {
                    "id": str(uuid.uuid4()),
                    "location": {
                        "id": str(uuid.uuid4()),
                        "location_type": "virtual",
                        "name": "Telefonen",
                    },
                }
            ]
        },
        {
            "service_at_locations": [],
            "attributes": [
                {
                    "id": str(uuid.uuid4()),
                    "taxonomy_term": {
                        "id": str(uuid.uuid4()),
                        "code": "telephone-support",
                        "name": "Telephone support",
                        "taxonomy": "delivery",
                    },
                }
            ],
        },
        {
            "schedules": [
                {
                    "id": str(uuid.uuid4()),
                    "freq": "WEEKLY",
                    "byday": "TU",
                    "opens_at": "14:00",
                    "attending_type": "Online, via video",
                }
            ],
        },
    ],
    ids=["virtual location", "a term for phone", "attended online"],
)
def test_a_service_without_a_place_is_by_phone_or_online_only_when_it_says_so(says):
    demo_postcodes()
    team = TeamFactory(kind=TeamKind.VOLUNTEER_COORDINATION)
    service = _danish_service()
    del service["service_at_locations"]
    service.update(says)

    result = hsds_import(data=service, team=team).results[0]

    assert (result.offer.status, result.offer.is_remote) == (OfferStatus.ACTIVE, True)
    assert not result.held


def test_a_held_offer_stays_held_when_imported_again_and_a_team_given_later_keeps_it():
    demo_postcodes()
    service = _danish_service()
    held = hsds_import(data=service).results[0].offer
    assert [r.action for r in hsds_import(data=service).results] == ["unchanged"]
    team = TeamFactory(kind=TeamKind.VOLUNTEER_COORDINATION)

    report = hsds_import(data=service, team=team)

    held.refresh_from_db()
    assert [r.action for r in report.results] == ["updated"]
    # the team's coordinators now see it on their list and make it active themselves
    assert (held.status, held.team, held.review_reasons) == (OfferStatus.FOR_REVIEW, team, [])
    assert offer_status_steps(offer=held).activate


def test_the_review_command_lists_held_offers_with_why_and_releases_one():
    demo_postcodes()
    held = hsds_import(data=_danish_service()).results[0].offer
    team = TeamFactory(kind=TeamKind.VOLUNTEER_COORDINATION, name="Frivillig Odense")
    out = io.StringIO()

    with translation.override("en"):
        call_command("hsds_review", stdout=out)

    assert f"{held.pk}  Strikkecafé (Strikkeforeningen), -" in out.getvalue()
    assert "No coordinating team keeps it up to date" in out.getvalue()
    assert "1 held for review." in out.getvalue()
    with pytest.raises(CommandError, match="team"):
        call_command("hsds_review", "--release", str(held.pk))
    with pytest.raises(CommandError, match="held"):
        call_command("hsds_review", "--release", "nope", "--team", team.name)

    call_command("hsds_review", "--release", str(held.pk), "--team", team.name, stdout=out)

    held.refresh_from_db()
    assert (held.status, held.team) == (OfferStatus.ACTIVE, team)
    assert "active: Strikkecafé, kept by Frivillig Odense" in out.getvalue()


def test_an_offer_in_a_private_home_is_published_without_its_address():
    home = offer(address="Rosenvænget 12", in_private_home=True)
    centre = Postcode.objects.get(code=home.postcode)

    location = offer_to_hsds(home, base_url="https://brobyg.example")["service_at_locations"][0][
        "location"
    ]

    assert "Rosenvænget" not in json.dumps(location, ensure_ascii=False)
    assert (location["latitude"], location["longitude"]) == (centre.latitude, centre.longitude)
    assert location["addresses"][0]["postal_code"] == home.postcode
