"""The waiting list of a full offer: a bridge-builder puts the citizen on it instead of
proposing; when a place comes free the first on the list is offered it (a task for their
bridge-builder, a line on the case) and the place is held for them; the others wait their turn.
Closing a case takes it off every list. The offer's coordinators see the list, with names only
where they may know the citizen anyway."""

import uuid

import pytest
from django.contrib.auth.context_processors import PermWrapper
from django.core.exceptions import ValidationError
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from accounts.constants import Role
from accounts.services import team_add_member, user_create
from audit.constants import AuditAction
from audit.models import AuditEvent
from followups.models import Task
from matching.models import OfferWaitingListEntry
from matching.ranking.scoring import Suggestion
from matching.selectors import offer_waiting_list, waiting_counts, waiting_list_of_case
from matching.services import (
    match_end,
    match_propose,
    offer_waiting_list_add,
    offer_waiting_list_fill_places,
    offer_waiting_list_remove,
)
from offers.constants import MatchEndReason, SuggestionKind
from offers.services import offer_set_status, offer_update
from privacy.selectors import citizen_export
from referrals.constants import CaseEventAction
from referrals.services import case_assign, case_close
from tests.accounts.factories import PASSWORD, UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture
def team():
    return bridge_team()


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team)


@pytest.fixture
def offer_team():
    return coordination_team()


@pytest.fixture
def cafe(offer_team):
    """Strikkecafé with one place, taken by someone else: full."""
    offer = make_offer(title="Strikkecafé", capacity=1, team=offer_team)
    return offer


def _case(team, builder, **citizen):
    case = make_referral(team=team, **citizen).referral.case
    return case_assign(case=case, assignee=builder, actor=builder)


@pytest.fixture
def filler(cafe, team, builder):
    """The match that takes the café's one place."""
    return match_propose(case=_case(team, builder), offer=cafe, actor=builder)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _place_free_tasks(case):
    return Task.objects.filter(case=case, data__origin="place_free")


def _lines(case, action) -> list[str]:
    with translation.override("en"):
        return [e.text for e in case.events.filter(data__action=action)]


# --- Putting a case on the list -------------------------------------------------------------------


def test_a_full_offer_takes_the_case_on_its_waiting_list(cafe, filler, team, builder):
    case = _case(team, builder, first_name="Inger")

    entry = offer_waiting_list_add(case=case, offer=cafe, actor=builder)

    entry.refresh_from_db()
    assert (entry.case, entry.citizen, entry.offer, entry.added_by) == (
        case,
        case.citizen,
        cafe,
        builder,
    )
    assert entry.left_at is None and entry.offered_at is None and entry.left_reason == ""
    assert AuditEvent.objects.filter(
        action=AuditAction.CREATE, object_id=str(entry.pk), subject_id=case.citizen_id
    ).exists()
    assert _lines(case, CaseEventAction.WAITING_LIST_JOINED) == [
        "On the waiting list for Strikkecafé"
    ]
    assert waiting_counts([cafe.pk]) == {cafe.pk: 1}


def test_an_offer_with_places_is_not_waited_for_it_is_proposed(team, builder):
    roomy = make_offer(title="Gåklub", capacity=5)
    unlimited = make_offer(title="Kaffe", capacity=None)
    case = _case(team, builder)

    for offer in (roomy, unlimited):
        with pytest.raises(ValidationError) as caught, translation.override("en"):
            offer_waiting_list_add(case=case, offer=offer, actor=builder)
        assert "propose it instead" in " ".join(caught.value.messages)
    assert not OfferWaitingListEntry.objects.exists()


def test_the_same_case_twice_is_refused_with_a_clear_message(cafe, filler, team, builder):
    case = _case(team, builder)
    offer_waiting_list_add(case=case, offer=cafe, actor=builder)

    with pytest.raises(ValidationError) as caught, translation.override("en"):
        offer_waiting_list_add(case=case, offer=cafe, actor=builder)

    assert caught.value.messages == ["The citizen is already on this offer's waiting list."]
    assert OfferWaitingListEntry.objects.count() == 1


def test_a_closed_case_and_a_paused_offer_take_no_entry(cafe, filler, team, builder):
    closed = _case(team, builder)
    case_close(case=closed, reason="moved", actor=builder)
    with pytest.raises(ValidationError):
        offer_waiting_list_add(case=closed, offer=cafe, actor=builder)

    offer_set_status(offer=cafe, status="paused", actor=builder)
    with pytest.raises(ValidationError):
        offer_waiting_list_add(case=_case(team, builder), offer=cafe, actor=builder)
    assert not OfferWaitingListEntry.objects.exists()


