"""Offers changed in the Django admin go through the offer services, like the coordinators' pages:
the weekdays and times of the week follow the meetings, the place is geocoded, the choices are
checked and the change is in the audit trail. What a service refuses is a form error, and
nothing of the change is saved."""

from datetime import date, time

import pytest
from django.utils import timezone

from accounts.models import User
from audit.constants import AuditAction
from audit.models import AuditEvent
from matching.services import match_propose
from offers.constants import OfferStatus
from offers.models import Offer, OfferSchedule
from offers.services import OFFER_FIELDS
from tests.accounts.factories import TeamFactory, UserFactory
from tests.offers.factories import an_organisation, demo_postcodes, offer, weekly
from tests.referrals.factories import make_referral

pytestmark = pytest.mark.django_db

ODENSE_C = (55.3959, 10.3883)
ODENSE_V = (55.3925, 10.3300)
SCHEDULE_FIELDS = [
    "frequency",
    "weekday",
    "week_of_month",
    "date",
    "starts_at",
    "ends_at",
    "valid_from",
    "valid_until",
]


@pytest.fixture(autouse=True)
def _postcodes():
    demo_postcodes()


@pytest.fixture
def root(client):
    user = User.objects.create_superuser("root", "root@example.invalid", "x-long-password")
    client.force_login(user)
    return user


def _value(value):
    if value is None:
        return ""
    if value is True:
        return "on"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return str(value)


