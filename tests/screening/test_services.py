import itertools
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from followups.constants import TaskKind
from followups.models import Task
from referrals.constants import CaseEventKind
from referrals.services import case_assign
from screening import services
from screening.models import Screening, TeamScreeningSettings, TriageColour, TriageScheme
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import make_referral
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db

ITEMS = ["lack_companionship", "left_out", "isolated"]


@pytest.fixture
def team():
    return TeamFactory(home_care=True, name="Hjemmeplejen Nord")


@pytest.fixture
def worker(team):
    return UserFactory(home_care=True, team=team)


@pytest.fixture
def citizen(team):
    return home_care_citizen(team=team)


def _expected_traffic_light(score: int) -> str:
    return "green" if score <= 5 else "yellow" if score == 6 else "red"


@pytest.mark.parametrize("answers", list(itertools.product([1, 2, 3], repeat=3)))
def test_every_answer_combination_scores_and_colours_right(citizen, worker, answers):
    screening = screen(citizen=citizen, by=worker, answers=answers)

    assert screening.score == sum(answers)
    assert 3 <= screening.score <= 9
    assert screening.answers == dict(zip(ITEMS, answers, strict=True))
    assert screening.triage_code == _expected_traffic_light(sum(answers))
    assert screening.triage_scheme.name == "Trafiklys"
    assert not screening.is_draft


@pytest.mark.parametrize(
    ("answers", "direct", "expected"),
    [
        ((1, 2, 2), "often", "yellow"),  # 5 green, raised one step
        ((2, 2, 2), "often", "red"),  # 6 yellow, raised
        ((3, 3, 3), "often", "red"),  # red stays red
        ((2, 2, 2), "sometimes", "yellow"),
        ((2, 2, 2), "no", "yellow"),
    ],
)
def test_often_to_the_direct_question_raises_the_colour_one_step(
    citizen, worker, answers, direct, expected
):
    screening = screen(citizen=citizen, by=worker, answers=answers, direct_question=direct)
    assert screening.triage_code == expected


def test_the_workflow_scheme_is_set_by_hand(team, citizen, worker):
    TeamScreeningSettings.objects.create(
        team=team, scheme=TriageScheme.objects.get(name="Arbejdsgang")
    )
    with pytest.raises(ValidationError) as excinfo:
        screen(citizen=citizen, by=worker, answers=(3, 3, 3))
    assert "triage" in excinfo.value.message_dict

    screening = screen(citizen=citizen, by=worker, answers=(3, 3, 3), triage="purple")

    assert (screening.triage_code, screening.triage_label) == ("purple", "Lilla")
    assert screening.triage_by_hand
    with pytest.raises(ValidationError):
        screen(citizen=citizen, by=worker, answers=(1, 1, 1), triage="orange")


def test_an_edited_scheme_colours_new_screenings_and_never_old_ones(team, citizen, worker):
    before = screen(citizen=citizen, by=worker, answers=(2, 2, 2))
    assert before.triage_code == "yellow"

    # The admin moves 6 into red and renames red.
    scheme = TriageScheme.objects.get(name="Trafiklys")
    TriageColour.objects.filter(scheme=scheme, code="yellow").update(min_score=99, max_score=99)
    TriageColour.objects.filter(scheme=scheme, code="red").update(
        min_score=6, label="Rød (akut)", hex="#aa0000"
    )

    after = screen(citizen=citizen, by=worker, answers=(2, 2, 2))
    before.refresh_from_db()
    assert (after.triage_code, after.triage_label, after.triage_hex) == (
        "red",
        "Rød (akut)",
        "#aa0000",
    )
    assert (before.triage_code, before.triage_label, before.triage_hex) == (
        "yellow",
        "Gul",
        "#f2b600",
    )


def test_a_citizen_without_a_team_gets_the_default_scheme_and_a_case_team_counts(worker):
    from tests.referrals.factories import bridge_team

    b_team = bridge_team()
    TeamScreeningSettings.objects.create(
        team=b_team, scheme=TriageScheme.objects.get(name="Arbejdsgang")
    )
    citizen = make_referral(team=b_team).referral.citizen
    scheme, team = services.scheme_for_citizen(citizen)
    assert (scheme.name, team) == ("Arbejdsgang", b_team)


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({"lack_companionship": 1, "left_out": 2}, "answers.isolated"),
        ({"lack_companionship": 0, "left_out": 2, "isolated": 2}, "answers.lack_companionship"),
        ({"lack_companionship": 4, "left_out": 2, "isolated": 2}, "answers.lack_companionship"),
        ({"lack_companionship": "x", "left_out": 2, "isolated": 2}, "answers.lack_companionship"),
        ({"lack_companionship": True, "left_out": 2, "isolated": 2}, "answers.lack_companionship"),
        ({"lack_companionship": 1, "left_out": 2, "isolated": 2, "sad": 3}, "answers.sad"),
    ],
)
def test_missing_or_impossible_answers_are_refused_by_item(citizen, worker, answers, field):
    with pytest.raises(ValidationError) as excinfo:
        services.screening_record(citizen=citizen, answers=answers, screened_by=worker)
    assert field in excinfo.value.message_dict
    assert not Screening.objects.exists()


def test_a_draft_keeps_partial_answers_has_no_score_and_is_finished_later(citizen, worker):
    result = services.screening_record(
        citizen=citizen, answers={"left_out": 3}, screened_by=worker, draft=True
    )
    draft = result.screening
    assert draft.is_draft and draft.score is None and draft.triage_code == ""
    assert not Task.objects.exists()

    done = services.screening_record(
        citizen=citizen,
        answers={"lack_companionship": 3, "left_out": 3, "isolated": 3},
        screened_by=worker,
        draft_of=draft,
    ).screening

    assert done.pk == draft.pk
    assert (done.is_draft, done.score, done.triage_code) == (False, 9, "red")
    assert Screening.objects.count() == 1