# --- A place comes free ---------------------------------------------------------------------------


def test_a_freed_place_goes_to_the_first_on_the_list_and_the_second_waits(
    cafe, filler, team, builder
):
    first = _case(team, builder, first_name="Inger")
    second = _case(team, builder, first_name="Poul")
    first_entry = offer_waiting_list_add(case=first, offer=cafe, actor=builder)
    second_entry = offer_waiting_list_add(case=second, offer=cafe, actor=builder)

    # when: the one who had the place stops
    match_end(match=filler, reason=MatchEndReason.MOVED, actor=builder)

    # then: the first is offered it, with a task for their bridge-builder and a line on the case
    first_entry.refresh_from_db()
    second_entry.refresh_from_db()
    assert first_entry.offered_at is not None and first_entry.left_at is None
    assert second_entry.offered_at is None and second_entry.left_at is None
    task = _place_free_tasks(first).get()
    assert task.assignee == builder and task.due == timezone.localdate()
    assert task.done_at is None
    with translation.override("en"):
        assert task.heading == "A place is free on «Strikkecafé» – offer it to the citizen"
    assert _lines(first, CaseEventAction.WAITING_LIST_PLACE_FREE) == [
        "A place came free on Strikkecafé: offer it to the citizen"
    ]
    # the second waits: no task, no line
    assert not _place_free_tasks(second).exists()
    assert not second.events.filter(data__action=CaseEventAction.WAITING_LIST_PLACE_FREE).exists()
    # Both are still on the list (the first until the offer is proposed).
    assert waiting_counts([cafe.pk]) == {cafe.pk: 2}


def test_the_freed_place_is_held_for_the_first_until_they_take_it(cafe, filler, team, builder):
    first, second, newcomer = (_case(team, builder) for _ in range(3))
    first_entry = offer_waiting_list_add(case=first, offer=cafe, actor=builder)
    offer_waiting_list_add(case=second, offer=cafe, actor=builder)
    match_end(match=filler, reason=MatchEndReason.MOVED, actor=builder)

    # Nobody jumps the queue: the free place is the first's.
    for other in (second, newcomer):
        with pytest.raises(ValidationError) as caught, translation.override("en"):
            match_propose(case=other, offer=cafe, actor=builder)
        assert "held for a citizen on the waiting list" in " ".join(caught.value.messages)
    # A newcomer goes on the list behind the others.
    offer_waiting_list_add(case=newcomer, offer=cafe, actor=builder)

    match = match_propose(case=first, offer=cafe, actor=builder)

    cafe.refresh_from_db()
    assert cafe.places_taken == 1 and match.offer == cafe
    first_entry.refresh_from_db()
    assert first_entry.left_at is not None and first_entry.left_reason == "place_offered"
    assert _place_free_tasks(first).get().done_at is not None  # the task is done with it
    assert waiting_counts([cafe.pk]) == {cafe.pk: 2}
    assert not _place_free_tasks(second).exists()


def test_offering_the_free_places_again_makes_nothing_twice(cafe, filler, team, builder):
    case = _case(team, builder)
    offer_waiting_list_add(case=case, offer=cafe, actor=builder)
    match_end(match=filler, reason=MatchEndReason.MOVED, actor=builder)

    offer_waiting_list_fill_places(offer=cafe)
    offer_waiting_list_fill_places(offer=cafe)

    assert _place_free_tasks(case).count() == 1
    assert case.events.filter(data__action=CaseEventAction.WAITING_LIST_PLACE_FREE).count() == 1


def test_raising_the_capacity_offers_the_new_places_in_turn(cafe, filler, team, builder):
    cases = [_case(team, builder) for _ in range(3)]
    for case in cases:
        offer_waiting_list_add(case=case, offer=cafe, actor=builder)

    offer_update(offer=cafe, data={"capacity": 3}, actor=UserFactory(coordinator=True))

    assert [_place_free_tasks(c).count() for c in cases] == [1, 1, 0]


def test_taking_off_the_one_offered_passes_the_place_to_the_next(cafe, filler, team, builder):
    first, second = _case(team, builder), _case(team, builder)
    first_entry = offer_waiting_list_add(case=first, offer=cafe, actor=builder)
    offer_waiting_list_add(case=second, offer=cafe, actor=builder)
    match_end(match=filler, reason=MatchEndReason.MOVED, actor=builder)

    # The citizen did not want it after all.
    offer_waiting_list_remove(entry=first_entry, actor=builder)

    first_entry.refresh_from_db()
    assert first_entry.left_reason == "no_longer_wanted" and first_entry.left_at is not None
    assert _place_free_tasks(first).get().done_at is not None
    assert _place_free_tasks(second).count() == 1
    assert _lines(first, CaseEventAction.WAITING_LIST_LEFT) == [
        "Off the waiting list for Strikkecafé (No longer wanted)"
    ]


