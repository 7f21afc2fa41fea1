"""The coordinator's requests page shows each match once, in the section of its state, with the
actions of that state; whether the citizen came is recorded from the first meeting's day; the
status of a match says whose answer it waits for."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from followups.constants import TaskKind
from followups.services import task_complete, task_create
from matching import services
from matching.constants import ProviderResponse
from matching.models import Match
from matching.presentation import match_actions, match_awaiting, provider_actions
from offers.constants import MatchStatus
from offers.models import Offer
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import (
    coordination_team,
    load_postcodes,
    make_offer,
    make_volunteer,
)
from volunteers.services import volunteer_record_vetting

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture
def setting():
    """A bridge-builder, and a coordinator whose team runs an offer and has a volunteer."""
    team = bridge_team()
    centre = coordination_team()
    return {
        "team": team,
        "builder": UserFactory(bridge_builder=True, team=team),
        "coordinator": UserFactory(coordinator=True, team=centre),
        "offer": make_offer(team=centre, capacity=20, title="Strikkecaféen"),
        "centre": centre,
    }


def _da(text) -> str:
    with translation.override("da"):
        return str(text)


def _meeting_in(days: int):
    """A first meeting `days` days from today (0: later today), at 23:30 local time."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(
        timezone.datetime.combine(day, timezone.datetime.min.time()).replace(hour=23, minute=30)
    )


def _match(setting, state: str, *, answered=False, meeting_in=0, volunteer=None):
    """A match of the coordinator's offer (or `volunteer`) brought to `state` by the services."""
    builder = setting["builder"]
    case = make_referral(team=setting["team"]).referral.case
    if volunteer is not None:
        match = services.match_propose(case=case, volunteer=volunteer, actor=builder)
    else:
        match = services.match_propose(case=case, offer=setting["offer"], actor=builder)
    if answered:
        services.match_respond(match=match, confirmed=True, actor=setting["coordinator"])
    if state in (MatchStatus.ACCEPTED, MatchStatus.FIRST_MEETING, MatchStatus.ACTIVE):
        services.match_accept(match=match, actor=builder)
    if state in (MatchStatus.FIRST_MEETING, MatchStatus.ACTIVE):
        at = _meeting_in(meeting_in) if state == MatchStatus.FIRST_MEETING else _meeting_in(-1)
        services.match_plan_first_meeting(match=match, at=at, actor=builder)
    if state == MatchStatus.ACTIVE:
        services.match_record_first_meeting(match=match, came=True, actor=builder)
    match = Match.objects.get(pk=match.pk)
    assert match.status == state
    return match


def _sections(page: str) -> dict[str, str]:
    """Each section's list on the requests page, by its data-testid."""
    found = {}
    for name in ("pending", "meetings", "waiting", "active"):
        start = page.find(f'data-testid="{name}"')
        found[name] = page[start : page.index("</ul>", start)] if start >= 0 else ""
    return found


# --- Each match once, in the section of its state -----------------------------------------------


def test_a_first_meeting_not_yet_answered_is_a_first_meeting_and_only_that(client, setting):
    # given the citizen said yes and the first meeting is planned, while the offer never answered
    match = _match(setting, MatchStatus.FIRST_MEETING, meeting_in=3)
    assert match.provider_response == ProviderResponse.PENDING
    client.force_login(setting["coordinator"])

    # when the coordinator opens the requests page
    page = client.get(reverse("matching:requests")).content.decode()

    # then the match is under the first meetings, once, and nowhere else
    sections = _sections(page)
    assert page.count(f'id="match-{match.pk}"') == 1
    assert f'id="match-{match.pk}"' in sections["meetings"]
    assert f'id="match-{match.pk}"' not in sections["pending"]
    # with none of a new request's actions, and no outcome three days ahead
    assert reverse("matching:respond", args=[match.pk]) not in page
    assert reverse("matching:first_meeting_outcome", args=[match.pk]) not in page


STATES = [
    # (status, answered) → the section
    (MatchStatus.PROPOSED, False, "pending"),
    (MatchStatus.PROPOSED, True, "waiting"),
    (MatchStatus.ACCEPTED, False, "pending"),
    (MatchStatus.ACCEPTED, True, "waiting"),
    (MatchStatus.FIRST_MEETING, False, "meetings"),
    (MatchStatus.FIRST_MEETING, True, "meetings"),
    (MatchStatus.ACTIVE, False, "active"),
    (MatchStatus.ACTIVE, True, "active"),
]

# The actions each section offers (the outcome only from the meeting's day: here, today).
SECTION_ACTIONS = {
    "pending": {"respond"},
    "waiting": set(),
    "meetings": {"first_meeting_outcome"},
    "active": set(),
}


