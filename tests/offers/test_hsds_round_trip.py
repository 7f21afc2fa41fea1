"""An offer exported as HSDS 3.0 and imported again, into an empty database or over itself, is
the same offer: the same ids, the same fields, the same record when exported once more.

What HSDS does not carry is listed in offers/hsds/__init__.py; the comparisons below leave out
exactly that and nothing else."""

from datetime import date, time

import pytest
from django.test import Client
from django.utils import translation

from accounts.constants import OrganisationKind
from accounts.models import Organisation
from audit.models import AuditEvent
from offers.constants import OfferStatus
from offers.hsds import hsds_import
from offers.models import Offer, OrganisationContact, offer_stale_before
from offers.services import offer_set_schedules, organisation_contact_add
from tests.accounts.factories import TeamFactory
from tests.offers.factories import an_organisation, biweekly, monthly, offer, once, weekly

pytestmark = pytest.mark.django_db

URL = "/api/v1/offers/hsds/"
MON, TUE, WED, THU, FRI = range(5)

# Offer fields HSDS does not carry (offers/hsds/__init__.py): when the row was written, and
# places taken, which only this installation's matches fill.
NOT_CARRIED = {"created_at", "updated_at", "places_taken"}
# Organisation fields HSDS does not carry.
ORGANISATION_NOT_CARRIED = {"created_at", "updated_at", "municipality_code", "is_active"}
# When this installation last changed the record: a new row elsewhere has its own.
RECORD_NOT_CARRIED = {"last_modified"}
# Last confirmed long enough ago to be stale.
STALE_DAY = date(2024, 1, 5)


def _full_offer():
    """An offer with every field a coordinator can fill, run by a volunteer centre."""
    organisation = an_organisation(
        name="Frivilligcenter Nordfyn",
        kind=OrganisationKind.VOLUNTEER_CENTRE,
        phone="+45 70 10 20 30",
        email="post@frivillig.invalid",
        website="https://frivillig.example.dk",
    )
    for name, title, phone in (
        ("Grethe Lund", "Formand", "+45 20 11 22 33"),
        ("Bo Hansen", "Kasserer", ""),
    ):
        organisation_contact_add(
            organisation=organisation,
            name=name,
            title=title,
            phone=phone,
            email=f"{name.split()[0].lower()}@frivillig.invalid",
            actor=None,
        )
    team = TeamFactory(name="Frivilligkoordineringen")
    created = offer(
        organisation=organisation,
        team=team,
        title="Spisevenner",
        description="Vi laver mad sammen og spiser ved det lange bord.",
        strategy="personal_support",
        activity_kinds=["food", "network_cafe"],
        interests=["meals", "cooking"],
        target_groups=["seniors", "bereaved"],
        age_min=60,
        age_max=99,
        is_group=False,
        address="Rismarksvej 4",
        postcode="5240",
        city="Odense NØ",
        capacity=12,
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
        host_note="Grethe står ved døren med kaffe.",
        accompaniment_possible=True,
        contact_phone="+45 70 10 20 31",
        contact_email="spis@frivillig.invalid",
        website="https://frivillig.example.dk/spisevenner",
        schedules=[
            # A season: the summer's Tuesdays.
            weekly(
                TUE,
                time(14),
                time(16),
                valid_from=date(2030, 5, 7),
                valid_until=date(2030, 8, 27),
            ),
            {**biweekly(THU, time(10), time(12)), "valid_from": date(2030, 1, 3)},
            monthly(MON, 1, time(9, 30)),
            {**monthly(FRI, -1, time(19)), "valid_until": date(2030, 12, 31)},
            {**monthly(WED, None, time(13)), "valid_from": date(2030, 2, 6)},
            once(date(2030, 3, 5), time(13), time(15)),
        ],
    )
    # Last confirmed long ago: nothing in Brobyg sets a past date but the passing of time.
    Offer.objects.filter(pk=created.pk).update(last_confirmed_on=STALE_DAY)
    return Offer.objects.get(pk=created.pk), team


def _export() -> list[dict]:
    return Client().get(URL).json()["contents"]


def _carried(records: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in RECORD_NOT_CARRIED} for r in records]


def _row(instance, leave_out=frozenset()) -> dict:
    return {
        field.attname: getattr(instance, field.attname)
        for field in type(instance)._meta.concrete_fields
        if field.name not in leave_out
    }


def _state(offer_id) -> dict:
    """Everything Brobyg keeps about the offer, field by field."""
    found = Offer.objects.get(pk=offer_id)
    return {
        "offer": _row(found, NOT_CARRIED),
        "schedules": sorted(
            (
                s.frequency,
                s.weekday,
                s.week_of_month,
                s.date,
                s.starts_at,
                s.ends_at,
                s.valid_from,
                s.valid_until,
            )
            for s in found.schedules.all()
        ),
        "organisation": _row(found.organisation, ORGANISATION_NOT_CARRIED),
        "contacts": sorted(
            (c.name, c.title, c.email, c.phone) for c in found.organisation.contacts.all()
        ),
    }


def _empty_the_database(offer_id) -> None:
    """As another installation of Brobyg starts: without the offer and its organisation."""
    found = Offer.objects.get(pk=offer_id)
    organisation = found.organisation
    found.delete()
    OrganisationContact.objects.filter(organisation=organisation).delete()
    organisation.delete()


