"""Citizens by their current triage colour: the colour each citizen had on each team at the end
of the period (the latest set before it), however it was set — by a screening, a step of the
team's procedure, another instrument or by hand. The screening tables count UCLA-3 screenings
only: moving a citizen by the procedure changes this table and not those."""

from datetime import date, datetime

import pytest
from django.test import Client
from django.utils import timezone, translation

from screening import services
from screening.models import TeamScreeningSettings, TriageColour, TriageScheme
from stats import tables
from stats.disclosure import protect
from stats.filters import filters_from_params
from stats.tables import TABLES
from tests.accounts.factories import TeamFactory, UserFactory
from tests.screening.factories import home_care_citizen
from tests.stats.dataset import _screen, at

pytestmark = pytest.mark.django_db

CHANGE_FORM = "aendringsskema"


def _on(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def _colour(code: str, scheme: str) -> TriageColour:
    return TriageColour.objects.get(scheme__name=scheme, code=code)


def _period(start: str, end: str, **params):
    return filters_from_params({"from": start, "to": end, **params})


def figures(table) -> dict:
    """{row key: [screening, procedure, instrument, hand, total]} of the exact table."""
    columns = ["screening", "procedure", "instrument", "hand", "total"]
    return {row.key: [row.values.get(c) for c in columns] for row in table.rows}


@pytest.fixture
def town():
    """Sorø on the traffic light, Greve on its workflow colours, citizens coloured every way."""
    soroe = TeamFactory(home_care=True, name="Hjemmeplejen Sorø")
    greve = TeamFactory(home_care=True, name="Hjemmeplejen Greve")
    TeamScreeningSettings.objects.create(
        team=greve, scheme=TriageScheme.objects.get(name="Arbejdsgang")
    )
    bente = UserFactory(home_care=True, team=soroe, first_name="Bente")
    yasemin = UserFactory(home_care=True, team=greve, first_name="Yasemin")

    # Sorø: Anna red by UCLA-3 in January, then yellow by UCLA-3 in March.
    anna = home_care_citizen(team=soroe, first_name="Anna", birth_date=date(1940, 5, 1))
    _screen(anna, 9, _on(date(2025, 1, 10)), bente)
    _screen(anna, 6, _on(date(2025, 3, 3)), bente)
    # Sorø: Bodil yellow by the change form in January.
    bodil = home_care_citizen(team=soroe, first_name="Bodil", birth_date=date(1950, 5, 1))
    with at(_on(date(2025, 1, 20))):
        services.screening_record(
            citizen=bodil,
            answers={"close_relations": 1, "contact_seeking": 2, "reports_loneliness": 1},
            screened_by=bente,
            instrument=services.instrument_active(CHANGE_FORM),
            screened_at=_on(date(2025, 1, 20)),
        )
    # Greve: Gerda black by hand in January, purple by the procedure in February.
    gerda = home_care_citizen(team=greve, first_name="Gerda", birth_date=date(1938, 5, 1))
    with at(_on(date(2025, 1, 15))):
        services.triage_state_set_by_hand(
            citizen=gerda,
            team=greve,
            colour=_colour("black", "Arbejdsgang"),
            actor=yasemin,
            reason="Sidder meget alene.",
        )
    with at(_on(date(2025, 2, 5))):
        services.triage_state_move(
            citizen=gerda,
            team=greve,
            to_colour=_colour("purple", "Arbejdsgang"),
            actor=yasemin,
        )
    return {"soroe": soroe, "greve": greve, "yasemin": yasemin, "gerda": gerda, "anna": anna}


def test_citizens_are_counted_by_their_colour_at_the_end_of_the_period(town):
    january = tables.citizens_by_triage_colour(_period("2025-01", "2025-01"))
    assert figures(january) == {
        "Gul": [0, 0, 1, 0, 1],
        "Rød": [1, 0, 0, 0, 1],
        "Sort": [0, 0, 0, 1, 1],
        "total": [1, 0, 1, 1, 3],
    }

    # At the end of February Gerda is purple, moved by the procedure: black is no more.
    february = tables.citizens_by_triage_colour(_period("2025-02", "2025-02"))
    assert figures(february) == {
        "Gul": [0, 0, 1, 0, 1],
        "Rød": [1, 0, 0, 0, 1],
        "Lilla": [0, 1, 0, 0, 1],
        "total": [1, 1, 1, 0, 3],
    }

    # At the end of a longer period its last month counts: Anna is yellow from March.
    spring = tables.citizens_by_triage_colour(_period("2025-01", "2025-03"))
    assert figures(spring) == {
        "Gul": [1, 0, 1, 0, 2],
        "Lilla": [0, 1, 0, 0, 1],
        "total": [1, 1, 1, 0, 3],
    }
    # As the schemes rank them, most serious last; each row drawn in its colour.
    assert [(r.key, r.colour) for r in spring.rows if not r.is_total] == [
        ("Gul", "#f2b600"),
        ("Lilla", "#6a1b9a"),
    ]

    # Before any colour was set there is nothing to count.
    assert figures(tables.citizens_by_triage_colour(_period("2024-12", "2024-12"))) == {
        "total": [0, 0, 0, 0, 0]
    }


def test_the_table_takes_the_team_district_and_age_band_filters(town):
    greve = tables.citizens_by_triage_colour(
        _period("2025-02", "2025-02", team=str(town["greve"].pk))
    )
    assert figures(greve) == {"Lilla": [0, 1, 0, 0, 1], "total": [0, 1, 0, 0, 1]}

    eighty = tables.citizens_by_triage_colour(_period("2025-02", "2025-02", age_band="80+"))
    # Anna (84) and Gerda (86) at the end of February; Bodil is 74.
    assert figures(eighty) == {
        "Rød": [1, 0, 0, 0, 1],
        "Lilla": [0, 1, 0, 0, 1],
        "total": [1, 1, 0, 0, 2],
    }

    district = tables.citizens_by_triage_colour(
        _period("2025-02", "2025-02", district=town["anna"].postcode)
    )
    assert figures(district)["total"][4] == 3
    elsewhere = tables.citizens_by_triage_colour(_period("2025-02", "2025-02", district="9990"))
    assert figures(elsewhere) == {"total": [0, 0, 0, 0, 0]}


def test_every_count_carries_its_cell_key_so_disclosure_applies(town):
    table = tables.citizens_by_triage_colour(_period("2025-01", "2025-01"))
    for row in table.rows:
        for column, value in row.values.items():
            if value:
                assert row.cell_keys.get(column), (row.key, column)
    # The same citizens give the same key: Gerda's count on its own is the same in January
    # (black) and February (purple).
    february = tables.citizens_by_triage_colour(_period("2025-02", "2025-02"))
    black = next(r for r in table.rows if r.key == "Sort").cell_keys["total"]
    purple = next(r for r in february.rows if r.key == "Lilla").cell_keys["total"]
    assert black == purple
    # Published, every count below 5 is 0, and the rows found only in the data are left out.
    published = protect(table, k=5)
    assert [r.key for r in published.rows] == ["total"]
    assert all(cell.value == 0 for cell in published.rows[0].cells)


def test_moving_a_citizen_by_the_procedure_changes_this_table_and_not_the_screening_tables(town):
    def tables_now():
        filters = _period("2025-03", "2025-03")
        return {
            build.__name__: [(r.key, r.values) for r in build(filters).rows]
            for build in TABLES
            if build.__name__
            in {
                "screenings_by_colour",
                "severe_loneliness_over_time",
                "severe_loneliness_by_age_band",
                "severe_loneliness_by_district",
                "citizens_by_triage_colour",
            }
        }

    before = tables_now()
    with at(_on(date(2025, 3, 10))):
        services.triage_state_move(
            citizen=town["gerda"],
            team=town["greve"],
            to_colour=_colour("pink", "Arbejdsgang"),
            actor=town["yasemin"],
        )
    after = tables_now()

    assert len(after) == 5
    for name in after:
        if name == "citizens_by_triage_colour":
            assert after[name] != before[name]
        else:
            assert after[name] == before[name], name
    assert figures(tables.citizens_by_triage_colour(_period("2025-03", "2025-03")))["Lyserød"] == [
        0,
        1,
        0,
        0,
        1,
    ]
    # The screening tables count Anna's two UCLA-3 screenings only, not Bodil's change form.
    spring = tables.screenings_by_colour(_period("2025-01", "2025-03"))
    assert next(r for r in spring.rows if r.is_total).values["total"] == 2


def test_the_rows_are_named_in_the_readers_language(town):
    with translation.override("en"):
        table = tables.citizens_by_triage_colour(_period("2025-02", "2025-02"))
        assert [str(r.label) for r in table.rows] == ["Yellow", "Purple", "Red", "Total"]
    with translation.override("da"):
        table = tables.citizens_by_triage_colour(_period("2025-02", "2025-02"))
        assert [str(r.label) for r in table.rows] == ["Gul", "Lilla", "Rød", "I alt"]


def test_the_dashboard_and_the_exports_show_the_table(town):
    admin = UserFactory(admin=True)
    client = Client()
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    params = "?from=2025-01&to=2025-03"

    page = client.get(f"/statistik/{params}").content.decode()
    assert "Citizens by current triage colour" in page

    csv = b"".join(client.get(f"/statistik/eksport.csv{params}").streaming_content).decode(
        "utf-8-sig"
    )
    assert "citizens_by_triage_colour" in csv
    xlsx = client.get(f"/statistik/eksport.xlsx{params}")
    assert xlsx.status_code == 200
    content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    from io import BytesIO

    from openpyxl import load_workbook

    titles = [sheet.title for sheet in load_workbook(BytesIO(content)).worksheets]
    assert any("triage" in title.lower() for title in titles), titles