def test_a_draft_never_counts_as_a_screening(team, citizen, worker):
    from screening.selectors import screening_history, triage_board

    services.screening_record(
        citizen=citizen, answers={"left_out": 3}, screened_by=worker, draft=True
    )
    assert screening_history(citizen=citizen) == []
    [group] = triage_board(team=team)
    assert group.code == ""  # still "not screened yet"


def test_the_same_idempotency_key_saves_one_screening(citizen, worker):
    key = uuid.uuid4()
    first = services.screening_record(
        citizen=citizen,
        answers={"lack_companionship": 2, "left_out": 2, "isolated": 2},
        screened_by=worker,
        idempotency_key=key,
    )
    again = services.screening_record(
        citizen=citizen,
        answers={"lack_companionship": 2, "left_out": 2, "isolated": 2},
        screened_by=worker,
        idempotency_key=key,
    )
    assert first.created and not again.created
    assert again.screening.pk == first.screening.pk
    assert Screening.objects.count() == 1
    assert Task.objects.count() == 1


def test_the_colours_next_step_becomes_a_task_with_its_deadline(citizen, worker):
    screened_at = timezone.now() - timedelta(days=2)
    result = services.screening_record(
        citizen=citizen,
        answers={"lack_companionship": 3, "left_out": 3, "isolated": 2},
        screened_by=worker,
        screened_at=screened_at,
    )
    task = result.task
    assert task.kind == TaskKind.TRIAGE_NEXT_STEP
    assert task.title.startswith("Tilbyd en henvisning")
    assert task.due == timezone.localtime(screened_at).date() + timedelta(days=7)
    assert task.assignee == worker
    assert task.screening == result.screening


def test_green_has_no_deadline_so_no_task(citizen, worker):
    result = services.screening_record(
        citizen=citizen,
        answers={"lack_companionship": 1, "left_out": 1, "isolated": 1},
        screened_by=worker,
    )
    assert result.task is None


def test_the_task_goes_to_the_bridge_builder_who_has_the_case(worker):
    from tests.referrals.factories import bridge_team

    b_team = bridge_team()
    builder = UserFactory(bridge_builder=True, team=b_team)
    case = make_referral(team=b_team).referral.case
    case_assign(case=case, assignee=builder, actor=builder)

    # Yellow: a red colour's referral is not given to a citizen who has a case.
    result = services.screening_record(
        citizen=case.citizen,
        answers={"lack_companionship": 2, "left_out": 2, "isolated": 2},
        screened_by=builder,
    )

    assert result.task.assignee == builder
    assert result.task.case == case
    assert case.events.filter(kind=CaseEventKind.SCREENING).count() == 1


def test_a_new_screening_replaces_earlier_steps_and_fulfils_screen_again(team, citizen, worker):
    first = screen(citizen=citizen, by=worker, answers=(3, 3, 3))
    services.rescreen_assign(citizen=citizen, team=team, assignee=worker, actor=worker)

    screen(citizen=citizen, by=worker, answers=(1, 1, 2))

    open_tasks = Task.objects.filter(citizen=citizen, done_at__isnull=True)
    assert not open_tasks.exists()
    assert Task.objects.get(screening=first).outcome_text == "Erstattet af en nyere screening."


def test_screen_again_is_given_only_to_someone_on_the_team(team, citizen, worker):
    outsider = UserFactory(home_care=True, team=TeamFactory(home_care=True))
    with pytest.raises(ValidationError):
        services.rescreen_assign(citizen=citizen, team=team, assignee=outsider, actor=worker)
    task = services.rescreen_assign(citizen=citizen, team=team, assignee=worker, actor=worker)
    assert task.due.weekday() == 4  # Friday this week
    assert task.due >= timezone.localdate()


def test_a_screening_in_the_future_is_refused(citizen, worker):
    with pytest.raises(ValidationError) as excinfo:
        services.screening_record(
            citizen=citizen,
            answers={"lack_companionship": 1, "left_out": 1, "isolated": 1},
            screened_by=worker,
            screened_at=timezone.now() + timedelta(days=1),
        )
    assert "screened_at" in excinfo.value.message_dict


def test_the_instrument_wording_is_data_and_localised():
    instrument = services.instrument_active()
    assert instrument.item_codes == ITEMS
    assert instrument.score_range == (3, 9)
    da = instrument.localised("da")
    en = instrument.localised("en")
    assert da["items"][1]["text"] == "Hvor ofte føler du dig udenfor?"
    assert en["answers"][0]["label"] == "Hardly ever or never"
    assert instrument.localised("pl")["items"][0]["text"].startswith("Hvor ofte")


def test_shipped_defaults_never_undo_an_admins_edits():
    from screening.defaults import install_defaults
    from screening.models import Instrument

    TriageScheme.objects.filter(name="Trafiklys").update(name="Farver efter score")
    install_defaults(Instrument, TriageScheme, TriageColour)
    assert not TriageScheme.objects.filter(name="Trafiklys").exists()
    assert TriageScheme.objects.filter(is_default=True).count() == 1
    assert Instrument.objects.filter(code="ucla3").count() == 1


def test_screen_this_week_for_several_is_all_or_none(team, worker):
    first = home_care_citizen(team=team)
    stranger = home_care_citizen(team=TeamFactory(home_care=True))
    with pytest.raises(ValidationError):
        services.rescreen_assign_many(
            citizens=[first, stranger], team=team, assignee=worker, actor=worker
        )
    assert not Task.objects.exists()
