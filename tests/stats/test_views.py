"""The dashboard, the exports and the API: admins only, anonymised, streamed, in Danish."""

import csv
import io
import json

import pytest
from django.http import StreamingHttpResponse
from django.test import Client
from openpyxl import load_workbook
from rest_framework.test import APIClient

from accounts.constants import Role
from audit.constants import AuditAction
from audit.models import AuditEvent
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import make_referral
from tests.screening.factories import home_care_citizen, screen
from tests.stats.dataset import build
from tests.stats.rounding import publishable, publishable_text

pytestmark = pytest.mark.django_db

QUARTER = {"from": "2025-01", "to": "2025-03"}

PAGES = {
    "dashboard": "/statistik/",
    "csv": "/statistik/eksport.csv",
    "xlsx": "/statistik/eksport.xlsx",
    "api_summary": "/api/v1/stats/summary/",
    "api_csv": "/api/v1/stats/export.csv",
}


def web_client(user):
    client = Client()
    client.force_login(user)
    return client


def api_client(user):
    client = APIClient()
    client.force_authenticate(type(user).objects.get(pk=user.pk))
    return client


def body(response) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return response.content


# --- Who may see them --------------------------------------------------------------------------

ROLES = [None, *Role.values]
# page → expected status per role, in the order of ROLES (None: not signed in)
EXPECTED = {
    "dashboard": [302, 403, 403, 403, 403, 403, 200],
    "csv": [302, 403, 403, 403, 403, 403, 200],
    "xlsx": [302, 403, 403, 403, 403, 403, 200],
    "api_summary": [401, 403, 403, 403, 403, 403, 200],
    "api_csv": [401, 403, 403, 403, 403, 403, 200],
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_permission_table(page, role):
    assert Role.values == [
        "bridge_builder",
        "home_care",
        "ambassador",
        "coordinator",
        "referrer",
        "admin",
    ]
    url = PAGES[page]
    if role is None:
        client = APIClient() if page.startswith("api") else Client()
    else:
        user = UserFactory(role=role, team=TeamFactory())
        client = api_client(user) if page.startswith("api") else web_client(user)
    response = client.get(url, QUARTER)
    assert response.status_code == EXPECTED[page][ROLES.index(role)]


def test_the_navigation_offers_statistics_to_admins_only():
    admin = web_client(UserFactory(admin=True)).get("/").content.decode()
    builder = web_client(UserFactory(bridge_builder=True, team=TeamFactory())).get("/")
    assert 'href="/statistik/"' in admin
    assert 'href="/statistik/"' not in builder.content.decode()


# --- What leaves ----------------------------------------------------------------------------------


@pytest.fixture
def town():
    return build()


@pytest.fixture
def admin():
    return UserFactory(admin=True, first_name="Agnete", last_name="Administrator")


def _exports(admin) -> dict[str, str]:
    web, api = web_client(admin), api_client(admin)
    workbook = load_workbook(io.BytesIO(body(web.get(PAGES["xlsx"], QUARTER))), read_only=True)
    xlsx = "\n".join(
        " ".join(str(v) for v in row if v is not None)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    )
    return {
        "dashboard": body(web.get(PAGES["dashboard"], QUARTER)).decode(),
        "csv": body(web.get(PAGES["csv"], QUARTER)).decode(),
        "xlsx": xlsx,
        "api_summary": body(api.get(PAGES["api_summary"], QUARTER)).decode(),
        "api_csv": body(api.get(PAGES["api_csv"], QUARTER)).decode(),
    }


def test_no_identifier_of_any_citizen_appears_in_any_export(town, admin):
    exports = _exports(admin)
    assert len(town.people) == 22
    assert {p["cpr"] for p in town.people} > {""}  # some of them have a CPR number
    for name, text in exports.items():
        assert "januar 2025" in text or "2025-01" in text, name  # the export has content
        lowered = text.lower()
        for person in town.people:
            for value in [person["first_name"], person["last_name"], person["address"]]:
                assert value.lower() not in lowered, (name, value)
            assert person["phone"] not in text, name
            assert person["id"] not in text, name
            if person["cpr"]:
                digits = person["cpr"]
                for form in [digits, f"{digits[:6]}-{digits[6:]}", digits[:6]]:
                    assert form not in text, (name, form)
        # no free text from the referrals or screenings, and no exact dates
        for free_text in ["Rosenvænget", "konens død", "spille kort", "Græd"]:
            assert free_text not in text, (name, free_text)
        for exact in ["2025-01-10", "10.01.2025", "10-01-2025", "2025-03-14", "14.03.2025"]:
            assert exact not in text, (name, exact)


def test_the_summary_api_answers_with_published_cells_only(town, admin):
    data = api_client(admin).get(PAGES["api_summary"], QUARTER).json()
    assert data["filters"] == {"from": "2025-01", "to": "2025-03", "interval": "month"}
    assert data["min_count"] == 5
    tables = {t["key"]: t for t in data["tables"]}
    assert list(tables) == [
        "referrals_by_source",
        "referrals_by_reason",
        "first_contact",
        "screenings_by_colour",
        "severe_over_time",
        "severe_by_age_band",
        "severe_by_district",
        "citizens_by_triage_colour",
        "ucla3_change",
        "ucla3_change_by_category",
        "cases_closed_by_reason",
        "matches_by_strategy",
        "matches_by_category",
        "volunteer_waiting_list",
        "gap_analysis",
        "unmet_needs",
    ]
    source = tables["referrals_by_source"]
    keys = [c["key"] for c in source["columns"]]
    january = source["rows"][0]
    assert january["label"] == "januar 2025"
    # 6, 2, 1 and 9, rounded: the 2 and the 1 are 0, the others multiples of 5 near them
    gp, home_care, self_referred, total = [
        january["values"][keys.index(k)] for k in ["gp", "home_care", "self", "total"]
    ]
    assert gp in publishable(6) and home_care == 0 and self_referred == 0
    assert total in publishable(9)
    severe = tables["severe_over_time"]
    under, severe_7, screenings, share = severe["rows"][-1]["values"]  # 11, 12, 23 in truth
    assert under in publishable(11) and severe_7 in publishable(12)
    assert screenings in publishable(23)
    assert share == round(100 * severe_7 / screenings, 1)
    assert severe["rows"][1]["values"] == [0, 0, 0, None]  # February's 1 + 2 = 3: all 0
    assert AuditEvent.objects.filter(actor=admin, action=AuditAction.EXPORT).count() == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "2025-13"}, "from"),
        ({"from": "1. januar"}, "from"),
        ({"to": "2025-02-30"}, "to"),
        ({"from": "2025-03", "to": "2025-01"}, "to"),
        ({"from": "2000-01", "to": "2025-01"}, "to"),
        ({"interval": "week"}, "interval"),
        ({"team": "not-a-uuid"}, "team"),
        ({"district": "50"}, "district"),
        ({"age_band": "70-90"}, "age_band"),
    ],
)
@pytest.mark.parametrize("page", ["api_summary", "api_csv"])
def test_bad_filters_are_a_400_naming_the_field(admin, params, field, page):
    response = api_client(admin).get(PAGES[page], params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert list(response.json()) == [field]


def test_a_bad_month_on_the_dashboard_shows_the_error_in_danish(admin):
    response = web_client(admin).get(PAGES["dashboard"], {"from": "2025-13"})
    assert response.status_code == 400
    assert "Skriv en dato som ÅÅÅÅ-MM-DD eller en måned som ÅÅÅÅ-MM" in response.content.decode()


def test_a_date_is_taken_to_its_whole_month(town, admin):
    data = api_client(admin).get(PAGES["api_summary"], {"from": "2025-01-20", "to": "2025-01-02"})
    assert data.json()["filters"]["from"] == "2025-01"
    source = data.json()["tables"][0]
    assert [r["key"] for r in source["rows"]] == ["2025-01", "total"]
    # every referral of January (9, published as a multiple of 5 near it), not of days
    assert source["rows"][-1]["values"][-1] in publishable(9)
    assert source["rows"][-1]["values"] == source["rows"][0]["values"]  # the same referrals


def test_quarters_are_whole_quarters(admin):
    params = {"from": "2025-02", "to": "2025-04", "interval": "quarter"}
    data = api_client(admin).get(PAGES["api_summary"], params).json()
    assert data["filters"] == {"from": "2025-01", "to": "2025-06", "interval": "quarter"}
    assert [r["label"] for r in data["tables"][0]["rows"]] == [
        "1. kvt. 2025",
        "2. kvt. 2025",
        "I alt",
    ]


def test_the_csv_export_streams_one_line_per_cell(town, admin):
    response = api_client(admin).get(PAGES["api_csv"], QUARTER, HTTP_ACCEPT="text/csv")
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="brobyg-statistik-2025-01-2025-03.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(body(response).decode())))
    cell = {(r["table"], r["row"], r["column"]): r["value"] for r in rows}
    assert cell[("referrals_by_source", "2025-01", "gp")] in publishable_text(6)
    assert cell[("referrals_by_source", "2025-01", "home_care")] == "0"
    assert cell[("cases_closed_by_reason", "2025-03", "declined")] == "0"
    assert cell[("first_contact", "2025-02", "median")] == "1.0"  # over twelve: always shown
    assert cell[("ucla3_change", "total", "change")] == "-1.3"  # a full stop before decimals
    assert cell[("severe_over_time", "2025-02", "share")] == ""
    first = rows[0]
    assert first["table_title"] == "Henvisninger efter henviser"
    assert first["row_label"] == "januar 2025"
    assert first["column_label"] == "Praktiserende læge"


def test_the_excel_export_has_a_sheet_per_table_in_danish(town, admin):
    response = web_client(admin).get(PAGES["xlsx"], QUARTER)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    workbook = load_workbook(io.BytesIO(body(response)))
    assert workbook.sheetnames[0] == "Om tallene"
    sheet = workbook["Henvisninger efter henviser"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[3]
    january = rows[4]
    assert header[:2] == ("Periode", "Praktiserende læge")
    assert january[0] == "januar 2025" and january[1] in publishable(6) and january[2] == 0
    assert AuditEvent.objects.filter(actor=admin, action=AuditAction.EXPORT).exists()


def test_the_dashboard_draws_charts_without_scripts_in_danish(town, admin):
    response = web_client(admin).get(PAGES["dashboard"], QUARTER)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<svg") >= 6
    assert "<script>" not in html  # no inline script: the CSP allows none
    assert "Henvisninger efter henviser" in html
    assert "Andel med 7 eller derover" in html
    assert 'data-testid="goal-line"' in html
    assert "Halvdelen af første periode: retningen mod målet for 2040" in html
    assert 'cx="' in html and "," not in html.split('cx="')[1].split('"')[0]
    # every count rounded, none hidden as "<5" or "x", and a legend that says how to read them
    assert 'data-testid="stats-legend"' in html and "&lt;5" not in html


# --- Cost -----------------------------------------------------------------------------------------


@pytest.fixture
def few_or_many():
    """Adds referrals and screenings for the current period."""
    team = TeamFactory()
    home = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=home)

    def add(n):
        for i in range(n):
            make_referral(team=team, source=["gp", "self", "hospital"][i % 3])
            screen(citizen=home_care_citizen(team=home), by=worker, answers=(3, 2 + i % 2, 2))

    return add


def _same_queries(django_assert_num_queries, expected, prepare, add):
    """`prepare()` signs a fresh client in (outside the count) and returns the request to
    measure: each real request starts without cached permissions."""
    add(1)
    request = prepare()
    with django_assert_num_queries(expected):
        assert request().status_code == 200
    add(30)
    request = prepare()
    with django_assert_num_queries(expected):
        assert request().status_code == 200


def test_dashboard_query_count_does_not_grow_with_the_data(
    admin, few_or_many, django_assert_num_queries
):
    # 1 session, 2 user, 3-4 permissions, 5 teams and 6 districts for the filter, 7 savepoint
    # and 8 settings of the statistics' transaction, 9-20 the tables (twelve statements for
    # sixteen tables: the four screening tables share one scan, and so do the gap analysis and
    # the unmet needs), 21 its release, 22-24 saving the session
    def prepare():
        client = web_client(admin)
        return lambda: client.get(PAGES["dashboard"])

    _same_queries(django_assert_num_queries, 24, prepare, few_or_many)


def test_api_query_counts_do_not_grow_with_the_data(admin, few_or_many, django_assert_num_queries):
    def prepare():
        client = api_client(admin)

        def both():
            summary = client.get(PAGES["api_summary"])
            exported = client.get(PAGES["api_csv"])
            body(exported)  # the tables are read while the CSV streams
            return exported if summary.status_code == 200 else summary

        return both

    # 1-2 permissions (once: the client keeps its user); per request the audit event, the
    # savepoint and settings of the statistics' transaction, twelve statements for the sixteen
    # tables, and the release
    _same_queries(django_assert_num_queries, 34, prepare, few_or_many)


def test_statistics_need_no_personal_data_in_the_audit_trail(admin, few_or_many):
    few_or_many(2)
    api_client(admin).get(PAGES["api_summary"])
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.subject_id is None
    assert event.object_id == ""
    assert json.dumps(event.fields) == "[]"
