"""Shared tablets: the outbox outlives a sign-out and is sent once after the next sign-in, and
signing out leaves no citizen's page in the browser's caches."""

from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from screening.models import Screening
from tests.accounts.factories import PASSWORD, TeamFactory, UserFactory
from tests.browser.pages import sign_in
from tests.referrals.factories import bridge_team
from tests.screening.factories import home_care_citizen

pytestmark = pytest.mark.django_db(transaction=True)

API = "/api/v1/screenings/"
WAITING = "BrobygOutbox.all().then(function (e) { return e.length; })"
# The connection returns, and the page's outbox has sent what it was going to send: the flush the
# event started (BrobygOutbox.flush answers with the one under way), with what it tried.
ONLINE_AND_SENT = """() => {
  window.dispatchEvent(new Event('online'));
  return BrobygOutbox.flush().then(function (results) { return results.length; });
}"""


@pytest.fixture
def visit(browser, live_server):
    """Hanne of home care, signed in on a tablet, at Edith's screening."""
    team = TeamFactory(home_care=True, name="Hjemmeplejen Nord")
    bridge_team(name="Brobyggerne")
    UserFactory(username="hanne", home_care=True, team=team, first_name="Hanne")
    citizen = home_care_citizen(team=team, first_name="Edith", last_name="Jørgensen")
    context = browser.new_context(
        viewport={"width": 768, "height": 1024}, has_touch=True, base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    posts = []
    page.on("request", lambda r: r.method == "POST" and API in r.url and posts.append(r.url))
    sign_in(page, "hanne")
    page.goto(f"/screening/borgere/{citizen.pk}/screen/")
    yield page, citizen, context, posts
    context.close()


def _start_page_looked_at(response) -> bool:
    return response.request.method == "GET" and urlsplit(response.url).path == "/"


def _answer_and_finish(page, often=(1, 2, 1)):
    for item, value in zip(["lack_companionship", "left_out", "isolated"], often, strict=True):
        page.locator(f"label[for={item}-{value}]").tap()
    page.locator("#finish").tap()


def _fill_sign_in(page, username):
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind").tap()


def test_a_screening_kept_over_a_sign_out_is_sent_once_after_the_next_sign_in(visit):
    page, _citizen, context, posts = visit

    # Offline at the door: the screening waits on the tablet.
    context.set_offline(True)
    _answer_and_finish(page)
    expect(page.get_by_test_id("pending")).to_be_visible()
    key = page.evaluate("BrobygOutbox.all().then(function (e) { return e[0].key; })")

    # Meanwhile the session ends on the server (idle timeout, or signed out elsewhere).
    Session.objects.all().delete()

    # Back online: the outbox says it waits for a sign-in, and does not keep posting.
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    sign_in_alert = page.get_by_test_id("outbox-sign-in")
    expect(sign_in_alert).to_be_visible()
    expect(page.get_by_test_id("pending")).to_be_hidden()
    tries = len(posts)
    # Signed out, the outbox only looks whether someone has signed in (the start page, which
    # sends a sign-in page back), however often the connection returns.
    with page.expect_response(_start_page_looked_at) as looked:
        for _ in range(3):
            page.evaluate("window.dispatchEvent(new Event('online'))")
    assert looked.value.status == 302  # to the sign-in: nobody is signed in yet
    assert len(posts) == tries
    assert Screening.objects.count() == 0

    # Signing in again (a new CSRF token) brings the person back to the screening, sent once.
    sign_in_alert.get_by_role("link").tap()
    _fill_sign_in(page, "hanne")
    expect(page.get_by_test_id("result-score")).to_contain_text("4")
    expect(page.get_by_test_id("result-colour")).to_have_text("Grøn")
    assert page.evaluate(WAITING) == 0
    # Pushed once more, nothing is left to send.
    assert page.evaluate("BrobygOutbox.flush()") == []
    screening = Screening.objects.get()
    assert (str(screening.idempotency_key), screening.score) == (key, 4)


def test_an_answer_lost_on_the_way_back_shows_the_result_when_sent_again(visit):
    page, _citizen, _context, _posts = visit

    # The screening reaches the server, but its answer never reaches the tablet.
    def lose_the_answer(route):
        route.fetch()
        route.abort("connectionreset")

    page.route(f"**{API}", lose_the_answer)
    _answer_and_finish(page, often=(3, 3, 2))
    expect(page.get_by_test_id("pending")).to_be_visible()
    assert Screening.objects.count() == 1

    page.unroute(f"**{API}")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.get_by_test_id("result-score")).to_contain_text("8")
    expect(page.get_by_test_id("result-colour")).to_have_text("Rød")
    expect(page.locator("#result-step")).to_contain_text("Tilbyd en henvisning")
    expect(page.get_by_test_id("pending")).to_be_hidden()
    assert Screening.objects.count() == 1


def test_a_page_opened_before_a_new_sign_in_sends_with_the_new_token(visit):
    page, _citizen, context, posts = visit

    # Signed out and in again in another tab: the token this page holds is no longer valid.
    other = context.new_page()
    other.goto("/")
    other.get_by_test_id("user-menu").tap()
    other.get_by_role("button", name="Log ud").tap()
    _fill_sign_in(other, "hanne")
    expect(other.get_by_test_id("start-heading")).to_be_visible()
    other.close()

    _answer_and_finish(page, often=(3, 3, 2))
    expect(page.get_by_test_id("result-score")).to_contain_text("8")
    # Refused once for the old token, then sent with the new one.
    assert len(posts) == 2
    assert Screening.objects.count() == 1


