"""The coordinator's offer form and its meeting times: a save keeps what it does not change, every
other week is counted from a day that does not move, a season shows in the directory and is no
meeting time once it is over, and everything wrong with a form is said in one go."""

from datetime import date, time, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from offers import migrations
from offers.hsds import offer_to_hsds
from offers.models import Offer, OfferSchedule
from offers.services import offer_create, offer_set_schedules
from tests.accounts.factories import UserFactory
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer, organisation

pytestmark = pytest.mark.django_db

MON, TUE, THU = 0, 1, 3
SCHEDULE_FIELDS = [
    "id",
    "frequency",
    "weekday",
    "week_of_month",
    "date",
    "starts_at",
    "ends_at",
    "valid_from",
    "valid_until",
    "created_at",
    "updated_at",
]


class _FormReader(HTMLParser):
    """What a browser would send for each form on a page, as the page shows it."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict[str, list[str]]] = []
        self._select = None
        self._option = None
        self._textarea = None
        self._in_template = 0  # what a <template> holds is not part of the page's form

    def _add(self, name, value):
        if name and self.forms and not self._in_template:
            self.forms[-1].setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "template":
            self._in_template += 1
        elif tag == "form":
            self.forms.append({})
        elif tag == "input":
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._add(attrs.get("name"), attrs.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = {"name": attrs.get("name"), "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            self._option = {"value": value, "text": ""}
            if self._select["first"] is None:
                self._select["first"] = self._option
            if "selected" in attrs:
                self._select["chosen"].append(self._option)
        elif tag == "textarea":
            self._textarea = {"name": attrs.get("name"), "text": ""}

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        if self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "template":
            self._in_template -= 1
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or [self._select["first"]]
            for option in filter(None, chosen):
                value = option["value"] if option["value"] is not None else option["text"]
                self._add(self._select["name"], value.strip())
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._add(self._textarea["name"], self._textarea["text"].removeprefix("\n"))
            self._textarea = None


def _form_data(html: str, *, holding: str) -> dict[str, list[str]]:
    """The form on the page that has a field named `holding`, as a browser would post it."""
    reader = _FormReader()
    reader.feed(html)
    [form] = [f for f in reader.forms if holding in f]
    return form


def _rows(offer) -> list[tuple]:
    return sorted(OfferSchedule.objects.filter(offer=offer).values_list(*SCHEDULE_FIELDS), key=str)


def _meeting_days(offer, *, weeks=8) -> list[date]:
    """The days the offer's every-other-week meeting falls on in the coming weeks, as the open
    data (HSDS) says them: its rule counts every second week from its dtstart."""
    [rule] = [s for s in offer_to_hsds(offer)["schedules"] if s.get("interval") == 2]
    start = date.fromisoformat(rule["dtstart"])
    today = timezone.localdate()
    return [
        today + timedelta(days=d)
        for d in range(7 * weeks)
        if (today + timedelta(days=d) - start).days % 14 == 0
    ]


@pytest.fixture
def coordinator():
    load_postcodes()
    team = coordination_team()
    return UserFactory(coordinator=True, team=team)


def _web(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _new_offer_data(user, **changes) -> dict:
    data = {
        "organisation": str(user.teams.get().organisation.pk),
        "title": "Strikkecafé",
        "description": "Vi strikker og drikker kaffe.",
        "strategy": "social_network",
        "postcode": "5000",
        "price_kind": "free",
        "is_public": "on",
        "schedule-TOTAL_FORMS": "1",
        "schedule-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


# --- 1. A save keeps what it does not change ------------------------------------------------


def test_saving_the_offer_form_unchanged_keeps_every_meeting_time_as_it_was(coordinator):
    # given: an offer with a summer season, a monthly meeting, one date and every other week
    year = timezone.localdate().year + 1
    team = coordinator.teams.get()
    club = make_offer(
        team=team,
        schedules=[
            {
                "frequency": "weekly",
                "weekday": TUE,
                "starts_at": time(14),
                "ends_at": time(16),
                "valid_from": date(year, 5, 1),
                "valid_until": date(year, 9, 30),
            },
            {
                "frequency": "monthly",
                "weekday": MON,
                "week_of_month": 2,
                "starts_at": time(10),
                "valid_from": date(year, 1, 5),
            },
            {"frequency": "once", "date": date(year, 3, 5), "starts_at": time(13)},
            {
                "frequency": "biweekly",
                "weekday": THU,
                "starts_at": time(10),
                "valid_from": date(year, 1, 8),
            },
        ],
    )
    before = _rows(club)
    client = _web(coordinator)
    url = reverse("offers:offer_edit", args=[club.pk])

    # when: the coordinator opens the offer and saves it without changing anything
    data = _form_data(client.get(url).content.decode(), holding="schedule-TOTAL_FORMS")
    response = client.post(url, data)

    # then: every meeting time is the same row with the same values, untouched
    assert response.status_code == 302, response.context and response.context["form"].errors
    assert _rows(club) == before


def test_a_changed_meeting_time_keeps_its_row_and_the_others_are_not_written(coordinator):
    team = coordinator.teams.get()
    club = make_offer(
        team=team,
        schedules=[
            {"frequency": "weekly", "weekday": MON, "starts_at": time(10)},
            {"frequency": "weekly", "weekday": TUE, "starts_at": time(14)},
        ],
    )
    by_day = {row[2]: row for row in _rows(club)}
    monday, tuesday = by_day[MON], by_day[TUE]
    client = _web(coordinator)
    url = reverse("offers:offer_edit", args=[club.pk])
    data = _form_data(client.get(url).content.decode(), holding="schedule-TOTAL_FORMS")
    row = next(k.split("-")[1] for k, v in data.items() if k.endswith("-weekday") and v == ["1"])

    # when: Tuesday's meeting starts an hour later
    data[f"schedule-{row}-starts_at"] = ["15:00"]
    assert client.post(url, data).status_code == 302

    # then: the same Tuesday row, changed; Monday's not even written
    after = {r[0]: r for r in _rows(club)}
    assert set(after) == {monday[0], tuesday[0]}
    assert after[tuesday[0]][5] == time(15)
    assert after[monday[0]] == monday


def test_a_meeting_time_is_removed_by_ticking_it_off(coordinator):
    team = coordinator.teams.get()
    club = make_offer(
        team=team,
        schedules=[
            {"frequency": "weekly", "weekday": MON, "starts_at": time(10)},
            {"frequency": "weekly", "weekday": TUE, "starts_at": time(14)},
        ],
    )
    client = _web(coordinator)
    url = reverse("offers:offer_edit", args=[club.pk])
    data = _form_data(client.get(url).content.decode(), holding="schedule-TOTAL_FORMS")
    row = next(k.split("-")[1] for k, v in data.items() if k.endswith("-weekday") and v == ["1"])
    data[f"schedule-{row}-DELETE"] = ["on"]

    assert client.post(url, data).status_code == 302

    club.refresh_from_db()
    assert list(club.schedules.values_list("weekday", flat=True)) == [MON]
    assert club.weekdays == [MON]


# --- 2. Every other week counts from a day that does not move -------------------------------


def test_every_other_week_counts_from_the_same_day_however_often_the_offer_is_saved():
    load_postcodes()
    club = make_offer(schedules=[])

    # given: first saved on Monday 2 March 2026: every other Thursday, from 5 March
    offer_set_schedules(
        offer=club,
        schedules=[{"frequency": "biweekly", "weekday": THU, "starts_at": time(10)}],
        actor=None,
        today=date(2026, 3, 2),
    )
    # when: saved again ten days later, as an import sends it (without a first time)
    offer_set_schedules(
        offer=club,
        schedules=[{"frequency": "biweekly", "weekday": THU, "starts_at": time(10)}],
        actor=None,
        today=date(2026, 3, 12),
    )

    # then: still counted from 5 March, which the coordinator sees as its first time
    [schedule] = club.schedules.all()
    assert schedule.valid_from == date(2026, 3, 5)
    assert offer_to_hsds(club)["schedules"][0]["dtstart"] == "2026-03-05"


def test_every_other_week_counts_from_the_first_time_the_coordinator_gives():
    load_postcodes()
    club = offer_create(
        organisation=organisation(),
        data={
            "title": "Gåtur",
            "description": "Vi går.",
            "strategy": "social_network",
            "postcode": "5000",
        },
        schedules=[
            {
                "frequency": "biweekly",
                "weekday": THU,
                "starts_at": time(10),
                "valid_from": date(2026, 3, 12),
            }
        ],
        actor=None,
        today=date(2026, 3, 2),
    )

    assert offer_to_hsds(club)["schedules"][0]["dtstart"] == "2026-03-12"


def test_the_weeks_of_every_other_week_stay_when_the_offer_is_saved_a_week_later(coordinator):
    # given: an every-other-Thursday offer whose meeting time was made a week ago
    team = coordinator.teams.get()
    club = make_offer(
        team=team, schedules=[{"frequency": "biweekly", "weekday": THU, "starts_at": time(10)}]
    )
    OfferSchedule.objects.filter(offer=club).update(created_at=timezone.now() - timedelta(days=7))
    days = _meeting_days(club)
    client = _web(coordinator)
    url = reverse("offers:offer_edit", args=[club.pk])

    # when: the coordinator saves the offer today, with a new description
    data = _form_data(client.get(url).content.decode(), holding="schedule-TOTAL_FORMS")
    data["description"] = ["Vi går en tur og drikker kaffe."]
    assert client.post(url, data).status_code == 302

    # then: the same Thursdays
    club.refresh_from_db()
    assert _meeting_days(club) == days


def test_every_other_week_made_before_keeps_the_weeks_the_open_data_showed():
    # given: a meeting time made before the first time counted, a week and a half ago
    load_postcodes()
    club = make_offer(schedules=[{"frequency": "biweekly", "weekday": THU, "starts_at": time(10)}])
    OfferSchedule.objects.filter(offer=club).update(
        valid_from=None, created_at=timezone.now() - timedelta(days=10)
    )
    days = _meeting_days(club)
    [migration] = Path(migrations.__file__).parent.glob(
        "*_biweekly_schedules_count_from_first_time.py"
    )

    # when: the migration gives it a first time
    import_module(f"offers.migrations.{migration.stem}").count_from_first_time(django_apps, None)

    # then: the same Thursdays, now counted from a day that does not move
    assert club.schedules.get().valid_from is not None
    assert _meeting_days(club) == days


# --- 3. Seasons -----------------------------------------------------------------------------


def test_a_season_given_in_the_form_is_shown_in_the_directory(coordinator):
    year = timezone.localdate().year + 1
    data = _new_offer_data(
        coordinator,
        **{
            "schedule-0-frequency": "weekly",
            "schedule-0-weekday": "1",
            "schedule-0-starts_at": "10:00",
            "schedule-0-valid_from": f"{year}-05-01",
            "schedule-0-valid_until": f"{year}-09-30",
        },
    )

    response = _web(coordinator).post(reverse("offers:offer_create"), data)

    assert response.status_code == 302
    offer = Offer.objects.get(title="Strikkecafé")
    season = f"Hver tirsdag kl. 10.00 (fra 1. maj {year} til 30. september {year})"
    page = Client().get(reverse("directory:offer", args=[offer.pk]))
    assert page.context["schedule_texts"] == [season]
    assert season in page.content.decode()
    listing = Client().get(reverse("directory:list"), {"q": "Strikkecafé"}).content.decode()
    assert season in listing


def test_a_season_that_is_over_is_no_meeting_time_in_the_directory():
    load_postcodes()
    today = timezone.localdate()
    club = make_offer(
        title="Havekredsen",
        schedules=[
            {"frequency": "weekly", "weekday": MON, "starts_at": time(10)},
            {
                "frequency": "weekly",
                "weekday": TUE,
                "starts_at": time(14),
                "valid_from": today - timedelta(days=200),
                "valid_until": today - timedelta(days=1),
            },
            {"frequency": "once", "date": today - timedelta(days=3), "starts_at": time(13)},
        ],
    )

    page = Client().get(reverse("directory:offer", args=[club.pk]))
    listing = Client().get(reverse("directory:list"), {"q": "Havekredsen"}).content.decode()

    assert page.context["schedule_texts"] == ["Hver mandag kl. 10.00"]
    assert "Hver mandag kl. 10.00" in listing
    assert "Hver tirsdag" not in listing and " kl. 13.00" not in listing


def test_an_offer_whose_season_is_over_does_not_say_to_call_for_a_time():
    load_postcodes()
    today = timezone.localdate()
    club = make_offer(
        schedules=[
            {
                "frequency": "weekly",
                "weekday": TUE,
                "starts_at": time(14),
                "valid_from": today - timedelta(days=200),
                "valid_until": today - timedelta(days=1),
            }
        ],
    )

    page = Client().get(reverse("directory:offer", args=[club.pk]))

    assert page.context["schedule_texts"] == []
    assert page.context["meetings_over"] is True
    assert "Efter aftale" not in page.content.decode()


def test_a_last_time_before_the_first_is_an_error_on_that_row(coordinator):
    data = _new_offer_data(
        coordinator,
        **{
            "schedule-TOTAL_FORMS": "2",
            "schedule-0-frequency": "weekly",
            "schedule-0-weekday": "0",
            "schedule-0-starts_at": "10:00",
            "schedule-1-frequency": "weekly",
            "schedule-1-weekday": "1",
            "schedule-1-starts_at": "10:00",
            "schedule-1-valid_from": "2027-09-30",
            "schedule-1-valid_until": "2027-05-01",
        },
    )

    response = _web(coordinator).post(reverse("offers:offer_create"), data)

    assert response.status_code == 400
    first, second = response.context["formset"].forms[:2]
    assert not first.errors
    assert list(second.errors) == ["valid_until"]
    assert not Offer.objects.filter(title="Strikkecafé").exists()


def test_the_service_refuses_a_season_that_ends_before_it_begins():
    load_postcodes()
    club = make_offer()

    with pytest.raises(ValidationError) as refused:
        offer_set_schedules(
            offer=club,
            schedules=[
                {
                    "frequency": "weekly",
                    "weekday": TUE,
                    "starts_at": time(14),
                    "valid_from": date(2027, 9, 30),
                    "valid_until": date(2027, 5, 1),
                }
            ],
            actor=None,
        )

    assert "schedules" in refused.value.message_dict
    assert list(club.schedules.values_list("weekday", flat=True)) == [TUE]


# --- 4. Everything wrong, said at once ------------------------------------------------------


def test_the_offer_form_says_everything_wrong_in_one_go(coordinator):
    data = _new_offer_data(
        coordinator,
        **{
            "title": "",
            "price_kind": "free",
            "price_amount": "50",
            "schedule-0-frequency": "weekly",
            "schedule-0-weekday": "1",
            "schedule-0-starts_at": "10:00",
            "schedule-0-ends_at": "09:00",
        },
    )

    response = _web(coordinator).post(reverse("offers:offer_create"), data)

    assert response.status_code == 400
    assert {"title", "price_amount"} <= set(response.context["form"].errors)
    assert "ends_at" in response.context["formset"].forms[0].errors
    assert not Offer.objects.exists()


def test_a_meeting_time_without_how_often_is_an_error_not_dropped(coordinator):
    data = _new_offer_data(
        coordinator,
        **{
            "schedule-0-frequency": "",
            "schedule-0-weekday": "1",
            "schedule-0-starts_at": "10:00",
        },
    )

    response = _web(coordinator).post(reverse("offers:offer_create"), data)

    assert response.status_code == 400
    assert "frequency" in response.context["formset"].forms[0].errors


def test_the_service_says_everything_wrong_with_an_offer_at_once():
    load_postcodes()

    with pytest.raises(ValidationError) as refused:
        offer_create(
            organisation=organisation(),
            data={
                "title": " ",
                "description": "",
                "strategy": "social_network",
                "postcode": "5000",
                "price_kind": "free",
                "price_amount": Decimal("50"),
            },
            actor=None,
        )

    assert {"title", "description", "price_amount"} <= set(refused.value.message_dict)


def test_a_free_offer_may_say_its_price_is_nothing():
    load_postcodes()

    free = make_offer(price_kind="free", price_amount=Decimal("0"))

    assert free.price_amount == 0


# --- 5. One more meeting time without saving first ------------------------------------------


def test_the_form_holds_a_blank_meeting_time_for_the_browser_to_add(coordinator):
    page = _web(coordinator).get(reverse("offers:offer_create")).content.decode()

    assert 'data-testid="add-schedule"' in page
    assert 'name="schedule-__prefix__-frequency"' in page
