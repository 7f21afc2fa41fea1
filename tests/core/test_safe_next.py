"""Where a form sends a person back to (`next`): only ever a page of Brobyg itself, so a link
from outside cannot turn a Brobyg page into a springboard to another site."""

import pytest
from django.test import Client, RequestFactory

from core.http import safe_next_url
from tests.accounts.factories import UserFactory
from tests.followups.factories import make_case, make_task
from tests.referrals.factories import bridge_team
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer

HOSTILE = [
    "https://evil.example/",
    "http://evil.example/path",
    "//evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " //evil.example/",
    "\t//evil.example/",
    "/\t/evil.example/",
    "https://testserver@evil.example/",
]


def _request(method: str, data: dict, *, secure: bool = False):
    factory = RequestFactory()
    make = factory.post if method == "post" else factory.get
    return make("/somewhere/", data, secure=secure)


@pytest.mark.parametrize("target", HOSTILE)
@pytest.mark.parametrize("method", ["post", "get"])
def test_a_next_off_the_site_falls_back_to_the_default(target, method):
    assert safe_next_url(_request(method, {"next": target}), default="/home/") == "/home/"


@pytest.mark.parametrize(
    "target", ["/opgaver/", "/opgaver/?page=2#task", "https://testserver/opgaver/"]
)
def test_a_next_on_the_site_is_kept(target):
    assert safe_next_url(_request("post", {"next": target}), default="/home/") == target


def test_without_next_the_default():
    assert safe_next_url(_request("post", {}), default="/home/") == "/home/"


def test_a_secure_page_never_sends_back_to_plain_http():
    request = _request("post", {"next": "http://testserver/opgaver/"}, secure=True)
    assert safe_next_url(request, default="/home/") == "/home/"


# --- The views that take a next ----------------------------------------------------------------


def _location(response) -> str:
    assert response.status_code == 302, response.status_code
    return response["Location"]


def _stays_on_the_site(location: str) -> bool:
    return location.startswith("/") and not location.startswith(("//", "/\\"))


@pytest.fixture
def offer_and_coordinator(db):
    load_postcodes()
    team = coordination_team()
    offer = make_offer(team=team)
    client = Client()
    client.force_login(UserFactory(coordinator=True, team=team))
    return offer, client


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_offer_status_form_never_sends_off_the_site(offer_and_coordinator, target):
    offer, client = offer_and_coordinator
    response = client.post(
        f"/koordinering/tilbud/{offer.pk}/status/", {"action": "confirm", "next": target}
    )
    location = _location(response)
    assert _stays_on_the_site(location), location
    assert location == "/koordinering/tilbud/"


def test_the_offer_status_form_sends_back_to_a_page_on_the_site(offer_and_coordinator):
    offer, client = offer_and_coordinator
    back = f"/koordinering/tilbud/{offer.pk}/"
    response = client.post(
        f"/koordinering/tilbud/{offer.pk}/status/", {"action": "confirm", "next": back}
    )
    assert _location(response) == back


@pytest.fixture
def task_and_builder(db):
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team)
    task = make_task(assignee=builder, case=make_case(team=team, assignee=builder))
    client = Client()
    client.force_login(builder)
    return task, client


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_task_done_form_never_sends_off_the_site(task_and_builder, target):
    task, client = task_and_builder
    response = client.post(f"/opgaver/{task.pk}/udfoert/", {"next": target})
    location = _location(response)
    assert _stays_on_the_site(location), location


def test_the_task_done_form_sends_back_to_a_page_on_the_site(task_and_builder):
    task, client = task_and_builder
    response = client.post(f"/opgaver/{task.pk}/udfoert/", {"next": "/opgaver/?uge=1"})
    assert _location(response) == "/opgaver/?uge=1"
