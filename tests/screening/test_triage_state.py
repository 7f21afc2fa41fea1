"""The board meeting's working state: each citizen's triage colour per team, with its history.

A colour is set by a screening's rule, by a step of the team's procedure (Greve: black →
purple → pink, without a new UCLA-3 each time), by another instrument (Sorø's change form) or by
hand with a reason; the board shows it in the team's current scheme only."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEvent
from followups.constants import TaskKind
from followups.models import Task
from followups.services import task_create
from referrals.constants import CaseEventKind
from referrals.identity import citizen_team_add
from referrals.services import citizen_set_home_care_team
from screening import selectors, services
from screening.constants import TriageHow
from screening.models import (
    Instrument,
    Screening,
    TeamScreeningSettings,
    TriageColour,
    TriageScheme,
    TriageState,
    TriageTransition,
    definition_errors,
)
from stats.filters import StatsFilter
from stats.tables.common import _ucla3_screenings
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db

CHANGE_FORM = "aendringsskema"
DIRECT_QUESTION = "direkte_spoergsmaal"


def _colour(code: str, scheme: str = "Arbejdsgang") -> TriageColour:
    return TriageColour.objects.get(scheme__name=scheme, code=code)


@pytest.fixture
def greve():
    team = TeamFactory(home_care=True, name="Hjemmeplejen Greve")
    TeamScreeningSettings.objects.create(
        team=team, scheme=TriageScheme.objects.get(name="Arbejdsgang")
    )
    return team


@pytest.fixture
def soroe():
    """A team on the default traffic light."""
    return TeamFactory(home_care=True, name="Hjemmeplejen Sorø")


@pytest.fixture
def yasemin(greve):
    return UserFactory(home_care=True, team=greve, first_name="Yasemin")


@pytest.fixture
def bente(soroe):
    return UserFactory(home_care=True, team=soroe, first_name="Bente")


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _ucla3_counted() -> int:
    today = timezone.localdate()
    return _ucla3_screenings(
        StatsFilter(start=today.replace(day=1) - timedelta(days=60), end=today)
    ).count()


def _move(citizen, team, code, actor, reason=""):
    return services.triage_state_move(
        citizen=citizen, team=team, to_colour=_colour(code), actor=actor, reason=reason
    )


# --- Greve: the procedure moves the colour, no screening is invented ------------------------------


def test_greve_moves_black_purple_pink_by_procedure_without_new_screenings(greve, yasemin):
    citizen = home_care_citizen(team=greve, first_name="Gerda")

    for code in ["black", "purple", "pink"]:
        _move(citizen, greve, code, yasemin)

    assert Screening.objects.count() == 0
    assert _ucla3_counted() == 0
    history = list(TriageState.objects.filter(citizen=citizen, team=greve).order_by("set_at"))
    assert [s.colour.code for s in history] == ["black", "purple", "pink"]
    assert [s.is_current for s in history] == [False, False, True]
    assert {s.how for s in history} == {TriageHow.PROCEDURE}
    assert [s.step_label for s in history] == ["Mistanke", "Bekræftet", "Vi arbejder på det"]
    assert all(s.set_by == yasemin for s in history)
    current = selectors.triage_state_current(citizen=citizen, team=greve)
    assert current == history[-1]
    assert current.next_step == "Følg op på aktiviteten."
    assert current.deadline == timezone.localdate() + timedelta(days=14)


def test_a_move_the_procedure_does_not_allow_is_refused_and_says_what_is_allowed(greve, yasemin):
    citizen = home_care_citizen(team=greve)
    _move(citizen, greve, "black", yasemin)

    with pytest.raises(ValidationError) as error:
        _move(citizen, greve, "pink", yasemin)

    message = " ".join(error.value.messages)
    assert "Sort" in message and "Lyserød" in message
    assert "Bekræftet" in message  # what may be done from black instead
    assert selectors.triage_state_current(citizen=citizen, team=greve).colour.code == "black"
    assert TriageState.objects.filter(citizen=citizen).count() == 1


def test_a_step_that_needs_a_reason_is_refused_without_one(greve, yasemin):
    citizen = home_care_citizen(team=greve)
    _move(citizen, greve, "black", yasemin)

    with pytest.raises(ValidationError) as error:
        _move(citizen, greve, "white", yasemin)
    assert "reason" in error.value.message_dict

    state = _move(citizen, greve, "white", yasemin, reason="Har travlt med barnebørnene.")
    assert (state.colour.code, state.reason) == ("white", "Har travlt med barnebørnene.")


def test_a_colour_of_another_scheme_cannot_be_moved_to(greve, yasemin):
    citizen = home_care_citizen(team=greve)
    with pytest.raises(ValidationError):
        services.triage_state_move(
            citizen=citizen,
            team=greve,
            to_colour=_colour("red", scheme="Trafiklys"),
            actor=yasemin,
        )
    assert not TriageState.objects.exists()


def test_only_a_team_that_has_the_citizen_sets_its_colour(greve, yasemin):
    stranger = home_care_citizen(team=TeamFactory(home_care=True))
    with pytest.raises(ValidationError):
        _move(stranger, greve, "black", yasemin)


def test_only_a_member_of_the_team_sets_a_colour_on_its_board(greve, yasemin, soroe, bente):
    # Bente may see Gerda (a grant, a shared case), but Greve's board is Greve's.
    citizen = home_care_citizen(team=greve, first_name="Gerda")

    with pytest.raises(ValidationError) as error:
        _move(citizen, greve, "black", bente)
    assert "team" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.triage_state_set_by_hand(
            citizen=citizen, team=greve, colour=_colour("black"), actor=bente, reason="Set."
        )
    assert not TriageState.objects.exists()
    assert _move(citizen, greve, "black", yasemin).colour.code == "black"


def test_a_procedure_move_replaces_the_earlier_colours_next_step(greve, yasemin):
    citizen = home_care_citizen(team=greve)
    _move(citizen, greve, "black", yasemin)
    _move(citizen, greve, "purple", yasemin)

    open_steps = Task.objects.filter(
        citizen=citizen, kind=TaskKind.TRIAGE_NEXT_STEP, done_at__isnull=True
    )
    assert [t.title for t in open_steps] == ["Henvis til en brobygger (med samtykke)."]
    assert open_steps.get().due == timezone.localdate() + timedelta(days=7)


def test_one_current_state_per_citizen_and_team_is_kept_by_the_database(greve, yasemin):
    citizen = home_care_citizen(team=greve)
    state = _move(citizen, greve, "black", yasemin)
    with pytest.raises(IntegrityError), transaction.atomic():
        TriageState.objects.create(
            citizen=citizen,
            team=greve,
            colour=_colour("purple"),
            how=TriageHow.HAND,
            reason="x",
            set_by=yasemin,
        )
    assert TriageState.objects.get(is_current=True) == state


def test_a_change_is_on_the_case_timeline_and_in_the_audit_trail(greve, yasemin):
    case = make_referral(team=bridge_team()).referral.case
    citizen = case.citizen
    citizen_set_home_care_team(citizen=citizen, team=greve, actor=None)

    state = _move(citizen, greve, "black", yasemin)

    event = case.events.get(kind=CaseEventKind.SCREENING)
    assert event.actor == yasemin
    assert "Sort" in event.text and "Mistanke" in event.text
    assert AuditEvent.objects.filter(object_id=str(state.pk), action="create").exists()


# --- Screenings set the state by their rule ------------------------------------------------------


def test_completing_a_screening_sets_the_state_by_the_screenings_rule(soroe, bente):
    citizen = home_care_citizen(team=soroe)
    first = screen(citizen=citizen, by=bente, answers=(3, 3, 3))
    second = screen(citizen=citizen, by=bente, answers=(1, 1, 1))

    states = list(TriageState.objects.filter(citizen=citizen).order_by("set_at"))
    assert [(s.colour.code, s.how, s.screening) for s in states] == [
        ("red", TriageHow.SCREENING, first),
        ("green", TriageHow.SCREENING, second),
    ]
    assert [s.is_current for s in states] == [False, True]
    assert states[0].team == soroe and states[0].colour.scheme.name == "Trafiklys"
    assert states[0].deadline == timezone.localdate() + timedelta(days=7)


# --- Other instruments: Sorø's change form and the direct question --------------------------------


def _record(citizen, by, code, answers):
    return services.screening_record(
        citizen=citizen,
        answers=answers,
        screened_by=by,
        instrument=services.instrument_active(code),
    )


def test_soroe_sets_yellow_from_its_change_form(soroe, bente):
    citizen = home_care_citizen(team=soroe)

    result = _record(
        citizen,
        bente,
        CHANGE_FORM,
        {"close_relations": 1, "contact_seeking": 2, "reports_loneliness": 1},
    )

    state = selectors.triage_state_current(citizen=citizen, team=soroe)
    assert (state.colour.code, state.how, state.screening) == (
        "yellow",
        TriageHow.INSTRUMENT,
        result.screening,
    )
    assert result.screening.triage_code == "yellow"
    # A screening of its own kind: the statistics of UCLA-3 do not count it.
    assert Screening.objects.count() == 1
    assert _ucla3_counted() == 0
    screen(citizen=citizen, by=bente, answers=(2, 2, 2))
    assert _ucla3_counted() == 1


def test_a_change_form_without_changes_leaves_the_colour_as_it_was(soroe, bente):
    citizen = home_care_citizen(team=soroe)
    screen(citizen=citizen, by=bente, answers=(3, 3, 3))

    _record(
        citizen,
        bente,
        CHANGE_FORM,
        {"close_relations": 1, "contact_seeking": 1, "reports_loneliness": 1},
    )

    assert selectors.triage_state_current(citizen=citizen, team=soroe).colour.code == "red"


@pytest.mark.parametrize(
    ("answer", "traffic_light", "workflow"),
    [(1, "green", None), (2, "yellow", "black"), (3, "red", "purple")],
)
def test_the_direct_question_gives_a_colour_in_either_scheme(
    soroe, bente, greve, yasemin, answer, traffic_light, workflow
):
    for team, by, expected in [(soroe, bente, traffic_light), (greve, yasemin, workflow)]:
        citizen = home_care_citizen(team=team)
        _record(citizen, by, DIRECT_QUESTION, {"feels_lonely": answer})
        state = selectors.triage_state_current(citizen=citizen, team=team)
        assert (state.colour.code if state else None) == expected


def test_the_other_instruments_are_data_with_a_rule_kind():
    change_form = services.instrument_active(CHANGE_FORM)
    assert change_form.kind == "rule"
    assert definition_errors(change_form.definition) == []
    assert services.instrument_active("ucla3").kind == "score"

    broken = {
        **change_form.definition,
        "rules": [{"item": "nobody", "answers": [2], "colour": "yellow"}],
    }
    assert any("nobody" in str(e) for e in definition_errors(broken))
    broken["rules"] = [{"item": "contact_seeking", "answers": [7], "colour": "yellow"}]
    assert any("7" in str(e) for e in definition_errors(broken))
    broken["rules"] = []
    assert definition_errors(broken)


def test_the_citizen_page_offers_the_other_instruments(soroe, bente):
    citizen = home_care_citizen(team=soroe)
    page = _client(bente).get(f"/screening/borgere/{citizen.pk}/").content.decode()
    assert f"?skema={CHANGE_FORM}" in page

    page = _client(bente).get(f"/screening/borgere/{citizen.pk}/screen/?skema={CHANGE_FORM}")
    assert page.context["instrument_reference"].startswith(f"{CHANGE_FORM}/")
    assert "close_relations" in page.content.decode()


# --- By hand: with a reason, and marked -----------------------------------------------------------


def test_a_colour_set_by_hand_needs_a_reason_and_is_marked_on_the_citizen_page(soroe, bente):
    citizen = home_care_citizen(team=soroe)
    with pytest.raises(ValidationError):
        services.triage_state_set_by_hand(
            citizen=citizen,
            team=soroe,
            colour=_colour("yellow", "Trafiklys"),
            actor=bente,
            reason=" ",
        )

    services.triage_state_set_by_hand(
        citizen=citizen,
        team=soroe,
        colour=_colour("yellow", "Trafiklys"),
        actor=bente,
        reason="Fortalte om ensomhed ved ændringsskemaet.",
    )

    page = _client(bente).get(f"/screening/borgere/{citizen.pk}/").content.decode()
    assert 'data-testid="set-by-hand"' in page
    assert "Set by hand" in page
    assert "Bente" in page and "Fortalte om ensomhed ved ændringsskemaet." in page


def test_the_citizen_page_sets_a_colour_by_hand(soroe, bente):
    citizen = home_care_citizen(team=soroe)
    response = _client(bente).post(
        f"/screening/borgere/{citizen.pk}/farve/haand/",
        {
            "team": str(soroe.pk),
            "colour": str(_colour("yellow", "Trafiklys").pk),
            "reason": "Savner sin søster.",
        },
    )
    assert response.status_code == 302
    state = selectors.triage_state_current(citizen=citizen, team=soroe)
    assert (state.colour.code, state.how, state.reason) == ("yellow", "hand", "Savner sin søster.")


def test_a_colour_chosen_by_hand_through_the_api_is_a_state_set_by_hand(greve, yasemin):
    citizen = home_care_citizen(team=greve)
    client = APIClient()
    client.force_authenticate(yasemin)

    response = client.post(
        "/api/v1/screenings/",
        {
            "citizen": str(citizen.pk),
            "answers": {"lack_companionship": 3, "left_out": 3, "isolated": 2},
            "triage": "purple",
            "triage_reason": "Græd under besøget.",
        },
        format="json",
    )

    assert response.status_code == 201, response.json()
    state = selectors.triage_state_current(citizen=citizen, team=greve)
    assert (state.colour.code, state.how, state.reason) == (
        "purple",
        TriageHow.HAND,
        "Græd under besøget.",
    )
    assert str(state.screening_id) == response.json()["id"]
    page = _client(yasemin).get(f"/screening/borgere/{citizen.pk}/").content.decode()
    assert 'data-testid="set-by-hand"' in page
    assert "Græd under besøget." in page


# --- The board ------------------------------------------------------------------------------------


def test_after_a_scheme_switch_the_board_shows_only_the_current_schemes_colours(soroe, bente):
    kept = home_care_citizen(team=soroe, first_name="Rød")
    screen(citizen=kept, by=bente, answers=(3, 3, 3))
    lost = home_care_citizen(team=soroe, first_name="Gul")
    screen(citizen=lost, by=bente, answers=(2, 2, 2))
    new = TriageScheme.objects.create(name="Soroes nye")
    TriageColour.objects.create(scheme=new, code="calm", label="Rolig", hex="#00aa00", rank=1)
    red = TriageColour.objects.create(
        scheme=new, code="red", label="Bekymret", hex="#aa0000", rank=2
    )
    TeamScreeningSettings.objects.create(team=soroe, scheme=new)

    response = _client(bente).get(f"/screening/tavle/?team={soroe.pk}")

    groups = {g.code: g for g in response.context["groups"]}
    # The red state is the new scheme's red (the same code); yellow has no match: set it again.
    assert groups["red"].label == "Bekymret" and groups["red"].hex == "#aa0000"
    assert [c.first_name for c in groups["red"].citizens] == ["Rød"]
    assert "yellow" not in groups
    old = [c for g in groups.values() for c in g.citizens if c.triage.old_scheme]
    assert [c.first_name for c in old] == ["Gul"]
    page = response.content.decode()
    assert page.count('data-testid="old-scheme"') == 1
    assert "From the old scheme" in page
    assert "#f2b600" not in page  # the old yellow is never drawn as a colour of the board
    assert groups["red"].citizens[0].triage.colour == red


def test_the_board_and_the_citizen_page_offer_exactly_the_allowed_moves(greve, yasemin):
    citizen = home_care_citizen(team=greve, first_name="Gerda")
    _move(citizen, greve, "black", yasemin)
    client = _client(yasemin)

    board = client.get(f"/screening/tavle/?team={greve.pk}")
    row = next(c for g in board.context["groups"] for c in g.citizens)
    assert [m.label for m in row.triage.moves] == ["Bekræftet", "Afkræftet"]
    detail = client.get(f"/screening/borgere/{citizen.pk}/")
    assert [m.label for m in detail.context["triage"].moves] == ["Bekræftet", "Afkræftet"]
    for page in (board, detail):
        body = page.content.decode()
        assert body.count('data-testid="triage-move"') == 2
        assert "Vi arbejder på det" not in body

    purple = _colour("purple")
    response = client.post(
        f"/screening/borgere/{citizen.pk}/farve/flyt/",
        {"team": str(greve.pk), "to": str(purple.pk), "back": "board"},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/screening/tavle/?team={greve.pk}"
    assert selectors.triage_state_current(citizen=citizen, team=greve).colour == purple

    # A move the procedure does not allow is refused with the reason, and nothing changes.
    response = client.post(
        f"/screening/borgere/{citizen.pk}/farve/flyt/",
        {"team": str(greve.pk), "to": str(_colour("black").pk)},
        follow=True,
    )
    assert "does not move" in response.content.decode()
    assert selectors.triage_state_current(citizen=citizen, team=greve).colour == purple


def test_the_board_marks_a_colour_set_by_hand_with_who_and_why(soroe, bente):
    citizen = home_care_citizen(team=soroe, first_name="Hand")
    services.triage_state_set_by_hand(
        citizen=citizen,
        team=soroe,
        colour=_colour("yellow", "Trafiklys"),
        actor=bente,
        reason="Savner sin søster.",
    )
    page = _client(bente).get(f"/screening/tavle/?team={soroe.pk}").content.decode()
    assert page.count('data-testid="set-by-hand"') == 1
    assert "Savner sin søster." in page and "Bente" in page


def test_the_board_query_count_does_not_grow_with_states_and_moves(
    greve, yasemin, django_assert_num_queries
):
    client = _client(yasemin)
    first = home_care_citizen(team=greve)
    _move(first, greve, "black", yasemin)

    # 1 session, 2 user, 3-4 permissions, 5 the user's team ids, 6 their home-care teams,
    # 7 the team's settings with its scheme, 8 the scheme's colours, 9 its procedure, 10 the
    # citizens with latest screening, overdue steps and pending "screen again", 11 their
    # colours on the team (with who set them and the screening's instrument), 12 the access
    # log, 13 the team's members, 14-16 saving the session
    with django_assert_num_queries(16):
        client.get(f"/screening/tavle/?team={greve.pk}")
    for index in range(30):
        citizen = home_care_citizen(team=greve)
        for code in ["black", "purple", "pink"][: index % 4]:
            _move(citizen, greve, code, yasemin)
        if index % 5 == 0:
            services.triage_state_set_by_hand(
                citizen=citizen, team=greve, colour=_colour("white"), actor=yasemin, reason="x"
            )
        if index % 7 == 0:
            services.screening_record(
                citizen=citizen,
                answers={"feels_lonely": 3},
                screened_by=yasemin,
                instrument=services.instrument_active(DIRECT_QUESTION),
            )
    with django_assert_num_queries(16):
        response = client.get(f"/screening/tavle/?team={greve.pk}")
    assert sum(len(g.citizens) for g in response.context["groups"]) == 31


# --- The procedure in the admin -------------------------------------------------------------------


def test_the_procedure_is_edited_inline_on_the_scheme_in_the_admin():
    scheme = TriageScheme.objects.get(name="Arbejdsgang")
    client = _client(UserFactory(admin=True))

    page = client.get(f"/django-admin/screening/triagescheme/{scheme.pk}/change/")

    assert page.status_code == 200
    body = page.content.decode()
    assert "transitions-TOTAL_FORMS" in body
    assert "Bekræftet" in body
    assert TriageTransition.objects.filter(scheme=scheme).count() >= 4


# --- What else reads the colour and the score ----------------------------------------------------


def test_the_board_and_the_chart_keep_following_ucla3_after_another_instrument(soroe, bente):
    citizen = home_care_citizen(team=soroe, first_name="Karen")
    screen(citizen=citizen, by=bente, answers=(3, 3, 1))
    _record(citizen, bente, DIRECT_QUESTION, {"feels_lonely": 2})

    board = _client(bente).get(f"/screening/tavle/?team={soroe.pk}")
    [row] = [c for g in board.context["groups"] for c in g.citizens]
    assert row.last["score"] == 7  # UCLA-3's, not the direct question's
    assert row.triage.colour.code == "yellow"  # the colour now is the latest one set
    detail = _client(bente).get(f"/screening/borgere/{citizen.pk}/")
    assert len(detail.context["chart"]["points"]) == 1
    assert len(detail.context["history"]) == 2


def test_the_citizens_copy_holds_their_colours_and_erasure_removes_why(soroe, bente):
    from privacy.selectors import citizen_export_json
    from privacy.services import citizen_erase

    citizen = home_care_citizen(team=soroe)
    services.triage_state_set_by_hand(
        citizen=citizen,
        team=soroe,
        colour=_colour("yellow", "Trafiklys"),
        actor=bente,
        reason="Savner sin søster i Aarhus.",
    )
    assert "Savner sin søster i Aarhus." in citizen_export_json(citizen=citizen)

    citizen_erase(citizen=citizen, reason="Borgerens ønske", actor=UserFactory(admin=True))

    state = TriageState.objects.get(citizen=citizen)
    assert (state.colour.code, state.reason) == ("yellow", "")


@pytest.mark.django_db(transaction=True)
def test_each_citizens_latest_screening_becomes_their_colour_on_the_team_when_migrating():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=team)
    citizen = home_care_citizen(team=team)
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    state_migration = next(
        key
        for key in executor.loader.graph.nodes
        if key[0] == "screening" and key[1].endswith("_triage_state_and_procedures")
    )
    before = next(
        parent.key
        for parent in executor.loader.graph.node_map[state_migration].parents
        if parent.key[0] == "screening"
    )
    try:
        executor.migrate([before])
        old = executor.loader.project_state([before]).apps
        OldScreening = old.get_model("screening", "Screening")
        OldInstrument = old.get_model("screening", "Instrument")
        OldScheme = old.get_model("screening", "TriageScheme")
        ucla3 = OldInstrument.objects.get(code="ucla3", status="active")
        scheme = OldScheme.objects.get(is_default=True)
        for days_ago, code, score in [(30, "red", 8), (2, "yellow", 6)]:
            OldScreening.objects.create(
                citizen_id=citizen.pk,
                instrument=ucla3,
                answers={},
                score=score,
                screened_by_id=worker.pk,
                screened_at=timezone.now() - timedelta(days=days_ago),
                team_id=team.pk,
                triage_scheme=scheme,
                triage_code=code,
            )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)

    state = TriageState.objects.get(citizen=citizen)
    assert (state.colour.code, state.how, state.is_current) == ("yellow", "screening", True)
    assert state.screening.score == 6
    assert state.set_by_id == worker.pk
    assert TriageTransition.objects.filter(scheme__name="Arbejdsgang").exists()
    assert Instrument.objects.filter(code=CHANGE_FORM, status="active").exists()


@pytest.mark.django_db(transaction=True)
def test_two_moves_at_the_same_moment_take_turns_and_one_colour_stays_current():
    """Two people at the board move the same citizen at once, several times over: the citizen's
    row is locked, so the second sees the first's colour and is refused by the procedure (never a
    database error), and there is always exactly one current colour."""
    import threading

    from django.db import close_old_connections

    team = TeamFactory(home_care=True)
    TeamScreeningSettings.objects.create(
        team=team, scheme=TriageScheme.objects.get(name="Arbejdsgang")
    )
    first, second = (UserFactory(home_care=True, team=team) for _ in range(2))
    citizens = [home_care_citizen(team=team) for _ in range(6)]
    for citizen in citizens:
        _move(citizen, team, "black", first)
    outcomes = []

    def move(citizen, user, code, reason, barrier):
        try:
            barrier.wait(timeout=10)
            _move(citizen, team, code, user, reason=reason)
            outcomes.append((citizen.pk, "moved"))
        except ValidationError:
            outcomes.append((citizen.pk, "refused"))
        except Exception as exc:  # pragma: no cover - reported below
            outcomes.append((citizen.pk, repr(exc)))
        finally:
            close_old_connections()

    for citizen in citizens:
        barrier = threading.Barrier(2)
        threads = [
            threading.Thread(target=move, args=(citizen, first, "purple", "", barrier)),
            threading.Thread(target=move, args=(citizen, second, "white", "Nej tak.", barrier)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    for citizen in citizens:
        mine = sorted(outcome for pk, outcome in outcomes if pk == citizen.pk)
        assert mine == ["moved", "refused"], mine
        assert TriageState.objects.filter(citizen=citizen, is_current=True).count() == 1
        assert TriageState.objects.filter(citizen=citizen).count() == 2


def test_a_worker_cannot_set_the_colour_on_another_teams_board(greve, soroe, bente):
    # The citizen is on both teams; Bente is on Sorø's only and names Greve's team in the form.
    citizen = home_care_citizen(team=greve)
    citizen_team_add(citizen=citizen, team=soroe, actor=None)
    response = _client(bente).post(
        f"/screening/borgere/{citizen.pk}/farve/haand/",
        {
            "team": str(greve.pk),
            "colour": str(_colour("pink").pk),
            "reason": "Prøver en anden tavle.",
        },
    )
    assert response.status_code in (400, 403, 404)
    assert selectors.triage_state_current(citizen=citizen, team=greve) is None
    # Nor someone who does not know the citizen at all.
    stranger = UserFactory(home_care=True, team=TeamFactory(home_care=True))
    response = _client(stranger).post(
        f"/screening/borgere/{citizen.pk}/farve/haand/",
        {"team": str(greve.pk), "colour": str(_colour("pink").pk), "reason": "Gætter."},
    )
    assert response.status_code == 404
    assert selectors.triage_state_current(citizen=citizen, team=greve) is None


# --- Each team's next steps are its own ----------------------------------------------------------


def _granted_team_with_a_step(citizen, owner_worker):
    """A second home-care team the citizen is granted to, with an open next step of its own."""
    other = TeamFactory(home_care=True, name="Hjemmeplejen Syd")
    worker = UserFactory(home_care=True, team=other)
    citizen_team_add(citizen=citizen, team=other, actor=owner_worker)
    step = task_create(
        citizen=citizen,
        case=None,
        team=other,
        assignee=worker,
        kind=TaskKind.TRIAGE_NEXT_STEP,
        title="Ring til datteren",
        due=timezone.localdate() + timedelta(days=3),
        actor=worker,
    )
    return other, step


def test_a_move_on_one_teams_board_leaves_another_teams_next_step_open(greve, yasemin):
    citizen = home_care_citizen(team=greve)
    _other, theirs = _granted_team_with_a_step(citizen, yasemin)

    _move(citizen, greve, "black", yasemin)

    theirs.refresh_from_db()
    assert theirs.done_at is None


def test_a_screening_by_one_team_leaves_another_teams_next_step_open(soroe, bente):
    citizen = home_care_citizen(team=soroe)
    _other, theirs = _granted_team_with_a_step(citizen, bente)

    screen(citizen=citizen, by=bente, answers=(3, 3, 3))

    theirs.refresh_from_db()
    assert theirs.done_at is None


def test_a_screening_by_a_worker_of_a_granted_team_sets_the_colour_on_their_own_board(
    greve, soroe, bente
):
    # given a citizen of Greve's, granted to Sorø, screened by a Sorø worker
    citizen = home_care_citizen(team=greve)
    citizen_team_add(citizen=citizen, team=soroe, actor=None)

    screening = screen(citizen=citizen, by=bente, answers=(3, 3, 3))

    # then the colour is on Sorø's board, and Greve's board is Greve's own to move
    assert screening.team == soroe
    assert TriageState.objects.filter(citizen=citizen, team=soroe, is_current=True).exists()
    assert not TriageState.objects.filter(citizen=citizen, team=greve).exists()
