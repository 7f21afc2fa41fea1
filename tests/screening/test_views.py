import pytest
from django.test import Client
from django.urls import reverse

from followups.constants import TaskKind
from followups.models import Task
from referrals.models import Citizen, Referral
from screening.models import Screening
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(home_care=True, name="Hjemmeplejen Nord")


@pytest.fixture
def worker(team):
    return UserFactory(home_care=True, team=team, first_name="Hanne")


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        client.force_login(user)
        return client

    return make


def test_the_board_groups_by_latest_colour_with_what_the_meeting_needs(team, worker, client_for):
    red = home_care_citizen(team=team, first_name="Rød")
    screen(citizen=red, by=worker, answers=(1, 1, 1))
    screen(citizen=red, by=worker, answers=(3, 3, 3))  # the latest colour counts
    home_care_citizen(team=team, first_name="Uscreenet")
    green = home_care_citizen(team=team, first_name="Grøn")
    screen(citizen=green, by=worker, answers=(1, 1, 1))

    response = client_for(worker).get("/screening/tavle/")

    groups = response.context["groups"]
    assert [g.code for g in groups] == ["red", "green", ""]
    assert [c.first_name for c in groups[0].citizens] == ["Rød"]
    assert groups[2].citizens[0].rescreen_due_now  # never screened: due


def test_board_query_count_does_not_grow_with_the_team(
    team, worker, client_for, django_assert_num_queries
):
    client = client_for(worker)
    citizen = home_care_citizen(team=team)
    screen(citizen=citizen, by=worker, answers=(3, 3, 3))

    # 1 session, 2 user, 3-4 permissions, 5 the user's team ids, 6 their home-care teams,
    # 7 the team's settings, 8 its triage scheme, 9 the scheme's colours, 10 its procedure,
    # 11 the citizens with latest screening, overdue steps and pending "screen again" in one
    # query, 12 their colours on the team, 13 the access log for every citizen shown, 14 the
    # team's members for the assign lists, 15-17 saving the session
    with django_assert_num_queries(17):
        client.get("/screening/tavle/")
    for index in range(60):
        extra = home_care_citizen(team=team)
        if index % 2:
            screen(citizen=extra, by=worker, answers=(1 + index % 3, 2, 2))
    with django_assert_num_queries(17):
        response = client.get("/screening/tavle/")
    assert sum(len(g.citizens) for g in response.context["groups"]) == 61


def _rows(response) -> int:
    return response.content.decode().count('data-testid="board-row"')


def _read(citizen, user) -> bool:
    from audit.constants import AuditAction
    from audit.models import AuditEvent

    return AuditEvent.objects.filter(
        action=AuditAction.READ, subject_id=citizen.pk, actor=user
    ).exists()


def test_a_large_colour_shows_its_first_rows_and_show_more_brings_the_next(
    team, worker, client_for
):
    from screening.models import TeamScreeningSettings, TriageScheme
    from screening.views import BOARD_ROWS

    # Screened from 2 hours of home help a week: none of them is due, so none is on the due list.
    TeamScreeningSettings.objects.create(
        team=team, scheme=TriageScheme.objects.get(is_default=True), screen_from_home_help_hours=2
    )
    citizens = [home_care_citizen(team=team, last_name=f"B{n:03}") for n in range(BOARD_ROWS + 7)]
    red = home_care_citizen(team=team, first_name="Rød")
    screen(citizen=red, by=worker, answers=(3, 3, 3))
    client = client_for(worker)

    response = client.get("/screening/tavle/")

    # Every citizen counts in their colour; the first rows of each colour are drawn.
    groups = {g.key: g for g in response.context["groups"]}
    assert len(groups["none"].citizens) == BOARD_ROWS + 7
    assert _rows(response) == BOARD_ROWS + 1
    page = response.content.decode()
    assert page.count('data-testid="board-more"') == 1
    assert f"farve=none&amp;fra={BOARD_ROWS}" in page
    # Only the citizens shown are read.
    shown, hidden = citizens[:BOARD_ROWS], citizens[BOARD_ROWS:]
    assert all(_read(c, worker) for c in shown)
    assert not any(_read(c, worker) for c in hidden)

    more = client.get(
        "/screening/tavle/",
        {"team": str(team.pk), "farve": "none", "fra": BOARD_ROWS},
        HTTP_HX_REQUEST="true",
    )

    # htmx gets the next rows alone, and no "Show more" when none are left.
    assert more.status_code == 200
    body = more.content.decode()
    assert "<html" not in body
    assert _rows(more) == 7
    assert 'data-testid="board-more"' not in body
    assert all(c.full_name in body for c in hidden)
    assert all(_read(c, worker) for c in hidden)