def test_a_refusal_that_no_new_token_mends_is_shown_and_not_sent_again(visit):
    page, _citizen, _context, posts = visit
    page.route(
        f"**{API}",
        lambda route: route.fulfill(
            status=403, json={"detail": "Not for this team.", "code": "permission_denied"}
        ),
    )
    _answer_and_finish(page)
    expect(page.locator("#errors")).to_contain_text("Not for this team.")
    expect(page.get_by_test_id("pending")).to_be_hidden()
    assert len(posts) == 2  # once more with a fresh token, then no more
    assert page.evaluate(ONLINE_AND_SENT) == 0
    assert len(posts) == 2


def test_a_colleague_who_may_not_screen_the_citizen_sees_it_refused_and_not_sent_again(visit):
    page, _citizen, context, posts = visit
    UserFactory(username="ole", home_care=True, team=TeamFactory(home_care=True))

    context.set_offline(True)
    _answer_and_finish(page)
    Session.objects.all().delete()
    context.set_offline(False)

    # Ole, of another team, signs in on the same tablet.
    sign_in(page, "ole")
    page.goto("/screening/")
    refused = page.get_by_test_id("outbox-refused")
    expect(refused).to_be_visible()
    # Whose it is, so they can be told; not the citizen's name, whom Ole may not see.
    expect(refused).to_contain_text("Hanne")
    expect(refused).not_to_contain_text("Edith")
    expect(page.get_by_test_id("pending")).to_be_hidden()
    tries = len(posts)
    assert page.evaluate(ONLINE_AND_SENT) == 0
    assert len(posts) == tries
    assert Screening.objects.count() == 0

    # Hanne signs in again and sends it herself.
    page.get_by_test_id("user-menu").tap()
    page.get_by_role("button", name="Log ud").tap()
    expect(page.get_by_label("Brugernavn")).to_be_visible()
    sign_in(page, "hanne")
    page.goto("/screening/")
    page.get_by_test_id("outbox-refused").get_by_test_id("outbox-retry").tap()
    sent = page.get_by_test_id("outbox-sent")
    expect(sent).to_contain_text("Edith Jørgensen")
    expect(sent).to_contain_text("Grøn")
    assert page.evaluate(WAITING) == 0
    assert Screening.objects.get().screened_by.username == "hanne"


CACHED_URLS = """
caches.keys().then(function (names) {
  return Promise.all(names.map(function (name) {
    return caches.open(name).then(function (cache) { return cache.keys(); });
  }));
}).then(function (lists) {
  return [].concat.apply([], lists).map(function (r) { return new URL(r.url).pathname; });
})
"""


def test_signing_out_leaves_no_citizen_page_in_the_caches_but_keeps_the_outbox(visit):
    page, citizen, _context, _posts = visit
    # The service worker looks after the tablet from now on.
    page.evaluate("navigator.serviceWorker.ready.then(function () { return true; })")
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    page.goto(f"/screening/borgere/{citizen.pk}/")
    page.goto(f"/screening/borgere/{citizen.pk}/screen/")
    page.wait_for_function("caches.keys().then(function (names) { return names.length > 0; })")
    # Pages are never kept, only what anyone may see.
    assert not [url for url in page.evaluate(CACHED_URLS) if not url.startswith("/static/")]

    # The server cannot take a screening just now: it waits on the tablet.
    page.route(f"**{API}", lambda route: route.fulfill(status=503, json={"detail": "Later."}))
    _answer_and_finish(page)
    expect(page.get_by_test_id("pending")).to_be_visible()

    page.get_by_test_id("user-menu").tap()
    page.get_by_role("button", name="Log ud").tap()
    expect(page.get_by_label("Brugernavn")).to_be_visible()

    cached = page.evaluate(CACHED_URLS)
    assert not [url for url in cached if str(citizen.pk) in url or url.startswith("/screening/")]
    # The screening not yet sent is still on the tablet, for the next sign-in.
    outbox = page.evaluate(
        "new Promise(function (resolve) {"
        "  var r = indexedDB.open('brobyg', 1);"
        "  r.onsuccess = function () {"
        "    var all = r.result.transaction('outbox').objectStore('outbox').getAll();"
        "    all.onsuccess = function () { resolve(all.result.length); };"
        "  };"
        "})"
    )
    assert outbox == 1


def test_the_start_page_sends_what_waits_right_after_the_sign_in(visit):
    page, _citizen, context, _posts = visit
    context.set_offline(True)
    _answer_and_finish(page)
    expect(page.get_by_test_id("pending")).to_be_visible()
    Session.objects.all().delete()
    context.set_offline(False)

    # Signed in again through the sign-in page: home care's start page sends it at once.
    page.goto("/konto/log-ind/")
    _fill_sign_in(page, "hanne")
    expect(page.get_by_test_id("start-heading")).to_be_visible()
    expect(page.get_by_test_id("outbox-list")).to_contain_text("Sendt")
    assert Screening.objects.count() == 1
    assert page.evaluate(WAITING) == 0