@pytest.mark.parametrize(("status", "answered", "section"), STATES)
def test_every_open_match_is_in_one_section_with_that_sections_actions(
    client, setting, status, answered, section
):
    match = _match(setting, status, answered=answered, meeting_in=0)
    client.force_login(setting["coordinator"])

    page = client.get(reverse("matching:requests")).content.decode()

    sections = _sections(page)
    assert [name for name, html in sections.items() if f'id="match-{match.pk}"' in html] == [
        section
    ]
    urls = {
        "respond": reverse("matching:respond", args=[match.pk]),
        "first_meeting_outcome": reverse("matching:first_meeting_outcome", args=[match.pk]),
    }
    assert {name for name, url in urls.items() if url in page} == SECTION_ACTIONS[section]


# --- Whether the citizen came: from the meeting's day -------------------------------------------


def test_the_outcome_of_a_first_meeting_three_days_ahead_is_refused(setting):
    match = _match(setting, MatchStatus.FIRST_MEETING, meeting_in=3)

    with pytest.raises(ValidationError) as refused:
        services.match_record_first_meeting(match=match, came=True, actor=setting["builder"])

    assert list(refused.value.message_dict) == ["first_meeting_at"]
    match.refresh_from_db()
    assert match.status == MatchStatus.FIRST_MEETING


@pytest.mark.parametrize("came", [True, False])
def test_the_outcome_is_recorded_on_the_meetings_day(setting, came):
    match = _match(setting, MatchStatus.FIRST_MEETING, meeting_in=0)

    services.match_record_first_meeting(match=match, came=came, actor=setting["builder"])

    match.refresh_from_db()
    assert match.status == (MatchStatus.ACTIVE if came else MatchStatus.ACCEPTED)


@pytest.mark.parametrize("meeting_in", [3, 0, -2])
def test_the_buttons_are_offered_exactly_when_the_service_records_the_outcome(setting, meeting_in):
    match = _match(setting, MatchStatus.FIRST_MEETING, meeting_in=meeting_in)
    builder = setting["builder"]
    steps = match_actions(match=match, user=builder)
    offered = provider_actions(match=match).first_meeting_outcome

    assert steps.came == steps.missed == offered == (meeting_in <= 0)
    if offered:
        services.match_record_first_meeting(match=match, came=True, actor=builder)
    else:
        with pytest.raises(ValidationError):
            services.match_record_first_meeting(match=match, came=True, actor=builder)


def test_the_coordinator_posting_the_outcome_ahead_is_told_why_and_nothing_changes(client, setting):
    match = _match(setting, MatchStatus.FIRST_MEETING, meeting_in=3)
    client.force_login(setting["coordinator"])

    response = client.post(
        reverse("matching:first_meeting_outcome", args=[match.pk]), {"came": "yes"}, follow=True
    )

    day = timezone.localdate() + timedelta(days=3)
    messages = [str(m) for m in response.context["messages"]]
    assert any(day.strftime("%d.%m.%Y") in m or day.strftime("%d.%m.%y") in m for m in messages)
    match.refresh_from_db()
    assert match.status == MatchStatus.FIRST_MEETING


def test_the_matching_page_offers_no_came_button_before_the_day(client, setting):
    match = _match(setting, MatchStatus.FIRST_MEETING, meeting_in=3)
    client.force_login(setting["builder"])

    page = client.get(reverse("matching:case_matching", args=[match.case_id])).content.decode()

    assert reverse("matching:match_action", args=[match.case_id, match.pk, "came"]) not in page
    assert reverse("matching:match_action", args=[match.case_id, match.pk, "missed"]) not in page
    # moving the meeting is still offered
    assert reverse("matching:match_action", args=[match.case_id, match.pk, "meeting"]) in page


# --- Whose answer a match waits for ---------------------------------------------------------------


def test_a_new_proposal_waits_for_the_citizen_and_the_offer(setting):
    match = _match(setting, MatchStatus.PROPOSED)

    with translation.override("en"):
        assert match_awaiting(match) == (
            "Awaiting the citizen's answer · Awaiting the coordinator's answer"
        )


@pytest.mark.parametrize(
    ("status", "answered", "volunteer", "expected"),
    [
        (MatchStatus.PROPOSED, True, False, "Awaiting the citizen's answer"),
        (MatchStatus.ACCEPTED, False, False, "Awaiting the coordinator's answer"),
        (MatchStatus.ACCEPTED, False, True, "Awaiting the volunteer's answer"),
        (MatchStatus.ACCEPTED, True, False, ""),
        (MatchStatus.FIRST_MEETING, False, False, ""),
        (MatchStatus.ACTIVE, False, False, ""),
    ],
)
def test_whose_answer_a_match_waits_for(setting, status, answered, volunteer, expected):
    person = make_volunteer(team=setting["centre"]) if volunteer else None
    match = _match(setting, status, answered=answered, volunteer=person)

    with translation.override("en"):
        assert match_awaiting(match) == expected


