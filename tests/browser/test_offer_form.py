"""The coordinator makes an offer that meets twice a week, one of them in a season, adding the
second meeting time on the page itself: no save is needed to get a line for it."""

from datetime import date, time

import pytest
from playwright.sync_api import expect

from offers.models import Offer
from tests.accounts.factories import UserFactory
from tests.browser.pages import sign_in
from tests.volunteers.factories import coordination_team, load_postcodes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

TUE, THU = 1, 3


def test_a_second_meeting_time_is_added_without_saving_first(tablet):
    load_postcodes()
    UserFactory(username="koordinator", coordinator=True, team=coordination_team())
    page = tablet
    sign_in(page, "koordinator")
    page.goto("/koordinering/tilbud/nyt/")
    # The page stays the page when a line is added.
    page.evaluate("window.stillHere = true")

    page.locator("[name=title]").fill("Gåtur og kaffe")
    page.locator("[name=description]").fill("Vi går en tur og drikker kaffe bagefter.")
    page.locator("[name=postcode]").fill("5000")
    page.locator("[name=schedule-0-frequency]").select_option("weekly")
    page.locator("[name=schedule-0-weekday]").select_option(str(TUE))
    page.locator("[name=schedule-0-starts_at]").fill("10:00")

    # when: one more line, on the page
    expect(page.get_by_test_id("schedule-row")).to_have_count(1)
    page.get_by_test_id("add-schedule").tap()
    expect(page.get_by_test_id("schedule-row")).to_have_count(2)
    assert page.evaluate("window.stillHere") is True

    page.locator("[name=schedule-1-frequency]").select_option("weekly")
    page.locator("[name=schedule-1-weekday]").select_option(str(THU))
    page.locator("[name=schedule-1-starts_at]").fill("14:00")
    page.locator("[name=schedule-1-valid_from]").fill("2030-05-01")
    page.locator("[name=schedule-1-valid_until]").fill("2030-09-30")
    page.locator("button[type=submit]").filter(has_text="Gem").tap()

    # then: both meeting times are saved, the season with its first and last time
    expect(page.get_by_test_id("schedule-row")).to_have_count(3)  # the two, and an empty line
    offer = Offer.objects.get(title="Gåtur og kaffe")
    assert sorted(
        offer.schedules.values_list("weekday", "starts_at", "valid_from", "valid_until")
    ) == [
        (TUE, time(10), None, None),
        (THU, time(14), date(2030, 5, 1), date(2030, 9, 30)),
    ]
    assert offer.weekdays == [TUE, THU]
