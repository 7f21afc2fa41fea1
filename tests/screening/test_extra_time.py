"""A team may give extra time for a loneliness effort from a score (Odense: 7 or more) or at a
colour: the board and the citizen's page mark the citizens whose latest screening meets it."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from screening.models import TeamScreeningSettings, TriageColour, TriageScheme
from tests.accounts.factories import UserFactory
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db


def _settings(team, **extra) -> TeamScreeningSettings:
    return TeamScreeningSettings.objects.create(
        team=team, scheme=TriageScheme.objects.get(is_default=True), **extra
    )


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def _board_marks(worker) -> dict[str, bool]:
    response = _client(worker).get("/screening/tavle/")
    page = response.content.decode()
    marked = {c.first_name: c.extra_time for g in response.context["groups"] for c in g.citizens}
    assert page.count('data-testid="extra-time"') == sum(marked.values())
    return marked


def test_odense_marks_extra_time_from_a_score_of_7(team, worker):
    _settings(team, extra_time_from_score=7)
    seven = home_care_citizen(team=team, first_name="Syv")
    screen(citizen=seven, by=worker, answers=(3, 2, 2))
    six = home_care_citizen(team=team, first_name="Seks")
    screen(citizen=six, by=worker, answers=(2, 2, 2))
    better = home_care_citizen(team=team, first_name="Bedre")
    screen(citizen=better, by=worker, answers=(3, 3, 3))
    screen(citizen=better, by=worker, answers=(1, 2, 1))  # the latest screening counts
    home_care_citizen(team=team, first_name="Uscreenet")

    assert _board_marks(worker) == {"Syv": True, "Seks": False, "Bedre": False, "Uscreenet": False}
    page = _client(worker).get(f"/screening/borgere/{seven.pk}/").content.decode()
    assert 'data-testid="extra-time"' in page
    assert "Extra time" in page
    page = _client(worker).get(f"/screening/borgere/{six.pk}/").content.decode()
    assert 'data-testid="extra-time"' not in page


def test_a_team_may_tie_extra_time_to_a_colour(team, worker):
    yellow = TriageColour.objects.get(scheme__is_default=True, code="yellow")
    _settings(team, extra_time_colour=yellow)
    gul = home_care_citizen(team=team, first_name="Gul")
    screen(citizen=gul, by=worker, answers=(2, 2, 2))
    rod = home_care_citizen(team=team, first_name="Rød")
    screen(citizen=rod, by=worker, answers=(3, 3, 3))

    assert _board_marks(worker) == {"Gul": True, "Rød": False}
    assert 'data-testid="extra-time"' in (
        _client(worker).get(f"/screening/borgere/{gul.pk}/").content.decode()
    )


def test_without_a_mark_nobody_is_marked(team, worker):
    _settings(team)
    citizen = home_care_citizen(team=team, first_name="Ni")
    screen(citizen=citizen, by=worker, answers=(3, 3, 3))

    assert _board_marks(worker) == {"Ni": False}


def test_the_colour_must_be_one_of_the_teams_scheme(team):
    other = TriageColour.objects.get(scheme__name="Arbejdsgang", code="purple")
    settings_ = TeamScreeningSettings(
        team=team, scheme=TriageScheme.objects.get(is_default=True), extra_time_colour=other
    )
    with pytest.raises(ValidationError) as error:
        settings_.full_clean()
    assert "extra_time_colour" in error.value.message_dict


def test_the_administrator_sets_extra_time_in_the_admin(team):
    admin = UserFactory(admin=True)
    client = _client(admin)
    scheme = TriageScheme.objects.get(is_default=True)

    response = client.post(
        "/django-admin/screening/teamscreeningsettings/add/",
        {
            "team": str(team.pk),
            "scheme": str(scheme.pk),
            "rescreen_interval_days": "90",
            "extra_time_from_score": "7",
            "extra_time_colour": "",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert TeamScreeningSettings.objects.get(team=team).extra_time_from_score == 7