def test_a_full_offer_exported_and_imported_into_an_empty_database_is_the_same_offer():
    # given: a full, stale offer and its export
    original, team = _full_offer()
    before = _state(original.pk)
    first = _export()
    assert [r["id"] for r in first] == [str(original.pk)]
    _empty_the_database(original.pk)

    # when
    report = hsds_import(data={"contents": first}, team=team)

    # then: the same offer, field by field, under the same id
    assert [(r.action, r.name) for r in report.results] == [("created", "Spisevenner")]
    assert report.results[0].offer.pk == original.pk
    assert _state(original.pk) == before
    # the host's words, the organisation's kind and the last confirmation came along
    copied = Offer.objects.select_related("organisation").get(pk=original.pk)
    assert copied.host_note == "Grethe står ved døren med kaffe."
    assert copied.organisation.kind == OrganisationKind.VOLUNTEER_CENTRE
    assert copied.last_confirmed_on == STALE_DAY
    assert copied.is_stale
    # and it exports as the same record
    assert _carried(_export()) == _carried(first)


def test_a_second_import_of_the_same_file_changes_nothing():
    original, team = _full_offer()
    first = _export()
    _empty_the_database(original.pk)
    hsds_import(data=first, team=team)
    events = AuditEvent.objects.count()
    updated_at = Offer.objects.get(pk=original.pk).updated_at

    again = hsds_import(data=first, team=team)

    assert [r.action for r in again.results] == ["unchanged"]
    assert AuditEvent.objects.count() == events
    assert Offer.objects.get(pk=original.pk).updated_at == updated_at
    assert Organisation.objects.filter(name="Frivilligcenter Nordfyn").count() == 1


def test_an_own_export_imported_over_itself_changes_nothing():
    original, _team = _full_offer()
    before = _state(original.pk)
    first = _export()
    events = AuditEvent.objects.count()

    report = hsds_import(data=first)

    assert [(r.action, r.offer.pk) for r in report.results] == [("unchanged", original.pk)]
    assert Offer.objects.count() == 1
    assert _state(original.pk) == before
    assert AuditEvent.objects.count() == events
    # last_modified included: nothing changed
    assert _export() == first


def test_an_import_never_makes_a_stale_offer_look_confirmed():
    original, team = _full_offer()
    record = _export()[0]
    assert record["assured_date"] == STALE_DAY.isoformat()
    _empty_the_database(original.pk)

    hsds_import(data=record, team=team)

    copied = Offer.objects.get(pk=original.pk)
    assert copied.last_confirmed_on == STALE_DAY
    assert copied.last_confirmed_on < offer_stale_before()


def test_a_later_check_elsewhere_moves_the_confirmation_on_and_an_older_one_does_not():
    original, _team = _full_offer()
    record = _export()[0]

    record["assured_date"] = "2025-06-30"
    hsds_import(data=record)
    assert Offer.objects.get(pk=original.pk).last_confirmed_on == date(2025, 6, 30)

    record["assured_date"] = "2023-01-01"
    assert [r.action for r in hsds_import(data=record).results] == ["unchanged"]
    assert Offer.objects.get(pk=original.pk).last_confirmed_on == date(2025, 6, 30)


def test_a_service_that_never_says_when_it_was_checked_counts_as_not_confirmed():
    original, team = _full_offer()
    record = _export()[0]
    del record["assured_date"], record["last_modified"]
    _empty_the_database(original.pk)

    with translation.override("en"):
        report = hsds_import(data=record, team=team)

    copied = Offer.objects.get(pk=original.pk)
    assert copied.is_stale
    assert any("when it was last checked" in note for note in report.results[0].notes)


def test_meeting_times_keep_their_ids_when_they_are_saved_again():
    original, _team = _full_offer()
    first = _export()[0]["schedules"]
    rows = [
        {
            name: getattr(s, name)
            for name in (
                "frequency",
                "weekday",
                "week_of_month",
                "date",
                "starts_at",
                "ends_at",
                "valid_from",
                "valid_until",
            )
        }
        for s in original.schedules.all()
    ]

    offer_set_schedules(offer=original, schedules=rows, actor=None)

    assert _export()[0]["schedules"] == first


def test_a_temporarily_closed_service_imports_paused():
    original, team = _full_offer()
    record = _export()[0]
    record["status"] = "temporarily closed"
    _empty_the_database(original.pk)

    hsds_import(data=record, team=team)

    assert Offer.objects.get(pk=original.pk).status == OfferStatus.PAUSED


def test_an_offer_by_phone_round_trips_too():
    team = TeamFactory()
    by_phone = offer(
        team=team,
        title="Telefonvenner",
        is_remote=True,
        strategy="personal_support",
        activity_kinds=["visiting_friend"],
        is_group=False,
        hearing_loop=True,
        accessibility_note="Vi taler langsomt og tydeligt.",
        price_note="Det koster kun prisen for en opringning.",
        languages=["da", "uk"],
        host_name="Birthe",
        host_note="Birthe ringer dig op første gang.",
        schedules=[weekly(WED, time(10), time(11))],
    )
    before = _state(by_phone.pk)
    first = _export()
    _empty_the_database(by_phone.pk)

    report = hsds_import(data=first, team=team)

    assert [(r.action, r.held) for r in report.results] == [("created", False)]
    assert _state(by_phone.pk) == before
    assert _carried(_export()) == _carried(first)
