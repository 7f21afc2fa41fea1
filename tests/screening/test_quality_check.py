"""The ambassador's (nøgleperson's) quality check: screenings that look too easy ("det er
nemmest blot at svare nej") or that jump are put before a second pair of eyes, who marks each
"checked – fine" or "talk to the screener"."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts.constants import Role
from audit.models import AuditEvent
from screening import services
from screening.models import QualityCheck, TeamScreeningSettings, TriageScheme
from tests.accounts.factories import TeamFactory, UserFactory
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(home_care=True, name="Hjemmeplejen Holstebro")


@pytest.fixture
def worker(team):
    return UserFactory(home_care=True, team=team, first_name="Conny")


@pytest.fixture
def ambassador(team):
    return UserFactory(role=Role.AMBASSADOR, team=team, first_name="Nanna")


def _ago(days):
    return timezone.now() - timedelta(days=days)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


# --- Which screenings are flagged ---------------------------------------------------------------


def test_hardly_ever_to_every_question_at_the_first_screening_is_flagged(team, worker):
    citizen = home_care_citizen(team=team)

    screening = screen(citizen=citizen, by=worker, answers=(1, 1, 1))

    check = QualityCheck.objects.get()
    assert (check.screening, check.team, check.reasons) == (screening, team, ["all_lowest_first"])
    assert check.outcome == ""


def test_hardly_ever_to_everything_later_is_not_that_rule(team, worker):
    citizen = home_care_citizen(team=team)
    screen(citizen=citizen, by=worker, answers=(2, 2, 1), screened_at=_ago(100))

    screen(citizen=citizen, by=worker, answers=(1, 1, 1))  # 5 → 3: a change of 2

    assert not QualityCheck.objects.exists()


def test_one_answer_above_hardly_ever_is_not_flagged(team, worker):
    screen(citizen=home_care_citizen(team=team), by=worker, answers=(1, 2, 1))
    assert not QualityCheck.objects.exists()


@pytest.mark.parametrize(
    ("before", "after", "flagged"),
    [
        ((2, 2, 2), (3, 3, 3), False),  # 6 → 9: 3
        ((1, 1, 1), (3, 2, 2), True),  # 3 → 7: 4 up
        ((3, 3, 3), (2, 2, 1), True),  # 9 → 5: 4 down
        ((3, 3, 2), (1, 1, 1), True),  # 8 → 3: 5 down (not a first screening)
    ],
)
def test_a_score_change_of_4_or_more_from_the_last_screening_is_flagged(
    team, worker, before, after, flagged
):
    citizen = home_care_citizen(team=team)
    first = screen(citizen=citizen, by=worker, answers=before, screened_at=_ago(100))

    second = screen(citizen=citizen, by=worker, answers=after)

    checks = QualityCheck.objects.filter(screening=second)
    assert checks.exists() == flagged
    if flagged:
        assert checks.get().reasons == ["score_jump"]
        assert checks.get().data == {"previous_score": first.score}


def test_a_draft_and_a_resent_screening_are_not_flagged_twice(team, worker):
    import uuid

    citizen = home_care_citizen(team=team)
    services.screening_record(
        citizen=citizen, answers={"left_out": 1}, screened_by=worker, draft=True
    )
    assert not QualityCheck.objects.exists()
    key = uuid.uuid4()
    for _ in range(2):
        services.screening_record(
            citizen=citizen,
            answers={"lack_companionship": 1, "left_out": 1, "isolated": 1},
            screened_by=worker,
            idempotency_key=key,
        )
    assert QualityCheck.objects.count() == 1


# --- Marking ---------------------------------------------------------------------------------


def _flagged(team, worker):
    screen(citizen=home_care_citizen(team=team), by=worker, answers=(1, 1, 1))
    return QualityCheck.objects.get()


def test_the_ambassador_marks_a_screening_checked_and_fine(team, worker, ambassador):
    check = _flagged(team, worker)

    services.quality_check_mark(check=check, outcome="fine", note="", actor=ambassador)

    check.refresh_from_db()
    assert (check.outcome, check.checked_by, check.checked_at is not None) == (
        "fine",
        ambassador,
        True,
    )
    assert AuditEvent.objects.filter(
        action="update", subject_id=check.screening.citizen_id, actor=ambassador
    ).exists()


def test_talk_to_the_screener_needs_a_note(team, worker, ambassador):
    check = _flagged(team, worker)

    with pytest.raises(ValidationError) as error:
        services.quality_check_mark(
            check=check, outcome="talk_to_screener", note=" ", actor=ambassador
        )
    assert "note" in error.value.message_dict

    services.quality_check_mark(
        check=check,
        outcome="talk_to_screener",
        note="Spørg, om borgeren var alene, da I talte om det.",
        actor=ambassador,
    )
    check.refresh_from_db()
    assert check.outcome == "talk_to_screener"


def test_a_screening_is_checked_once_by_someone_else_on_the_team(team, worker, ambassador):
    check = _flagged(team, worker)
    # The screener is not their own second pair of eyes, even as an ambassador.
    from accounts.services import user_set_roles

    user_set_roles(user=worker, roles=[Role.HOME_CARE, Role.AMBASSADOR])
    with pytest.raises(ValidationError):
        services.quality_check_mark(check=check, outcome="fine", note="", actor=worker)
    # Another team's ambassador may not.
    stranger = UserFactory(role=Role.AMBASSADOR, team=TeamFactory(home_care=True))
    with pytest.raises(ValidationError):
        services.quality_check_mark(check=check, outcome="fine", note="", actor=stranger)
    with pytest.raises(ValidationError):
        services.quality_check_mark(check=check, outcome="maybe", note="", actor=ambassador)

    services.quality_check_mark(check=check, outcome="fine", note="", actor=ambassador)
    with pytest.raises(ValidationError):
        services.quality_check_mark(check=check, outcome="fine", note="", actor=ambassador)


# --- The queue --------------------------------------------------------------------------------


def test_the_queue_lists_the_teams_flagged_screenings_with_counts_per_screener(
    team, worker, ambassador
):
    TeamScreeningSettings.objects.create(
        team=team, scheme=TriageScheme.objects.get(is_default=True), extra_time_from_score=7
    )
    colleague = UserFactory(home_care=True, team=team, first_name="Jette")
    easy = home_care_citizen(team=team, first_name="Let")
    screen(citizen=easy, by=worker, answers=(1, 1, 1))
    jump = home_care_citizen(team=team, first_name="Spring")
    screen(citizen=jump, by=colleague, answers=(1, 1, 1), screened_at=_ago(100))
    screen(citizen=jump, by=worker, answers=(3, 3, 3))
    screen(citizen=home_care_citizen(team=team, first_name="Almindelig"), by=worker)
    # Another team's flagged screening is not this team's business.
    other = TeamFactory(home_care=True)
    screen(
        citizen=home_care_citizen(team=other, first_name="Fremmed"),
        by=UserFactory(home_care=True, team=other),
        answers=(1, 1, 1),
    )

    response = _client(ambassador).get("/screening/kvalitet/")

    assert response.status_code == 200
    rows = response.context["queue"]
    assert [(r.screening.citizen.first_name, r.screening.score) for r in rows] == [
        ("Spring", 3),
        ("Let", 3),
        ("Spring", 9),
    ]
    assert [r.extra_time for r in rows] == [False, False, True]
    counts = {
        c["name"]: (c["screenings"], c["flagged"], c["open"]) for c in response.context["screeners"]
    }
    assert counts == {
        f"Conny {worker.last_name}": (3, 2, 2),
        f"Jette {colleague.last_name}": (1, 1, 1),
    }
    page = response.content.decode()
    assert page.count('data-testid="quality-row"') == 3
    assert page.count('data-testid="extra-time"') == 1
    assert "Fremmed" not in page
    # Showing the citizens' names is a read of their records.
    assert AuditEvent.objects.filter(action="read", actor=ambassador, subject_id=easy.pk).exists()


def test_the_ambassador_marks_from_the_queue_and_it_leaves_the_queue(team, worker, ambassador):
    check = _flagged(team, worker)
    client = _client(ambassador)

    response = client.post(
        f"/screening/kvalitet/{check.pk}/", {"outcome": "talk_to_screener", "note": ""}
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.outcome == ""  # a note is needed: nothing changed

    response = client.post(f"/screening/kvalitet/{check.pk}/", {"outcome": "fine", "note": ""})

    assert response.status_code == 302
    check.refresh_from_db()
    assert check.outcome == "fine"
    response = client.get("/screening/kvalitet/")
    assert list(response.context["queue"]) == []
    assert [c.pk for c in response.context["checked"]] == [check.pk]


def test_home_care_staff_have_no_quality_queue(team, worker):
    check = _flagged(team, worker)
    client = _client(worker)

    assert client.get("/screening/kvalitet/").status_code == 403
    assert client.post(f"/screening/kvalitet/{check.pk}/", {"outcome": "fine"}).status_code == 403


def test_another_teams_ambassador_cannot_mark(team, worker):
    check = _flagged(team, worker)
    stranger = UserFactory(role=Role.AMBASSADOR, team=TeamFactory(home_care=True))

    response = _client(stranger).post(f"/screening/kvalitet/{check.pk}/", {"outcome": "fine"})

    assert response.status_code == 404
    check.refresh_from_db()
    assert check.outcome == ""


def test_the_queue_query_count_does_not_grow(team, worker, ambassador, django_assert_num_queries):
    client = _client(ambassador)
    screen(citizen=home_care_citizen(team=team), by=worker, answers=(1, 1, 1))

    # 1 session, 2 user, 3-4 permissions, 5 the user's team ids, 6 their home-care teams,
    # 7 the team's settings, 8 the open checks with screening, citizen and screener, 9 the
    # checks done lately, 10 the counts per screener, 11 the access log for the citizens shown,
    # 12-14 saving the session
    with django_assert_num_queries(14):
        client.get("/screening/kvalitet/")
    for n in range(20):
        check_screener = UserFactory(home_care=True, team=team)
        screen(citizen=home_care_citizen(team=team), by=check_screener, answers=(1, 1, 1))
        if n % 3 == 0:
            services.quality_check_mark(
                check=QualityCheck.objects.filter(outcome="").first(),
                outcome="fine",
                note="",
                actor=ambassador,
            )
    with django_assert_num_queries(14):
        response = client.get("/screening/kvalitet/")
    assert len(response.context["queue"]) == 21 - 7
