"""The matching page, the coordinator's pages, the suggestions API and who may open what."""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from audit.constants import AuditAction
from audit.models import AuditEvent
from matching.models import Match
from matching.services import match_propose
from offers.constants import MatchStatus
from offers.models import Offer
from referrals.constants import ConsentPurpose
from referrals.models import Case
from referrals.services import consent_give
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.volunteers.factories import (
    coordination_team,
    load_postcodes,
    make_offer,
    make_volunteer,
    profile,
)
from volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


@pytest.fixture
def setting():
    """A bridge-builder with a case, a coordinator with an offer and a volunteer."""
    team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=team)
    case = make_referral(team=team, first_name="Inger").referral.case
    coordination = coordination_team()
    coordinator = UserFactory(coordinator=True, team=coordination)
    offer = make_offer(title="Gå-klubben", team=coordination, capacity=5)
    volunteer = make_volunteer(team=coordination, first_name="Vera")
    return {
        "builder": builder,
        "case": case,
        "coordinator": coordinator,
        "offer": offer,
        "volunteer": volunteer,
    }


def test_the_bridge_builder_proposes_in_one_step(client, setting):
    client.force_login(setting["builder"])
    case = setting["case"]
    page = client.get(reverse("matching:case_matching", args=[case.pk]))
    assert page.status_code == 200
    assert "Gå-klubben" in page.content.decode()

    response = client.post(
        reverse("matching:propose", args=[case.pk]),
        {"kind": "offer", "target": setting["offer"].pk},
    )

    assert response.status_code == 302
    match = Match.objects.get()
    assert (match.offer, match.status) == (setting["offer"], MatchStatus.PROPOSED)
    assert match.reasons  # the reasons shown are kept with the proposal
    assert Offer.objects.get(pk=setting["offer"].pk).places_taken == 1


def test_proposing_keeps_what_the_page_showed_without_ranking_again(
    client, setting, django_assert_num_queries
):
    # given: the page suggested the offer for what Inger would like to do
    case = setting["case"]
    profile(case.citizen, activity_kinds=["network_cafe"])
    client.force_login(setting["builder"])
    page = client.get(reverse("matching:case_matching", args=[case.pk]))
    shown = next(s for s in page.context["offer_suggestions"] if s.id == setting["offer"].pk)
    assert "det, borgeren gerne vil: netværkscafé" in shown.reasons
    # and since then her wishes changed: ranking now would give other reasons
    profile(case.citizen, activity_kinds=[])
    # The content types are cached per process: read them now, so that the count does not
    # depend on which tests ran before.
    ContentType.objects.get_for_models(Match, Case)

    # when she says yes to it
    # 1 session, 2 user, 3-4 own and group permissions, 5 the user's teams, 6 the case, locked,
    # 7 the offer; proposing: 8 savepoint, 9 the offer locked, 10 the places held for others on
    # its waiting list and her own place on it, 11 its place taken, 12 an open match of hers
    # with it, 13 the match, 14 its line on the timeline, 15 its audit row, 16 the case's
    # status; the case moves on new → contacted → screening → matching, each step a savepoint,
    # the case locked, saved, its audit row and its line on the timeline (17-21, 23-27, 29-33)
    # and a release (22, 28, 36), the last reading its referrals for the referrer's feedback
    # (34) and whether a referral came as a MedCom message, to be answered in kind (35);
    # 37 release; 38-40 saving the session. Nothing ranks again.
    with django_assert_num_queries(40):
        response = client.post(
            reverse("matching:propose", args=[case.pk]),
            {"kind": "offer", "target": setting["offer"].pk},
        )

    # then the proposal keeps the score and the reasons she was shown
    assert response.status_code == 302
    match = Match.objects.get()
    assert (match.score, match.reasons) == (shown.score, [str(r) for r in shown.reasons])


def test_the_wishes_form_validates_and_keeps_the_input(client, setting):
    client.force_login(setting["builder"])
    case = setting["case"]
    response = client.post(
        reverse("matching:profile_save", args=[case.pk]),
        {"profile-max_distance_km": "900", "profile-interests": ["gardening"]},
    )
    assert response.status_code == 400
    assert "200" in response.content.decode()

    response = client.post(
        reverse("matching:profile_save", args=[case.pk]),
        {"profile-max_distance_km": "12", "profile-interests": ["gardening"], "profile-slots": [4]},
    )
    assert response.status_code == 302
    assert case.citizen.match_profile.slots == [4]