def test_the_matching_page_says_whose_answer_it_waits_for(client, setting):
    match = _match(setting, MatchStatus.PROPOSED)
    client.force_login(setting["builder"])

    page = client.get(reverse("matching:case_matching", args=[match.case_id])).content.decode()

    card = page[page.index(f'id="match-{match.pk}"') :]
    card = card[: card.index("</article>")]
    with translation.override("da"):
        assert escape(match_awaiting(match)) in card
    # and never the bare "awaiting an answer", which says not whose
    assert _da(ProviderResponse.PENDING.label) not in card


def test_the_case_page_says_whose_answer_it_waits_for(client, setting):
    match = _match(setting, MatchStatus.ACCEPTED)
    client.force_login(setting["builder"])

    page = client.get(reverse("referrals:case_detail", args=[match.case_id])).content.decode()

    listed = page[page.index('data-testid="case-matches"') :]
    listed = listed[: listed.index("</ul>")]
    with translation.override("da"):
        assert escape(match_awaiting(match)) in listed


def test_the_coordinators_card_and_the_volunteers_page_say_whose_answer(client, setting):
    volunteer = make_volunteer(team=setting["centre"])
    match = _match(setting, MatchStatus.ACCEPTED, volunteer=volunteer)
    client.force_login(setting["coordinator"])
    with translation.override("da"):
        awaiting = escape(match_awaiting(match))

    requests = client.get(reverse("matching:requests")).content.decode()
    card = requests[requests.index(f'id="match-{match.pk}"') :]
    card = card[: card.index("</li>")]
    volunteer_page = client.get(reverse("volunteers:detail", args=[volunteer.pk]))

    assert awaiting in card
    assert awaiting in volunteer_page.content.decode()


# --- The coordinator's start page ----------------------------------------------------------------


def _figures(page: str) -> dict[str, tuple[int, str]]:
    """The start page's figures: name → (number, where it leads)."""
    found = {}
    for href, name, number in re.findall(
        r'<a[^>]*href="([^"]*)"[^>]*data-figure="(\w+)"[^>]*>\s*<div class="card-body">'
        r'<div class="display-6">(\d+)</div>',
        page,
    ):
        found[name] = (int(number), href)
    return found


def test_the_coordinators_start_page_counts_what_waits_and_leads_to_it(client, setting):
    coordinator = setting["coordinator"]
    # two new requests to answer, one first meeting this week, one not yet answered but planned
    _match(setting, MatchStatus.PROPOSED)
    _match(setting, MatchStatus.ACCEPTED)
    _match(setting, MatchStatus.FIRST_MEETING, meeting_in=0)
    _match(setting, MatchStatus.FIRST_MEETING, answered=True, meeting_in=40)
    # an offer nobody has confirmed for years
    Offer.objects.filter(pk=setting["offer"].pk).update(
        last_confirmed_on=timezone.localdate() - timedelta(days=3 * 365)
    )
    # a volunteer whose certificate runs out in a week
    volunteer = make_volunteer(team=setting["centre"])
    seen = timezone.localdate().replace(year=timezone.localdate().year - 2) + timedelta(days=7)
    volunteer_record_vetting(volunteer=volunteer, data={"vetting_seen_on": seen}, actor=None)
    volunteer.refresh_from_db()
    assert volunteer.vetting_state == "due_soon"
    # and an open task of the coordinator's own, and one done
    for done in (False, True):
        task = task_create(
            citizen=None,
            team=setting["centre"],
            assignee=coordinator,
            actor=coordinator,
            kind=TaskKind.OTHER,
            title="Ring til Vera",
            due=timezone.localdate(),
            data={"volunteer": str(volunteer.pk)},
        )
        if done:
            task_complete(task=task, actor=coordinator)
    client.force_login(coordinator)

    page = client.get("/").content.decode()

    figures = _figures(page)
    assert figures["requests"] == (2, reverse("matching:requests") + "#pending")
    assert figures["meetings"] == (1, reverse("matching:requests") + "#meetings")
    assert figures["offers"] == (1, reverse("offers:offer_list") + "?sort=confirmed")
    assert figures["certificates"] == (1, reverse("volunteers:list") + "?sort=renewal")
    assert figures["tasks"] == (1, reverse("followups:my_tasks"))


def test_the_coordinators_start_page_with_nothing_waiting_says_nought(client, setting):
    client.force_login(setting["coordinator"])

    figures = _figures(client.get("/").content.decode())

    assert {name: number for name, (number, _href) in figures.items()} == {
        "requests": 0,
        "meetings": 0,
        "offers": 0,
        "certificates": 0,
        "tasks": 0,
    }