def test_a_paused_offer_offers_its_free_places_when_it_is_active_again(cafe, filler, team, builder):
    case = _case(team, builder)
    offer_waiting_list_add(case=case, offer=cafe, actor=builder)
    offer_set_status(offer=cafe, status="paused", actor=builder)

    match_end(match=filler, reason=MatchEndReason.MOVED, actor=builder)
    assert not _place_free_tasks(case).exists()

    offer_set_status(offer=cafe, status="active", actor=builder)
    assert _place_free_tasks(case).count() == 1


# --- Closing the case -----------------------------------------------------------------------------


def test_closing_the_case_takes_it_off_and_passes_on_its_place(cafe, filler, team, builder):
    first, second = _case(team, builder), _case(team, builder)
    first_entry = offer_waiting_list_add(case=first, offer=cafe, actor=builder)
    offer_waiting_list_add(case=second, offer=cafe, actor=builder)
    match_end(match=filler, reason=MatchEndReason.MOVED, actor=builder)

    case_close(case=first, reason="moved", actor=builder)

    first_entry.refresh_from_db()
    assert first_entry.left_at is not None and first_entry.left_reason == "case_closed"
    assert waiting_counts([cafe.pk]) == {cafe.pk: 1}
    assert _place_free_tasks(second).count() == 1
    assert waiting_list_of_case(case=first) == []


def test_closing_a_waiting_case_leaves_the_others_waiting(cafe, filler, team, builder):
    first, second = _case(team, builder), _case(team, builder)
    offer_waiting_list_add(case=first, offer=cafe, actor=builder)
    offer_waiting_list_add(case=second, offer=cafe, actor=builder)

    case_close(case=first, reason="declined", actor=builder)

    assert [e.case for e in waiting_list_of_case(case=second)] == [second]
    assert waiting_list_of_case(case=second)[0].position == 1
    assert not Task.objects.filter(data__origin="place_free").exists()


# --- Counts and the citizen's data ----------------------------------------------------------------


def test_waiting_counts_counts_open_entries_per_offer(cafe, filler, team, builder):
    other = make_offer(title="Sangkor", capacity=1)
    match_propose(case=_case(team, builder), offer=other, actor=builder)
    left = _case(team, builder)
    for case in (_case(team, builder), _case(team, builder), left):
        offer_waiting_list_add(case=case, offer=cafe, actor=builder)
    offer_waiting_list_add(case=_case(team, builder), offer=other, actor=builder)
    offer_waiting_list_remove(
        entry=OfferWaitingListEntry.objects.get(case=left, left_at__isnull=True), actor=builder
    )
    empty = make_offer(title="Tom")

    assert waiting_counts([cafe.pk, other.pk, empty.pk]) == {cafe.pk: 2, other.pk: 1, empty.pk: 0}
    assert waiting_counts([]) == {}


def test_the_citizens_copy_of_their_data_has_the_waiting_list(cafe, filler, team, builder):
    case = _case(team, builder)
    offer_waiting_list_add(case=case, offer=cafe, actor=builder)

    sections = {s.key: s for s in citizen_export(citizen=case.citizen)}

    assert len(sections["offer_waiting_list"].rows) == 1
    assert "Strikkecafé" in sections["offer_waiting_list"].rows[0]


# --- The matching page ----------------------------------------------------------------------------


def test_the_matching_page_shows_each_entry_with_its_place_in_the_queue(
    cafe, filler, team, builder
):
    first, second = _case(team, builder), _case(team, builder)
    offer_waiting_list_add(case=first, offer=cafe, actor=builder)
    offer_waiting_list_add(case=second, offer=cafe, actor=builder)

    page = _client(builder).get(f"/forloeb/{second.pk}/match/")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="offer-waiting-list"' in html
    assert 'data-testid="offer-waiting-entry"' in html and 'data-position="2"' in html
    assert "Strikkecafé" in html