def test_planning_the_first_meeting_needs_who_goes_along(client, setting):
    client.force_login(setting["builder"])
    case = setting["case"]
    match = match_propose(case=case, offer=setting["offer"], actor=setting["builder"])
    client.post(reverse("matching:match_action", args=[case.pk, match.pk, "accept"]))
    url = reverse("matching:match_action", args=[case.pk, match.pk, "meeting"])
    at = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")

    refused = client.post(url, {"meeting-at": at, "meeting-accompaniment": "on"})
    saved = client.post(
        url,
        {"meeting-at": at, "meeting-accompaniment": "on", "meeting-accompanied_by": "Bente"},
    )

    assert refused.status_code == 400
    assert "Skriv, hvem der går med" in refused.content.decode()
    assert saved.status_code == 302
    match.refresh_from_db()
    assert (match.status, match.accompanied_by) == (MatchStatus.FIRST_MEETING, "Bente")


def test_the_coordinator_sees_who_only_with_consent(client, setting):
    case = setting["case"]
    match_propose(case=case, offer=setting["offer"], actor=setting["builder"])
    client.force_login(setting["coordinator"])

    before = client.get(reverse("matching:requests")).content.decode()
    consent_give(
        citizen=case.citizen,
        purpose=ConsentPurpose.SHARE_OFFER,
        method="verbal",
        recipient="Gå-klubben",
        recipient_id=setting["offer"].pk,
        actor=setting["builder"],
    )
    after = client.get(reverse("matching:requests")).content.decode()

    assert "Inger" not in before and "endnu intet samtykke" in before
    assert "Inger" in after and case.citizen.phone in after


def test_the_matching_page_logs_a_read_of_each_citizen_suggested_as_a_companion(client, setting):
    # given: Inger and a neighbour from the same team both said yes to being suggested
    case = setting["case"]
    team = case.team
    neighbour = make_referral(team=team, first_name="Karen", postcode="5000").referral.case
    for citizen in (case.citizen, neighbour.citizen):
        profile(citizen, activity_kinds=["food"])
        consent_give(
            citizen=citizen,
            purpose=ConsentPurpose.COMPANION,
            method="verbal",
            actor=setting["builder"],
        )
    client.force_login(setting["builder"])

    # when
    page = client.get(reverse("matching:case_matching", args=[case.pk])).content.decode()

    # then: Karen is shown to Inger's bridge-builder, and the log says so under Karen's name
    assert "Karen H." in page
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, actor=setting["builder"], subject_id=neighbour.citizen_id
    ).exists()


def test_a_rejected_form_on_the_matching_page_logs_the_read_it_shows(client, setting):
    case = setting["case"]
    client.force_login(setting["builder"])

    response = client.post(
        reverse("matching:profile_save", args=[case.pk]), {"profile-max_distance_km": "900"}
    )

    assert response.status_code == 400
    assert "Inger" in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.READ, actor=setting["builder"], subject_id=case.citizen_id
    ).exists()


def test_another_centres_coordinator_sees_nothing(client, setting):
    match = match_propose(case=setting["case"], offer=setting["offer"], actor=setting["builder"])
    stranger = UserFactory(coordinator=True, team=coordination_team())
    client.force_login(stranger)

    assert "Gå-klubben" not in client.get(reverse("matching:requests")).content.decode()
    response = client.post(reverse("matching:respond", args=[match.pk]), {"confirmed": "yes"})
    assert response.status_code == 404
    assert client.get(reverse("offers:offer_edit", args=[setting["offer"].pk])).status_code == 404
    volunteer_url = reverse("volunteers:detail", args=[setting["volunteer"].pk])
    assert client.get(volunteer_url).status_code == 404