def _schedule_rows(*rows, initial=0):
    """The schedule inline's POST data: one dict per row (existing rows first)."""
    data = {
        "schedules-TOTAL_FORMS": str(len(rows)),
        "schedules-INITIAL_FORMS": str(initial),
        "schedules-MIN_NUM_FORMS": "0",
        "schedules-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            if value is not False:
                data[f"schedules-{index}-{name}"] = _value(value)
    return data


def _existing_rows(an_offer) -> list[dict]:
    return [
        {"id": s.pk, "offer": an_offer.pk} | {f: getattr(s, f) for f in SCHEDULE_FIELDS}
        for s in an_offer.schedules.all()
    ]


def _offer_form(an_offer, *rows, **changes) -> dict:
    """The change form as the admin shows it for the offer, with `changes` made."""
    values = {f: getattr(an_offer, f) for f in OFFER_FIELDS} | {
        # read-only in the admin, but an old page or a hand-made POST may still send them
        "organisation": an_offer.organisation_id,
        "team": an_offer.team_id,
        "last_confirmed_on": an_offer.last_confirmed_on,
        "status": an_offer.status,
    }
    values.update(changes)
    data = {}
    for name, value in values.items():
        if isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif value is not False:
            data[name] = _value(value)
    rows = rows or tuple(_existing_rows(an_offer))
    return data | _schedule_rows(*rows, initial=len(rows))


def _url(an_offer) -> str:
    return f"/django-admin/offers/offer/{an_offer.pk}/change/"


def _form_errors(response) -> dict:
    return response.context["adminform"].form.errors


def test_an_offer_added_in_the_admin_gets_its_weekdays_place_and_audit_row(client, root):
    organisation = an_organisation(name="Gåklubben")
    team = TeamFactory()
    data = {
        "organisation": str(organisation.pk),
        "team": str(team.pk),
        "title": "Gåtur ved åen",
        "description": "Vi går en tur langs Odense Å og drikker kaffe bagefter.",
        "strategy": "social_network",
        "activity_kinds": ["nature", "exercise"],
        "interests": ["walking"],
        "address": "Munke Mose 1",
        "postcode": "5000",
        "city": "Odense C",
        "price_kind": "free",
        "is_group": "on",
        "is_public": "on",
        "call_days_before": "1",
        "status": OfferStatus.ACTIVE,
    } | _schedule_rows({"frequency": "weekly", "weekday": 1, "starts_at": "14:00"})
    assert client.get("/django-admin/offers/offer/add/").status_code == 200

    response = client.post("/django-admin/offers/offer/add/", data)

    assert response.status_code == 302, _form_errors(response)
    created = Offer.objects.get(title="Gåtur ved åen")
    # Tuesday, in the afternoon (slot 1 * 3 + 1), as matching and the directory filter on them
    assert (created.weekdays, created.slots) == ([1], [4])
    assert (created.latitude, created.longitude) == ODENSE_C
    assert (created.organisation, created.team) == (organisation, team)
    assert created.activity_kinds == ["nature", "exercise"]
    assert AuditEvent.objects.filter(
        actor=root, action=AuditAction.CREATE, object_id=str(created.pk)
    ).exists()


def test_an_offer_changed_in_the_admin_is_located_again_and_its_weekdays_follow_its_meetings(
    client, root
):
    # given: a walk on Mondays at ten, in Odense C
    walk = offer(schedules=[weekly(0, start=time(10), end=time(12))])
    assert (walk.weekdays, walk.slots) == ([0], [0])
    [row] = _existing_rows(walk)

    # when: it moves to Odense V, on Thursday evenings
    response = client.post(
        _url(walk),
        _offer_form(
            walk,
            row | {"weekday": 3, "starts_at": time(18), "ends_at": time(20)},
            postcode="5200",
            city="Odense V",
        ),
    )

    # then
    assert response.status_code == 302, _form_errors(response)
    walk.refresh_from_db()
    assert (walk.weekdays, walk.slots) == ([3], [11])
    assert (walk.latitude, walk.longitude) == ODENSE_V
    assert list(walk.schedules.values_list("weekday", "starts_at")) == [(3, time(18))]
    fields = [
        event.fields
        for event in AuditEvent.objects.filter(
            actor=root, action=AuditAction.UPDATE, object_id=str(walk.pk)
        )
    ]
    assert ["postcode", "city"] in fields
    assert ["schedules"] in fields


def test_a_meeting_removed_in_the_admin_leaves_the_weekdays(client, root):
    walk = offer(schedules=[weekly(0), weekly(4, start=time(19), end=time(21))])
    monday, friday = _existing_rows(walk)

    response = client.post(_url(walk), _offer_form(walk, monday, friday | {"DELETE": "on"}))

    assert response.status_code == 302, _form_errors(response)
    walk.refresh_from_db()
    assert (walk.weekdays, walk.slots) == ([0], [1])
    assert walk.schedules.count() == 1


def test_a_choice_the_service_refuses_is_a_form_error_and_nothing_is_saved(client, root):
    walk = offer(schedules=[weekly(0)], title="Gåtur")

    # a price is chosen without saying how much: the model allows it, the service does not
    response = client.post(
        _url(walk), _offer_form(walk, title="Gåtur i skoven", price_kind="paid", price_amount=None)
    )

    assert response.status_code == 200
    assert "price_amount" in _form_errors(response)
    walk.refresh_from_db()
    assert (walk.title, walk.price_kind) == ("Gåtur", "free")
    assert not AuditEvent.objects.filter(actor=root, content_type__app_label="offers").exists()


def test_a_meeting_the_service_refuses_is_a_form_error_and_nothing_is_saved(client, root):
    walk = offer(schedules=[weekly(0, start=time(10))], title="Gåtur")
    [row] = _existing_rows(walk)

    # the meeting ends before it starts, and the title changes in the same save
    response = client.post(
        _url(walk),
        _offer_form(
            walk,
            row | {"weekday": 2, "starts_at": time(15), "ends_at": time(14)},
            title="Gåtur om onsdagen",
        ),
    )

    assert response.status_code == 200
    assert _form_errors(response).get("__all__")
    walk.refresh_from_db()
    assert walk.title == "Gåtur"
    assert (walk.weekdays, walk.slots) == ([0], [0])
    assert list(walk.schedules.values_list("weekday", "starts_at")) == [(0, time(10))]
    assert not AuditEvent.objects.filter(actor=root, content_type__app_label="offers").exists()


def test_categories_are_chosen_from_the_list_and_an_unknown_one_is_refused(client, root):
    walk = offer(activity_kinds=["nature"])
    page = client.get(_url(walk)).content.decode()
    assert 'type="checkbox" name="activity_kinds" value="nature"' in page

    response = client.post(_url(walk), _offer_form(walk, activity_kinds=["nature", "knitting"]))

    assert response.status_code == 200
    assert "activity_kinds" in _form_errors(response)
    walk.refresh_from_db()
    assert walk.activity_kinds == ["nature"]


def test_the_status_changes_through_the_service_and_a_refused_step_is_a_form_error(client, root):
    walk = offer(status=OfferStatus.ARCHIVED)

    # an archived offer is made active again, not paused
    response = client.post(_url(walk), _offer_form(walk, status=OfferStatus.PAUSED))

    assert response.status_code == 200
    assert "status" in _form_errors(response)
    assert Offer.objects.get(pk=walk.pk).status == OfferStatus.ARCHIVED

    response = client.post(_url(walk), _offer_form(walk, status=OfferStatus.ACTIVE))

    assert response.status_code == 302, _form_errors(response)
    assert Offer.objects.get(pk=walk.pk).status == OfferStatus.ACTIVE
    assert AuditEvent.objects.filter(
        actor=root, action=AuditAction.UPDATE, object_id=str(walk.pk), fields=["status"]
    ).exists()


def test_the_place_and_derived_fields_are_not_typed_in_the_admin(client, root):
    walk = offer()
    response = client.post(_url(walk), _offer_form(walk, latitude="1.0", longitude="2.0"))

    assert response.status_code == 302, _form_errors(response)
    walk.refresh_from_db()
    assert (walk.latitude, walk.longitude) == ODENSE_C
    page = client.get(_url(walk)).content.decode()
    for name in ("latitude", "longitude", "weekdays", "slots", "last_confirmed_on"):
        assert f'name="{name}"' not in page


def test_an_offer_with_matches_is_archived_not_deleted_and_one_without_can_go(client, root):
    # given: a citizen has been proposed the offer
    walk = offer()
    builder = UserFactory(bridge_builder=True)
    match_propose(case=make_referral().referral.case, offer=walk, actor=builder)

    # then: it cannot be deleted in the admin, one or many at a time
    assert client.get(f"/django-admin/offers/offer/{walk.pk}/delete/").status_code == 403
    assert "delete_selected" not in client.get("/django-admin/offers/offer/").content.decode()

    # and it is archived instead, through the service
    response = client.post(
        "/django-admin/offers/offer/",
        {"action": "archive_offers", "_selected_action": [str(walk.pk)]},
    )

    assert response.status_code == 302
    assert Offer.objects.get(pk=walk.pk).status == OfferStatus.ARCHIVED
    assert AuditEvent.objects.filter(
        actor=root, action=AuditAction.UPDATE, object_id=str(walk.pk), fields=["status"]
    ).exists()

    # an offer made by mistake, never proposed to anyone, can be deleted, with an audit row
    mistake = offer(schedules=[weekly(2)])

    response = client.post(f"/django-admin/offers/offer/{mistake.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Offer.objects.filter(pk=mistake.pk).exists()
    assert not OfferSchedule.objects.filter(offer_id=mistake.pk).exists()
    assert AuditEvent.objects.filter(
        actor=root, action=AuditAction.DELETE, object_id=str(mistake.pk)
    ).exists()


def test_offers_are_marked_up_to_date_through_the_service(client, root):
    walk = offer()
    # given: last confirmed long ago (no service dates a confirmation back)
    Offer.objects.filter(pk=walk.pk).update(last_confirmed_on=date(2020, 1, 1))

    response = client.post(
        "/django-admin/offers/offer/",
        {"action": "confirm_offers", "_selected_action": [str(walk.pk)]},
    )

    assert response.status_code == 302
    assert Offer.objects.get(pk=walk.pk).last_confirmed_on == timezone.localdate()
    assert AuditEvent.objects.filter(
        actor=root, object_id=str(walk.pk), fields=["last_confirmed_on"]
    ).exists()