def test_a_full_suggested_offer_has_a_button_for_the_waiting_list(cafe, filler, team, builder):
    case = _case(team, builder)
    roomy = make_offer(title="Gåklub", capacity=5)
    suggestions = [
        Suggestion(kind=SuggestionKind.OFFER, id=o.pk, title=o.title, subtitle="", score=50)
        for o in (cafe, roomy)
    ]
    request = RequestFactory().get("/")
    request.user = builder
    template = Template(
        "{% load offer_waiting_list %}"
        "{% case_offer_waiting_list case suggestions as offer_waiting %}"
        '{% include "matching/_case_offer_waiting_list.html" %}'
    )

    html = template.render(
        Context(
            {
                "case": case,
                "suggestions": suggestions,
                "request": request,
                "perms": PermWrapper(builder),
            }
        )
    )

    assert f'name="offer" value="{cafe.pk}"' in html
    assert f'name="offer" value="{roomy.pk}"' not in html  # it has places: propose it


def test_joining_from_the_page_goes_back_to_the_matching_page(cafe, filler, team, builder):
    case = _case(team, builder)

    response = _client(builder).post(
        f"/forloeb/{case.pk}/match/tilbud-venteliste/", {"offer": str(cafe.pk)}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/forloeb/{case.pk}/match/#offer-waiting-list"
    assert OfferWaitingListEntry.objects.get().case == case


def test_taking_off_from_the_page(cafe, filler, team, builder):
    case = _case(team, builder)
    entry = offer_waiting_list_add(case=case, offer=cafe, actor=builder)

    response = _client(builder).post(
        f"/forloeb/{case.pk}/match/tilbud-venteliste/{entry.pk}/fjern/"
    )

    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.left_reason == "no_longer_wanted"


@pytest.mark.parametrize(
    "data",
    [{}, {"offer": ""}, {"offer": "not-an-id"}, {"offer": str(uuid.uuid4())}],
    ids=["nothing", "empty", "not-an-id", "unknown-offer"],
)
def test_bad_input_is_a_400_and_writes_nothing(cafe, filler, team, builder, data):
    case = _case(team, builder)

    response = _client(builder).post(f"/forloeb/{case.pk}/match/tilbud-venteliste/", data)

    assert response.status_code == 400
    assert 'id="offer-waiting-list"' in response.content.decode()
    assert not OfferWaitingListEntry.objects.exists()


def test_a_refusal_is_a_400_with_the_reason(cafe, filler, team, builder):
    case = _case(team, builder)
    roomy = make_offer(title="Gåklub", capacity=5)
    client = _client(builder)
    client.cookies["django_language"] = "en"
    url = f"/forloeb/{case.pk}/match/tilbud-venteliste/"

    has_places = client.post(url, {"offer": str(roomy.pk)})
    client.post(url, {"offer": str(cafe.pk)})
    again = client.post(url, {"offer": str(cafe.pk)})

    assert has_places.status_code == 400 and "propose it instead" in has_places.content.decode()
    assert again.status_code == 400
    assert "already on this offer&#x27;s waiting list" in again.content.decode()
    assert OfferWaitingListEntry.objects.count() == 1


@pytest.mark.parametrize("role", ["coordinator", "home_care", "referrer", "admin"])
def test_those_who_do_not_match_citizens_get_a_403(cafe, filler, team, builder, role):
    case = _case(team, builder)
    entry = offer_waiting_list_add(case=case, offer=_other_full_offer(team, builder), actor=builder)
    client = _client(UserFactory(role=role, team=team))

    join = client.post(f"/forloeb/{case.pk}/match/tilbud-venteliste/", {"offer": str(cafe.pk)})
    leave = client.post(f"/forloeb/{case.pk}/match/tilbud-venteliste/{entry.pk}/fjern/")

    assert (join.status_code, leave.status_code) == (403, 403)
    assert OfferWaitingListEntry.objects.filter(left_at__isnull=True).count() == 1


def _other_full_offer(team, builder):
    offer = make_offer(title="Sangkor", capacity=1)
    match_propose(case=_case(team, builder), offer=offer, actor=builder)
    return offer


def test_a_bridge_builder_of_another_team_finds_neither_case_nor_entry(cafe, filler, team, builder):
    case = _case(team, builder)
    entry = offer_waiting_list_add(case=case, offer=cafe, actor=builder)
    stranger = _client(UserFactory(bridge_builder=True, team=bridge_team()))

    join = stranger.post(f"/forloeb/{case.pk}/match/tilbud-venteliste/", {"offer": str(cafe.pk)})
    leave = stranger.post(f"/forloeb/{case.pk}/match/tilbud-venteliste/{entry.pk}/fjern/")

    assert (join.status_code, leave.status_code) == (404, 404)
    entry.refresh_from_db()
    assert entry.left_at is None


def test_an_entry_of_another_case_is_not_found_through_this_one(cafe, filler, team, builder):
    case, other = _case(team, builder), _case(team, builder)
    entry = offer_waiting_list_add(case=other, offer=cafe, actor=builder)

    response = _client(builder).post(
        f"/forloeb/{case.pk}/match/tilbud-venteliste/{entry.pk}/fjern/"
    )

    assert response.status_code == 404
    entry.refresh_from_db()
    assert entry.left_at is None


def test_only_posts_are_answered(cafe, team, builder):
    case = _case(team, builder)
    response = _client(builder).get(f"/forloeb/{case.pk}/match/tilbud-venteliste/")
    assert response.status_code == 405


# --- The coordinator's offer page -----------------------------------------------------------------


def _both_roles(team, offer_team):
    """A coordinator who is also a bridge-builder on the citizen's team."""
    user = user_create(
        username="begge", password=PASSWORD, roles=[Role.COORDINATOR, Role.BRIDGE_BUILDER]
    )
    team_add_member(team=team, user=user)
    team_add_member(team=offer_team, user=user)
    return user


def test_a_coordinator_of_another_team_sees_only_how_many_wait(
    cafe, filler, team, builder, offer_team
):
    for name in ("Inger", "Poul"):
        offer_waiting_list_add(
            case=_case(team, builder, first_name=name), offer=cafe, actor=builder
        )
    coordinator = UserFactory(coordinator=True, team=offer_team)

    page = _client(coordinator).get(f"/koordinering/tilbud/{cafe.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="offer-waiting-count"' in html and 'data-count="2"' in html
    assert "Inger" not in html and "Poul" not in html
    assert 'data-testid="offer-waiting-name"' not in html
    assert not AuditEvent.objects.filter(
        actor=coordinator, action=AuditAction.READ, subject_id__isnull=False
    ).exists()


def test_who_may_know_the_citizen_sees_the_name_and_the_read_is_logged(
    cafe, filler, team, builder, offer_team
):
    inger = _case(team, builder, first_name="Inger")
    stranger_case = make_referral(team=bridge_team(), first_name="Poul").referral.case
    offer_waiting_list_add(case=inger, offer=cafe, actor=builder)
    offer_waiting_list_add(case=stranger_case, offer=cafe, actor=builder)
    reader = _both_roles(team, offer_team)

    page = _client(reader).get(f"/koordinering/tilbud/{cafe.pk}/")

    html = page.content.decode()
    assert page.status_code == 200
    assert "Inger" in html and "Poul" not in html
    assert 'data-testid="offer-waiting-name"' in html and 'data-position="1"' in html
    assert 'data-count="1"' in html  # Poul is another team's: a count
    reads = AuditEvent.objects.filter(actor=reader, action=AuditAction.READ)
    assert reads.filter(subject_id=inger.citizen_id).exists()
    assert not reads.filter(subject_id=stranger_case.citizen_id).exists()


def test_the_selector_names_only_citizens_the_reader_may_see(
    cafe, filler, team, builder, offer_team
):
    inger = _case(team, builder, first_name="Inger")
    offer_waiting_list_add(case=inger, offer=cafe, actor=builder)
    coordinator = UserFactory(coordinator=True, team=offer_team)

    assert [e.named for e in offer_waiting_list(user=coordinator, offer=cafe)] == [False]
    assert [e.named for e in offer_waiting_list(user=builder, offer=cafe)] == [True]


@pytest.mark.parametrize("page", ["coordinator", "matching"])
def test_the_pages_read_the_waiting_list_in_the_same_queries_however_long_it_is(
    cafe, filler, team, builder, offer_team, page
):
    reader = _both_roles(team, offer_team)
    mine = _case(team, builder)
    offer_waiting_list_add(case=mine, offer=cafe, actor=builder)
    client = _client(reader)
    if page == "coordinator":
        target = f"/koordinering/tilbud/{cafe.pk}/"
    else:
        target = f"/forloeb/{mine.pk}/match/"

    def queries() -> int:
        client.get(target)  # the session and the caches warm
        with CaptureQueriesContext(connection) as captured:
            assert client.get(target).status_code == 200
        return len(captured)

    one = queries()
    for _ in range(3):
        offer_waiting_list_add(case=_case(team, builder), offer=cafe, actor=builder)
        other = make_offer(capacity=0)
        offer_waiting_list_add(case=mine, offer=other, actor=builder)
    many = queries()

    assert many == one