def test_the_coordinator_creates_an_offer_with_meeting_times(client, setting):
    client.force_login(setting["coordinator"])
    organisation = setting["coordinator"].teams.get().organisation
    data = {
        "organisation": organisation.pk,
        "title": "Strikkecafé",
        "description": "Vi strikker og drikker kaffe.",
        "strategy": "social_network",
        "activity_kinds": ["crafts"],
        "postcode": "5000",
        "price_kind": "free",
        "is_public": "on",
        "schedule-TOTAL_FORMS": "1",
        "schedule-INITIAL_FORMS": "0",
        "schedule-0-frequency": "biweekly",
        "schedule-0-weekday": "3",
        "schedule-0-starts_at": "10:00",
        "schedule-0-ends_at": "09:00",
    }
    refused = client.post(reverse("offers:offer_create"), data)
    data["schedule-0-ends_at"] = "12:00"
    saved = client.post(reverse("offers:offer_create"), data)

    assert refused.status_code == 400
    assert "skal slutte, efter den begynder" in refused.content.decode()
    assert saved.status_code == 302
    offer = Offer.objects.get(title="Strikkecafé")
    assert (offer.weekdays, offer.slots, offer.latitude is not None) == ([3], [9], True)


def test_the_coordinator_registers_and_vets_a_volunteer(client, setting):
    client.force_login(setting["coordinator"])
    response = client.post(
        reverse("volunteers:create"),
        {
            "first_name": "Svend",
            "last_name": "Sørensen",
            "postcode": "5200",
            "roles": ["visiting_friend"],
            "capacity": "2",
        },
    )
    volunteer = Volunteer.objects.get(first_name="Svend")
    assert response.status_code == 302
    url = reverse("volunteers:vetting", args=[volunteer.pk])
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = client.post(
        url, {"vetting-vetting_kind": "criminal_record", "vetting-vetting_seen_on": future}
    )
    saved = client.post(
        url,
        {
            "vetting-vetting_kind": "criminal_record",
            "vetting-vetting_seen_on": timezone.localdate().isoformat(),
        },
    )

    assert refused.status_code == 400
    assert saved.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.vetting_renewal_due.year == timezone.localdate().year + 2


def test_suggestions_api(api_client, setting):
    citizen = setting["case"].citizen
    profile(citizen, interests=["walking"])
    api_client.force_authenticate(setting["builder"])

    response = api_client.get(f"/api/v1/citizens/{citizen.pk}/suggestions/")
    bad = api_client.get(f"/api/v1/citizens/{citizen.pk}/suggestions/?kind=cats")

    assert response.status_code == 200
    kinds = {row["kind"] for row in response.json()["results"]}
    assert kinds == {"offer", "volunteer"}
    first = response.json()["results"][0]
    assert set(first) >= {"kind", "id", "title", "score", "reasons"}
    assert all(isinstance(reason, str) for reason in first["reasons"])
    assert bad.status_code == 400 and "kind" in bad.json()


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("bridge_builder", 200),
        ("home_care", 403),
        ("coordinator", 403),
        ("referrer", 403),
        ("admin", 403),
        (None, 401),
    ],
)
def test_who_may_read_suggestions(api_client, setting, role, expected):
    citizen = setting["case"].citizen
    if role == "bridge_builder":
        api_client.force_authenticate(setting["builder"])
    elif role:
        api_client.force_authenticate(UserFactory(role=role))
    response = api_client.get(f"/api/v1/citizens/{citizen.pk}/suggestions/")
    # Home care may list citizens but not match them; others may not see the citizen at all.
    assert response.status_code in ({expected} | ({404} if expected == 403 else set()))


