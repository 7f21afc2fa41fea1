"""Home-help hours decide who is due (Holstebro: everyone with at least 2 hours a week is
screened): entered on the citizen's page, or imported from the care system's CSV by CPR number,
previewed, and stored all or nothing."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone, translation

from audit.models import AuditEvent
from referrals.identity import team_access_request
from screening import services
from screening.models import HomeHelpHours, TeamScreeningSettings, TriageScheme
from tests.accounts.factories import TeamFactory, UserFactory
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db

HEADER = "cpr;timer_pr_uge;gyldig_fra"
# CPR numbers with their dates of birth (a 7th digit of 0–3 is the 1900s).
EDITH = ("030234-1234", date(1934, 2, 3))
VERNER = ("120938-2345", date(1938, 9, 12))
GUDRUN = ("011229-3456", date(1929, 12, 1))
KAJ = ("180440-1122", date(1940, 4, 18))
STRANGER = ("050545-2222", date(1945, 5, 5))


@pytest.fixture
def team():
    return TeamFactory(home_care=True, name="Hjemmeplejen Holstebro")


@pytest.fixture
def lead(team):
    return UserFactory(home_care=True, team=team, lead=True, first_name="Lise")


@pytest.fixture
def worker(team):
    return UserFactory(home_care=True, team=team, first_name="Conny")


@pytest.fixture(autouse=True)
def _english():
    # The services' messages are read here in their English source text.
    with translation.override("en"):
        yield


def _citizen(team, person, first_name, **extra):
    cpr, birth = person
    return home_care_citizen(
        team=team, first_name=first_name, last_name="Holm", cpr=cpr, birth_date=birth, **extra
    )


def _settings(team, **extra) -> TeamScreeningSettings:
    return TeamScreeningSettings.objects.create(
        team=team, scheme=TriageScheme.objects.get(is_default=True), **extra
    )


def _csv(*lines, bom=True, encoding="utf-8") -> bytes:
    text = "\r\n".join([HEADER, *lines]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


# --- Hours as people write them -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "hours"),
    [("2", "2"), ("2,5", "2.5"), ("2.5", "2.5"), (" 12,25 ", "12.25"), ("0", "0")],
)
def test_hours_are_read_with_a_decimal_comma_or_point(text, hours):
    assert services.hours_parse(text) == Decimal(hours)


@pytest.mark.parametrize("text", ["", "-1", "169", "to", "1.234,5", "2,555", "1e2"])
def test_impossible_hours_are_refused(text):
    with pytest.raises(ValidationError):
        services.hours_parse(text)


# --- Entered on the citizen's page --------------------------------------------------------------


def test_home_care_enters_the_hours_on_the_citizens_page(team, worker):
    citizen = _citizen(team, EDITH, "Edith")
    client = _client(worker)

    response = client.post(
        f"/screening/borgere/{citizen.pk}/hjemmehjaelp/",
        {"hours": "2,5", "valid_from": "2026-03-01"},
    )

    assert response.status_code == 302
    row = HomeHelpHours.objects.get()
    assert (row.citizen, row.team, row.hours, row.valid_from, row.source) == (
        citizen,
        team,
        Decimal("2.5"),
        date(2026, 3, 1),
        "entered",
    )
    assert AuditEvent.objects.filter(action="create", subject_id=citizen.pk).exists()
    page = client.get(f"/screening/borgere/{citizen.pk}/").content.decode()
    assert 'data-testid="home-help-hours"' in page
    assert "2.5" in page or "2,5" in page


def test_hours_for_a_citizen_another_team_has_are_refused(team, worker):
    other = TeamFactory(home_care=True)
    citizen = _citizen(other, EDITH, "Edith")

    with pytest.raises(ValidationError) as error:
        services.home_help_hours_set(
            citizen=citizen, team=team, hours=Decimal(3), valid_from=date.today(), actor=worker
        )
    assert "citizen" in error.value.message_dict
    # And the page does not know the citizen at all.
    response = _client(worker).post(
        f"/screening/borgere/{citizen.pk}/hjemmehjaelp/", {"hours": "3", "valid_from": ""}
    )
    assert response.status_code == 404
    assert not HomeHelpHours.objects.exists()


def test_the_same_day_again_changes_the_hours_and_a_later_day_is_a_change(team, worker):
    citizen = _citizen(team, EDITH, "Edith")
    day = date(2026, 1, 5)
    services.home_help_hours_set(
        citizen=citizen, team=team, hours=Decimal(1), valid_from=day, actor=worker
    )
    services.home_help_hours_set(
        citizen=citizen, team=team, hours=Decimal(3), valid_from=day, actor=worker
    )
    services.home_help_hours_set(
        citizen=citizen,
        team=team,
        hours=Decimal(4),
        valid_from=day + timedelta(days=30),
        actor=worker,
    )

    assert list(HomeHelpHours.objects.order_by("valid_from").values_list("hours", flat=True)) == [
        Decimal(3),
        Decimal(4),
    ]


# --- Imported from a CSV --------------------------------------------------------------------------


def test_the_preview_names_every_row_error_and_stores_nothing(team):
    _citizen(team, EDITH, "Edith")
    _citizen(TeamFactory(home_care=True), VERNER, "Verner")  # another team's citizen
    content = _csv(
        "030234-1234;2,5;01-03-2026",  # row 2: fine
        "999999-9999;2;01-03-2026",  # row 3: no such date
        f"{STRANGER[0]};2;01-03-2026",  # row 4: nobody on the team
        f"{VERNER[0]};3;01-03-2026",  # row 5: another team's citizen: unknown here
        "0302341234;mange;01-03-2026",  # row 6
        "030234-1234;2;1. marts",  # row 7
        "030234-1234;2",  # row 8
        "",  # an empty line is skipped
        "030234-1234;2,5;2026-03-01",  # row 10: the same as row 2
    )

    plan = services.home_help_import_check(team=team, content=content)

    assert plan.errors == [
        "Row 3: The CPR number does not hold a real date of birth.",
        "Row 4: unknown CPR number.",
        "Row 5: unknown CPR number.",
        "Row 6: write the hours a week as a number from 0 to 168, e.g. 2,5.",
        "Row 7: write the date as DD-MM-YYYY, e.g. 01-03-2026.",
        "Row 8: give three columns: cpr;timer_pr_uge;gyldig_fra.",
        "Row 10: the same CPR number and date as row 2.",
    ]
    assert not HomeHelpHours.objects.exists()


def test_a_clean_file_is_previewed_then_stored_when_confirmed(team, lead):
    edith = _citizen(team, EDITH, "Edith")
    gudrun = _citizen(team, GUDRUN, "Gudrun")
    content = _csv(
        "030234-1234;2,5;01-03-2026",
        "0112293456;1.5;01.03.2026",
        "011229-3456;2;2026-06-01",  # a change from June
    )

    plan = services.home_help_import_check(team=team, content=content)

    assert plan.errors == []
    assert [(r.row, r.citizen, r.hours, r.valid_from) for r in plan.rows] == [
        (2, edith, Decimal("2.5"), date(2026, 3, 1)),
        (3, gudrun, Decimal("1.5"), date(2026, 3, 1)),
        (4, gudrun, Decimal("2"), date(2026, 6, 1)),
    ]
    assert not HomeHelpHours.objects.exists()

    count = services.home_help_import_apply(team=team, rows=plan.rows, actor=lead)

    assert count == 3
    assert set(HomeHelpHours.objects.values_list("citizen__first_name", "hours", "source")) == {
        ("Edith", Decimal("2.5"), "import"),
        ("Gudrun", Decimal("1.5"), "import"),
        ("Gudrun", Decimal("2"), "import"),
    }
    # Each citizen's access log shows the change.
    assert AuditEvent.objects.filter(subject_id=gudrun.pk, action="create").count() >= 2


def test_the_import_is_matched_by_cpr_never_by_name(team):
    # The same name and birth date as the CPR number's person, but without the number: not them.
    _citizen_without_cpr(team)
    plan = services.home_help_import_check(team=team, content=_csv("030234-1234;3;01-03-2026"))
    assert plan.errors == ["Row 2: unknown CPR number."]


def _citizen_without_cpr(team):
    return home_care_citizen(team=team, first_name="Edith", last_name="Holm", birth_date=EDITH[1])


def test_a_citizen_granted_to_the_team_is_found_by_cpr(team, worker):
    owner = TeamFactory(home_care=True)
    verner = _citizen(owner, VERNER, "Verner")
    request = team_access_request(citizen=verner, team=team, actor=worker)
    from referrals.identity import team_access_grant

    team_access_grant(request=request, actor=UserFactory(home_care=True, team=owner))

    plan = services.home_help_import_check(team=team, content=_csv(f"{VERNER[0]};2;01-03-2026"))

    assert plan.errors == []
    assert plan.rows[0].citizen == verner


def test_the_import_is_all_or_nothing(team, lead):
    edith = _citizen(team, EDITH, "Edith")
    kaj = _citizen(team, KAJ, "Kaj")
    plan = services.home_help_import_check(
        team=team, content=_csv("030234-1234;3;01-03-2026", f"{KAJ[0]};4;01-03-2026")
    )
    assert plan.errors == []
    # Between the preview and the confirmation Kaj moves to another team.
    from referrals.services import citizen_set_home_care_team

    citizen_set_home_care_team(citizen=kaj, team=TeamFactory(home_care=True), actor=None)

    with pytest.raises(ValidationError) as error:
        services.home_help_import_apply(team=team, rows=plan.rows, actor=lead)

    assert "Row 3" in " ".join(error.value.messages)
    assert not HomeHelpHours.objects.filter(citizen=edith).exists()


def test_importing_the_same_file_twice_changes_nothing(team, lead):
    _citizen(team, EDITH, "Edith")
    content = _csv("030234-1234;3;01-03-2026")
    for _ in range(2):
        plan = services.home_help_import_check(team=team, content=content)
        services.home_help_import_apply(team=team, rows=plan.rows, actor=lead)
    assert HomeHelpHours.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "error"),
    [
        (b"", "The file is empty."),
        (b"navn;timer\r\nEdith;3\r\n", "The first line must name the columns: " + HEADER),
        (HEADER.encode() + b"\r\n", "The file has no rows after the first line."),
    ],
)
def test_a_file_that_is_not_the_agreed_csv_is_refused(team, content, error):
    plan = services.home_help_import_check(team=team, content=content)
    assert plan.errors == [error]


def test_a_file_saved_by_danish_excel_is_read(team):
    # Windows-1252 without a byte-order mark, a header in capitals and a trailing separator.
    _citizen(team, EDITH, "Edith")
    content = "CPR;Timer_pr_uge;Gyldig_fra;\r\n030234-1234;2,5;01-03-2026;\r\n".encode("cp1252")
    plan = services.home_help_import_check(team=team, content=content)
    assert plan.errors == []
    assert plan.rows[0].hours == Decimal("2.5")


def test_a_large_file_is_imported_in_a_bounded_number_of_queries(
    team, lead, django_assert_max_num_queries
):
    """A home-care district has a few thousand citizens: the import reads them in one query and
    writes in batches, so it runs while the team lead waits."""
    citizens = [
        home_care_citizen(team=team, cpr=f"0101{n % 100:02d}-{1000 + n}", birth_date=None)
        for n in range(300)
    ]
    assert len(citizens) == 300
    content = _csv(*(f"0101{n % 100:02d}-{1000 + n};{n % 7},5;01-03-2026" for n in range(300)))
    with django_assert_max_num_queries(3):
        plan = services.home_help_import_check(team=team, content=content)
    assert plan.errors == []
    with django_assert_max_num_queries(15):
        services.home_help_import_apply(team=team, rows=plan.rows, actor=lead)
    assert HomeHelpHours.objects.count() == 300


# --- The import pages -----------------------------------------------------------------------------


def test_the_team_lead_uploads_sees_the_preview_and_confirms(team, lead):
    _citizen(team, EDITH, "Edith")
    client = _client(lead)
    assert client.get("/screening/hjemmehjaelp/import/").status_code == 200

    upload = io.BytesIO(_csv("030234-1234;2,5;01-03-2026"))
    upload.name = "timer.csv"
    response = client.post(
        "/screening/hjemmehjaelp/import/", {"team": str(team.pk), "file": upload}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Edith Holm" in page  # the lead sees whom each row is about
    assert "030234-1234" not in page  # never the whole CPR number
    assert not HomeHelpHours.objects.exists()
    token = response.context["token"]

    response = client.post(
        "/screening/hjemmehjaelp/import/godkend/", {"team": str(team.pk), "token": token}
    )

    assert response.status_code == 302
    assert HomeHelpHours.objects.get().hours == Decimal("2.5")


def test_a_file_with_errors_cannot_be_confirmed(team, lead):
    client = _client(lead)
    upload = io.BytesIO(_csv(f"{STRANGER[0]};2;01-03-2026"))
    upload.name = "timer.csv"

    response = client.post(
        "/screening/hjemmehjaelp/import/", {"team": str(team.pk), "file": upload}
    )

    page = response.content.decode()
    assert "Row 2: unknown CPR number." in page
    assert response.context["token"] == ""
    assert 'data-testid="import-confirm"' not in page


def test_a_tampered_confirmation_is_refused(team, lead):
    _citizen(team, EDITH, "Edith")
    client = _client(lead)
    upload = io.BytesIO(_csv("030234-1234;2,5;01-03-2026"))
    upload.name = "timer.csv"
    token = client.post(
        "/screening/hjemmehjaelp/import/", {"team": str(team.pk), "file": upload}
    ).context["token"]

    response = client.post(
        "/screening/hjemmehjaelp/import/godkend/",
        {
            "team": str(team.pk),
            "token": token[:20] + ("A" if token[20] != "A" else "B") + token[21:],
        },
    )

    assert response.status_code == 200
    assert not HomeHelpHours.objects.exists()


def test_who_may_import(team, lead, worker):
    admin = UserFactory(admin=True)
    other_lead = UserFactory(home_care=True, team=TeamFactory(home_care=True), lead=True)
    url = "/screening/hjemmehjaelp/import/"

    assert _client(lead).get(url).status_code == 200
    assert _client(worker).get(url).status_code == 403  # not the team's lead
    assert _client(admin).get(url).status_code == 200
    # The lead finds it on the board, the administrator on the start page; the others do not.
    assert 'data-testid="import-hours"' in _client(lead).get("/screening/tavle/").content.decode()
    assert 'data-testid="import-hours"' not in (
        _client(worker).get("/screening/tavle/").content.decode()
    )
    assert 'data-testid="import-hours"' in _client(admin).get("/").content.decode()
    # Another team's lead cannot import for this team.
    upload = io.BytesIO(_csv("030234-1234;2,5;01-03-2026"))
    upload.name = "timer.csv"
    response = _client(other_lead).post(url, {"team": str(team.pk), "file": upload})
    assert response.status_code == 404


def test_the_administrator_sees_no_names_in_the_preview(team):
    _citizen(team, EDITH, "Edith")
    admin = UserFactory(admin=True)
    upload = io.BytesIO(_csv("030234-1234;2,5;01-03-2026"))
    upload.name = "timer.csv"

    response = _client(admin).post(
        "/screening/hjemmehjaelp/import/", {"team": str(team.pk), "file": upload}
    )

    page = response.content.decode()
    assert response.context["token"]
    assert "Edith" not in page
    assert "030234-" in page  # the birth-date part, to find the row in the file


# --- Who is due, by the team's criteria -----------------------------------------------------------


def _hours(citizen, team, hours, *, actor, valid_from=None):
    services.home_help_hours_set(
        citizen=citizen,
        team=team,
        hours=Decimal(hours),
        valid_from=valid_from or timezone.localdate() - timedelta(days=7),
        actor=actor,
    )


def _due_on_board(user) -> dict[str, bool]:
    response = _client(user).get("/screening/tavle/")
    return {
        c.first_name: c.rescreen_due_now for g in response.context["groups"] for c in g.citizens
    }


def test_with_the_teams_hours_only_citizens_with_enough_home_help_are_due(team, worker):
    _settings(team, screen_from_home_help_hours=Decimal(2))
    three = _citizen(team, EDITH, "Tre")
    _hours(three, team, "3", actor=worker)
    exactly = _citizen(team, VERNER, "To")
    _hours(exactly, team, "2", actor=worker)
    little = _citizen(team, GUDRUN, "Lidt")
    _hours(little, team, "1.5", actor=worker)
    _citizen(team, KAJ, "Ukendt")  # no hours known
    later = _citizen(team, STRANGER, "Senere")
    # 3 hours from next month: today it is still 1.
    _hours(later, team, "1", actor=worker)
    _hours(later, team, "3", actor=worker, valid_from=timezone.localdate() + timedelta(days=30))
    # Screened within the interval: not due, whatever the hours.
    recent = home_care_citizen(team=team, first_name="Nylig")
    _hours(recent, team, "10", actor=worker)
    screen(citizen=recent, by=worker, screened_at=timezone.now() - timedelta(days=10))
    # Screened before, longer ago than the interval: due again by the re-screening rule.
    again = home_care_citizen(team=team, first_name="Igen")
    screen(citizen=again, by=worker, screened_at=timezone.now() - timedelta(days=120))

    assert _due_on_board(worker) == {
        "Tre": True,
        "To": True,
        "Lidt": False,
        "Ukendt": False,
        "Senere": False,
        "Nylig": False,
        "Igen": True,
    }
    response = _client(worker).get("/screening/tavle/")
    due_list = [c.first_name for c in response.context["due"]]
    assert sorted(due_list) == ["Igen", "To", "Tre"]
    page = response.content.decode()
    assert 'data-testid="due-list"' in page


def test_without_the_teams_hours_everyone_never_screened_is_due(team, worker):
    _settings(team)
    little = _citizen(team, GUDRUN, "Lidt")
    _hours(little, team, "0.5", actor=worker)
    _citizen(team, KAJ, "Ukendt")

    assert _due_on_board(worker) == {"Lidt": True, "Ukendt": True}


def test_another_teams_hours_do_not_count(team, worker):
    _settings(team, screen_from_home_help_hours=Decimal(2))
    other = TeamFactory(home_care=True)
    citizen = _citizen(team, EDITH, "Edith")
    HomeHelpHours.objects.create(
        citizen=citizen, team=other, hours=Decimal(5), valid_from=date(2025, 1, 1)
    )

    assert _due_on_board(worker) == {"Edith": False}


def test_the_citizen_list_marks_and_filters_who_is_due(team, worker):
    _settings(team, screen_from_home_help_hours=Decimal(2))
    many = _citizen(team, EDITH, "Mange")
    _hours(many, team, "4", actor=worker)
    few = _citizen(team, GUDRUN, "Faa")
    _hours(few, team, "1", actor=worker)
    client = _client(worker)

    response = client.get("/screening/")
    due = {c.first_name: c.screening_due for c in response.context["page"]}
    assert due == {"Mange": True, "Faa": False}
    assert response.content.decode().count('data-testid="due-badge"') == 1

    response = client.get("/screening/", {"due": "1"})
    assert [c.first_name for c in response.context["page"]] == ["Mange"]


def test_the_board_query_count_stays_the_same_with_hours_and_criteria(team, worker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _settings(team, screen_from_home_help_hours=Decimal(2))
    client = _client(worker)
    citizen = home_care_citizen(team=team)
    _hours(citizen, team, "3", actor=worker)
    # The hours and the criteria are subqueries of the board's one query for the citizens
    # (tests/screening/test_views.py numbers the board's queries).
    with CaptureQueriesContext(connection) as one:
        client.get("/screening/tavle/")
    for n in range(30):
        extra = home_care_citizen(team=team)
        _hours(extra, team, str(n % 4), actor=worker)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/screening/tavle/")
    assert len(many) == len(one)
    assert len(response.context["due"]) == 1 + sum(1 for n in range(30) if n % 4 >= 2)


def test_the_administrator_sets_the_teams_hours_in_the_admin(team):
    admin = UserFactory(admin=True)
    scheme = TriageScheme.objects.get(is_default=True)

    response = _client(admin).post(
        "/django-admin/screening/teamscreeningsettings/add/",
        {
            "team": str(team.pk),
            "scheme": str(scheme.pk),
            "rescreen_interval_days": "90",
            "extra_time_from_score": "",
            "extra_time_colour": "",
            "screen_from_home_help_hours": "2",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert TeamScreeningSettings.objects.get(team=team).screen_from_home_help_hours == 2