def test_without_javascript_show_more_opens_the_whole_colour(team, worker, client_for):
    from screening.views import BOARD_ROWS

    for n in range(BOARD_ROWS + 3):
        home_care_citizen(team=team, last_name=f"B{n:03}")

    response = client_for(worker).get("/screening/tavle/", {"farve": "none"})

    assert _rows(response) == BOARD_ROWS + 3
    assert 'data-testid="board-more"' not in response.content.decode()


def test_show_more_of_an_unknown_colour_or_position_is_not_found(team, worker, client_for):
    home_care_citizen(team=team)
    client = client_for(worker)
    for params in ({"farve": "purple", "fra": "0"}, {"farve": "none", "fra": "x"}):
        response = client.get("/screening/tavle/", params, HTTP_HX_REQUEST="true")
        assert response.status_code == 404


def test_the_due_list_names_the_first_and_counts_the_rest(team, worker, client_for):
    from screening.views import DUE_SHOWN

    for n in range(DUE_SHOWN + 4):
        home_care_citizen(team=team, last_name=f"D{n:03}")

    response = client_for(worker).get("/screening/tavle/")

    page = response.content.decode()
    assert len(response.context["due"]) == DUE_SHOWN + 4
    assert page.count('data-testid="due-citizen"') == DUE_SHOWN
    assert 'data-testid="due-more"' in page


def test_the_ticked_citizens_are_given_to_one_worker_at_the_board(team, worker, client_for):
    first, second, other = (home_care_citizen(team=team) for _ in range(3))
    stranger = home_care_citizen(team=TeamFactory(home_care=True))
    colleague = UserFactory(home_care=True, team=team, first_name="Sara")
    client = client_for(worker)

    response = client.post(
        "/screening/tavle/tildel/",
        {
            "team": str(team.pk),
            "citizens": [str(first.pk), str(second.pk), str(stranger.pk)],
            "assignee": colleague.pk,
        },
        follow=True,
    )

    tasks = Task.objects.filter(kind=TaskKind.RESCREEN)
    assert {t.citizen for t in tasks} == {first, second}  # never a citizen of another team
    assert {t.assignee for t in tasks} == {colleague}
    assert "Sara screener 2 borgere i denne uge." in response.content.decode()

    response = client.post(
        "/screening/tavle/tildel/", {"team": str(team.pk), "assignee": colleague.pk}, follow=True
    )
    assert "Sæt kryds ved de borgere" in response.content.decode()
    assert not Task.objects.filter(citizen=other).exists()


def test_refer_from_the_tablet_needs_consent(team, worker, client_for):
    bridge_team()
    citizen = home_care_citizen(team=team)
    screening = screen(citizen=citizen, by=worker, answers=(3, 3, 3))
    url = f"/screening/borgere/{citizen.pk}/screeninger/{screening.pk}/henvis/"
    client = client_for(worker)

    client.post(url, {"note": "Vil gerne ud"})
    assert not Referral.objects.exists()

    client.post(url, {"consent_given": "on", "note": "Vil gerne ud"})
    referral = Referral.objects.get()
    assert referral.source == "home_care"
    assert referral.referrer == worker
    assert "score 9" in referral.reason
    assert "Vil gerne ud" in referral.reason


def test_the_citizen_page_draws_the_score_history(team, worker, client_for):
    citizen = home_care_citizen(team=team)
    for answers in [(1, 1, 1), (2, 2, 2), (3, 3, 3)]:
        screen(citizen=citizen, by=worker, answers=answers)
    body = client_for(worker).get(f"/screening/borgere/{citizen.pk}/").content.decode()
    assert body.count("<circle") >= 3
    assert 'cx="36.0"' in body  # coordinates with a decimal point, never a Danish comma