PAGES = [
    ("matching:requests", None),
    ("offers:offer_list", None),
    ("offers:offer_create", None),
    ("volunteers:list", None),
    ("volunteers:create", None),
    ("volunteers:waiting_list", None),
    ("matching:case_matching", "case"),
]
EXPECTED = {
    # A bridge-builder creates the communities they host themself (offers.services.offer_create).
    "bridge_builder": {
        "volunteers:waiting_list",
        "matching:case_matching",
        "offers:offer_create",
    },
    "coordinator": {
        "matching:requests",
        "offers:offer_list",
        "offers:offer_create",
        "volunteers:list",
        "volunteers:create",
        "volunteers:waiting_list",
    },
    "home_care": set(),
    "referrer": set(),
    # The administrator looks after the catalogue in the Django admin.
    "admin": set(),
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_permission_table_for_matching_pages(client, setting, role):
    user = setting["builder"] if role == "bridge_builder" else UserFactory(role=role)
    if role == "coordinator":
        user = setting["coordinator"]
    client.force_login(user)
    for name, arg in PAGES:
        url = reverse(name, args=[setting["case"].pk] if arg else [])
        status = client.get(url).status_code
        assert status == (200 if name in EXPECTED[role] else 403), (role, name, status)


def test_anonymous_is_sent_to_sign_in(client, setting):
    for name, arg in PAGES:
        url = reverse(name, args=[setting["case"].pk] if arg else [])
        assert client.get(url).status_code == 302


@pytest.mark.parametrize("rows", [1, 15])
def test_volunteer_list_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    team = coordination_team()
    coordinator = UserFactory(coordinator=True, team=team)
    for _ in range(rows):
        make_volunteer(team=team)
    client.force_login(coordinator)
    # session, user, groups/permissions, memberships (scope), count, page, navigation perms
    with django_assert_max_num_queries(12):
        assert client.get(reverse("volunteers:list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 15])
def test_offer_list_query_count_does_not_grow(client, django_assert_max_num_queries, rows):
    team = coordination_team()
    coordinator = UserFactory(coordinator=True, team=team)
    for _ in range(rows):
        make_offer(team=team)
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("offers:offer_list")).status_code == 200


@pytest.mark.parametrize("rows", [1, 12])
def test_requests_page_query_count_does_not_grow(client, django_assert_num_queries, rows):
    team = coordination_team()
    coordinator = UserFactory(coordinator=True, team=team)
    builder = UserFactory(bridge_builder=True)
    offer = make_offer(team=team, capacity=50)
    for _ in range(rows):
        match_propose(case=make_referral().referral.case, offer=offer, actor=builder)
    client.force_login(coordinator)
    # 1 session, 2 user, 3-4 own and group permissions, 5 roles, 6 teams (scope), 7 the
    # matches, 8 the consents to share with these offers, 9 the audit insert (every row shown,
    # named or not, is a read), 10 stale offers, 11-13 saving the session
    with django_assert_num_queries(13):
        response = client.get(reverse("matching:requests"))
    assert response.status_code == 200
    assert response.content.decode().count('data-testid="request"') == rows


@pytest.mark.parametrize("rows", [1, 12])
def test_waiting_list_query_count_does_not_grow(client, django_assert_num_queries, rows):
    from volunteers.services import volunteer_request_create

    builder = UserFactory(bridge_builder=True)
    for _ in range(rows):
        volunteer_request_create(
            case=make_referral().referral.case, role="visiting_friend", actor=builder
        )
    client.force_login(UserFactory(coordinator=True, team=coordination_team()))
    # 1 session, 2 user, 3-4 own and group permissions, 5 roles, 6 the requests with
    # their citizens, proposals and whether the reader may see the name, 7 the audit insert,
    # 8-10 saving the session
    with django_assert_num_queries(10):
        response = client.get(reverse("volunteers:waiting_list"))
    assert response.status_code == 200
    assert response.content.decode().count("<tr>") == rows + 1  # the heading row


@pytest.mark.parametrize("rows", [1, 12])
def test_suggestions_api_query_count_does_not_grow(
    api_client, setting, django_assert_num_queries, rows
):
    for _ in range(rows):
        make_offer(capacity=5)
        make_volunteer(team=coordination_team())
    api_client.force_authenticate(setting["builder"])
    url = f"/api/v1/citizens/{setting['case'].citizen_id}/suggestions/"
    # 1-2 own and group permissions, 3 teams, 4 groups, 5 the citizen, 6 the case (scope), 7 the
    # citizen's wishes with the open case's referrals and the volunteers asked for, 8 postcode,
    # 9 nearby postcodes, 10 offers, 11 their schedules (in season?), 12 volunteers, 13 the
    # audit insert
    with django_assert_num_queries(13):
        response = api_client.get(url)
    assert response.status_code == 200
    assert response.json()["count"] >= 2


def test_the_wishes_form_records_who_solves_a_need(client, setting):
    client.force_login(setting["builder"])
    case = setting["case"]

    response = client.post(
        reverse("matching:profile_save", args=[case.pk]),
        {
            "profile-max_distance_km": "10",
            "profile-needs_companion": "on",
            "profile-companion_arranged_by": "  datteren Hanne ",
            "profile-transport_arranged_by": "naboen, der kører",
            "profile-language_help_arranged_by": "",
        },
    )

    assert response.status_code == 302
    saved = case.citizen.match_profile
    assert saved.needs_companion is True
    assert saved.companion_arranged_by == "datteren Hanne"
    assert saved.transport_arranged_by == "naboen, der kører"
    page = client.get(reverse("matching:case_matching", args=[case.pk])).content.decode()
    assert 'name="profile-transport_arranged_by"' in page
    assert "naboen, der kører" in page


def test_the_page_says_what_each_score_is_made_of_and_marks_full_offers(client, setting):
    case = setting["case"]
    profile(case.citizen, interests=["walking"], slots=[4])
    full = make_offer(title="Sorggruppen", capacity=1)
    match_propose(case=make_referral().referral.case, offer=full, actor=setting["builder"])
    client.force_login(setting["builder"])

    response = client.get(reverse("matching:case_matching", args=[case.pk]))

    page = response.content.decode()
    shown = {s.title: s for s in response.context["offer_suggestions"]}
    # Each score with what it is made of, in the reader's words.
    shown_anywhere = [
        *response.context["offer_suggestions"],
        *response.context["volunteer_suggestions"],
    ]
    assert page.count('data-testid="score-why"') == len(shown_anywhere)
    for label, points in shown["Gå-klubben"].breakdown:
        assert f"{label}" in page and str(points) in page
    # A full offer is shown and marked; it is not proposed: the waiting list is the way in.
    assert shown["Sorggruppen"].full
    offers = page.split('data-testid="offer-suggestions"')[1].split("</ul>\n        </div>")[0]
    full_item = next(
        item for item in offers.split('<li class="list-group-item') if "Sorggruppen" in item
    )
    assert 'data-testid="suggestion-full"' in full_item
    assert 'name="target"' not in full_item


@pytest.mark.parametrize("rows", [1, 12])
def test_suggestions_api_query_count_with_wishes_and_a_referral(
    api_client, setting, django_assert_num_queries, rows
):
    # given: wishes with times and words, a referral saying what happened, offers that fit
    citizen = setting["case"].citizen
    profile(citizen, interests=["walking"], slots=[4], wishes="gå ture", accepts_remote=True)
    for _ in range(rows):
        make_offer(capacity=5, interests=["walking"])
        make_volunteer(team=coordination_team())
    api_client.force_authenticate(setting["builder"])
    url = f"/api/v1/citizens/{citizen.pk}/suggestions/"
    # As without wishes (13), and the phone friends further away: the citizen would take part
    # by phone. No query for the wishes' words, the referrals or the times that suit.
    with django_assert_num_queries(14):
        response = api_client.get(url)
    assert response.status_code == 200


def test_the_matching_page_costs_the_same_queries_with_few_offers_and_matches_and_with_many(
    client, setting
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case = setting["case"]
    coordination = setting["offer"].team
    client.force_login(setting["builder"])
    ContentType.objects.get_for_models(Match, Case)
    url = reverse("matching:case_matching", args=[case.pk])

    def add(count: int, start: int) -> None:
        for n in range(start, start + count):
            offer = make_offer(title=f"Tilbud {n}", team=coordination, capacity=5)
            make_volunteer(team=coordination, first_name=f"Frivillig {n}")
        match_propose(case=case, offer=offer, actor=setting["builder"], reasons=[])

    def page_queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url)
        assert page.status_code == 200
        return len(captured)

    add(1, 0)
    few = page_queries()
    add(12, 1)
    add(1, 13)

    assert page_queries() == few
    assert Match.objects.filter(case=case).count() == 3
    body = client.get(url).content.decode()
    assert all(f"Tilbud {n}" in body for n in (0, 12, 13))


def test_ending_a_match_needs_a_reason_chosen_and_nothing_is_chosen_for_the_bridge_builder(
    client, setting
):
    case = setting["case"]
    match = match_propose(case=case, offer=setting["offer"], actor=setting["builder"], reasons=[])
    client.force_login(setting["builder"])
    url = reverse("matching:match_action", args=[case.pk, match.pk, "end"])
    page = client.get(reverse("matching:case_matching", args=[case.pk])).content.decode()
    assert '<option value="" selected>Vælg …</option>' in page

    refused = client.post(url, {"end-reason": "", "end-note": ""})

    assert refused.status_code == 400
    assert "Vælg, hvorfor matchet slutter." in refused.content.decode()
    match.refresh_from_db()
    assert match.status == MatchStatus.PROPOSED

    assert client.post(url, {"end-reason": "not_a_fit", "end-note": ""}).status_code == 302
    match.refresh_from_db()
    assert (match.status, match.end_reason) == (MatchStatus.ENDED, "not_a_fit")