ROLES = ["home_care", "other_home_care", "bridge_builder", "coordinator", "referrer", "admin"]
PAGES = {
    # page → expected status per role, in the order of ROLES
    "list": [200, 200, 403, 403, 403, 403],
    "board": [200, 200, 403, 403, 403, 403],
    "citizen": [200, 404, 404, 403, 403, 403],
    "screen": [200, 404, 404, 403, 403, 403],
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(team, worker, client_for, page, role):
    citizen = home_care_citizen(team=team)
    user = {
        "home_care": lambda: worker,
        "other_home_care": lambda: UserFactory(home_care=True, team=TeamFactory(home_care=True)),
        "bridge_builder": lambda: UserFactory(bridge_builder=True, team=bridge_team()),
    }.get(role, lambda: UserFactory(role=role, team=team))()
    url = {
        "list": reverse("screening:citizen_list"),
        "board": reverse("screening:board"),
        "citizen": reverse("screening:citizen_detail", args=[citizen.pk]),
        "screen": reverse("screening:screen", args=[citizen.pk]),
    }[page]
    assert client_for(user).get(url).status_code == PAGES[page][ROLES.index(role)]


def test_the_service_worker_is_served_from_the_root(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Content-Type"] == "application/javascript"


def test_the_administrator_edits_triage_schemes_and_team_settings_in_the_admin(client_for):
    from screening.models import TriageScheme

    admin = UserFactory(admin=True)
    client = client_for(admin)
    scheme = TriageScheme.objects.get(name="Trafiklys")
    page = client.get(f"/django-admin/screening/triagescheme/{scheme.pk}/change/")
    assert page.status_code == 200
    assert "Tilbyd en henvisning" in page.content.decode()
    assert client.get("/django-admin/screening/teamscreeningsettings/add/").status_code == 200
    home_carer = UserFactory(home_care=True)
    assert client_for(home_carer).get("/django-admin/screening/triagescheme/").status_code == 302


def test_the_caseload_shows_the_latest_colour_and_the_next_task(team, worker, client_for):
    from referrals.services import case_assign

    b_team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=b_team)
    from tests.referrals.factories import make_referral

    case = make_referral(team=b_team).referral.case
    case_assign(case=case, assignee=builder, actor=builder)
    screen(citizen=case.citizen, by=builder, answers=(2, 2, 2))

    page = client_for(builder).get("/forloeb/")
    [row] = page.context["page"]
    assert (row.triage["code"], row.triage["label"]) == ("yellow", "Gul")
    assert row.next_due == Task.objects.get(citizen=case.citizen).due
    html = page.content.decode()
    assert 'fill="#f2b600"' in html
    assert "Gul</span>" in html
    board = client_for(builder).get("/forloeb/team/").content.decode()
    assert 'fill="#f2b600"' in board


def test_home_care_adds_a_citizen_to_the_teams_list_and_is_told_about_errors(
    team, worker, client_for
):
    from referrals.models import Citizen

    client = client_for(worker)
    assert client.get("/screening/borgere/ny/").status_code == 200
    data = {
        "first_name": "Gudrun",
        "last_name": "Olsen",
        "birth_date": "1929-12-01",
        "postcode": "5000",
        "preferred_language": "da",
        "team": str(team.pk),
    }

    for wrong, field in [
        ({"first_name": ""}, "first_name"),
        ({"birth_date": "2099-01-01"}, "birth_date"),
        ({"postcode": "50"}, "postcode"),
        ({"cpr": "310250-1234"}, "cpr"),
    ]:
        response = client.post("/screening/borgere/ny/", {**data, **wrong})
        assert response.status_code == 200
        assert field in response.context["form"].errors, wrong
    assert not Citizen.objects.exists()

    response = client.post("/screening/borgere/ny/", data)
    citizen = Citizen.objects.get()
    assert response["Location"] == f"/screening/borgere/{citizen.pk}/"
    assert citizen.home_care_team == team

    # The same CPR number again is the same person, found and not added twice.
    data["cpr"] = "010150-1234"
    data["birth_date"] = "1950-01-01"
    Citizen.objects.all().delete()
    client.post("/screening/borgere/ny/", data)
    response = client.post("/screening/borgere/ny/", data, follow=True)
    assert Citizen.objects.count() == 1
    assert response.redirect_chain[-1][0] == f"/screening/borgere/{Citizen.objects.get().pk}/"


def test_an_unfinished_screening_can_be_discarded(team, worker, client_for):
    from screening.services import screening_record

    citizen = home_care_citizen(team=team)
    draft = screening_record(
        citizen=citizen, answers={"left_out": 2}, screened_by=worker, draft=True
    ).screening
    done = screen(citizen=citizen, by=worker)
    client = client_for(worker)

    url = f"/screening/borgere/{citizen.pk}/kladder/{{}}/kasser/"
    assert client.post(url.format(done.pk)).status_code == 404  # only drafts
    assert client.post(url.format(draft.pk)).status_code == 302
    assert list(Screening.objects.values_list("pk", flat=True)) == [done.pk]
    referrer = UserFactory(referrer=True)
    assert client_for(referrer).post(url.format(done.pk)).status_code == 403


def test_show_more_costs_the_same_queries_for_a_colour_of_30_and_of_90(team, worker, client_for):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from screening.views import BOARD_ROWS

    client = client_for(worker)

    def more_queries(citizens: int) -> int:
        while Citizen.objects.filter(home_care_team=team).count() < citizens:
            screen(citizen=home_care_citizen(team=team), by=worker, answers=(1, 1, 1))
        with CaptureQueriesContext(connection) as captured:
            response = client.get(
                "/screening/tavle/",
                {"team": str(team.pk), "farve": "green", "fra": BOARD_ROWS},
                HTTP_HX_REQUEST="true",
            )
        assert response.status_code == 200 and _rows(response) > 0
        return len(captured)

    assert more_queries(BOARD_ROWS + 5) == more_queries(BOARD_ROWS * 3 + 15)
