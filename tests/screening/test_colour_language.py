"""The triage colours speak the reader's language: their label, meaning and next step are
Danish under Danish and English under English (where the colour has English; else Danish), on
the board, the citizen's page and the tablet. The colours Brobyg ships come with English."""

import pytest
from django.test import Client
from django.utils import translation

from screening import services
from screening.models import TeamScreeningSettings, TriageColour, TriageScheme
from tests.accounts.factories import TeamFactory, UserFactory
from tests.screening.factories import home_care_citizen, screen

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return TeamFactory(home_care=True, name="Hjemmeplejen Sorø")


@pytest.fixture
def worker(team):
    return UserFactory(home_care=True, team=team, first_name="Bente")


def _get(user, url: str, language: str) -> str:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _colour(code: str, scheme: str = "Trafiklys") -> TriageColour:
    return TriageColour.objects.get(scheme__name=scheme, code=code)


def test_the_shipped_colours_have_english_texts():
    red = _colour("red")
    assert (red.label_en, red.meaning_en, red.next_step_en) == (
        "Red",
        "Signs of severe loneliness.",
        "Offer a referral to a bridge-builder (with consent).",
    )
    shipped = {
        (c.scheme.name, c.code): c.label_en for c in TriageColour.objects.select_related("scheme")
    }
    assert shipped == {
        ("Trafiklys", "green"): "Green",
        ("Trafiklys", "yellow"): "Yellow",
        ("Trafiklys", "red"): "Red",
        ("Arbejdsgang", "white"): "White",
        ("Arbejdsgang", "black"): "Black",
        ("Arbejdsgang", "purple"): "Purple",
        ("Arbejdsgang", "pink"): "Pink",
    }
    assert all(c.meaning_en for c in TriageColour.objects.all())


def test_a_colours_text_is_english_under_english_and_danish_otherwise():
    red = _colour("red")
    with translation.override("en"):
        assert (red.text("label"), red.label_text, red.meaning_text, red.next_step_text) == (
            "Red",
            "Red",
            "Signs of severe loneliness.",
            "Offer a referral to a bridge-builder (with consent).",
        )
    with translation.override("da"):
        assert (red.text("label"), red.meaning_text) == ("Rød", "Tegn på svær ensomhed.")
    assert red.text("label", "en") == "Red"
    # A colour without English is shown in Danish under English too.
    own = TriageColour.objects.create(
        scheme=red.scheme, code="own", label="Egen", meaning="Kun dansk.", hex="#123456"
    )
    with translation.override("en"):
        assert (own.label_text, own.meaning_text) == ("Egen", "Kun dansk.")
    with pytest.raises(ValueError):
        red.text("hex")


def test_the_board_shows_the_colour_and_its_next_step_in_english_under_english(team, worker):
    citizen = home_care_citizen(team=team, first_name="Edith")
    screen(citizen=citizen, by=worker, answers=(3, 3, 3))

    page = _get(worker, f"/screening/tavle/?team={team.pk}", "en")

    assert "Red</span>" in page
    assert "Offer a referral to a bridge-builder (with consent)." in page
    assert "Rød" not in page
    assert "Tilbyd en henvisning" not in page


def test_the_board_shows_the_colour_and_its_next_step_in_danish_under_danish(team, worker):
    citizen = home_care_citizen(team=team, first_name="Edith")
    screen(citizen=citizen, by=worker, answers=(3, 3, 3))

    page = _get(worker, f"/screening/tavle/?team={team.pk}", "da")

    assert "Rød</span>" in page
    assert "Tilbyd en henvisning til en brobygger (med samtykke)." in page
    assert "Offer a referral" not in page


def test_a_next_step_reworded_since_it_was_given_is_shown_as_it_was_given(team, worker):
    citizen = home_care_citizen(team=team)
    screen(citizen=citizen, by=worker, answers=(3, 3, 3))
    TriageColour.objects.filter(pk=_colour("red").pk).update(
        next_step="Ring til brobyggeren.", next_step_en="Call the bridge-builder."
    )

    page = _get(worker, f"/screening/tavle/?team={team.pk}", "en")

    # The citizen's step is the one given then: the colour's English is of another wording.
    assert "Tilbyd en henvisning til en brobygger (med samtykke)." in page
    assert "Call the bridge-builder." not in page


def test_the_citizen_page_shows_the_colours_and_moves_in_english_under_english(worker):
    greve = TeamFactory(home_care=True, name="Hjemmeplejen Greve")
    TeamScreeningSettings.objects.create(
        team=greve, scheme=TriageScheme.objects.get(name="Arbejdsgang")
    )
    yasemin = UserFactory(home_care=True, team=greve, first_name="Yasemin")
    citizen = home_care_citizen(team=greve)
    services.triage_state_set_by_hand(
        citizen=citizen,
        team=greve,
        colour=_colour("black", "Arbejdsgang"),
        actor=yasemin,
        reason="Sidder meget alene.",
    )

    english = _get(yasemin, f"/screening/borgere/{citizen.pk}/", "en")
    danish = _get(yasemin, f"/screening/borgere/{citizen.pk}/", "da")

    # the colour now, its history, the colours to choose and the moves' targets
    for label in ("Black", "Purple", "White", "Pink"):
        assert label in english, label
    assert "Screen, and talk with the citizen about it." in english
    for label in ("Sort", "Lilla", "Hvid", "Lyserød"):
        assert f"{label}<" not in english and f">{label}" not in english, label
        assert label in danish, label
    assert "Screen og tal med borgeren om det." in danish


def test_the_tablet_offers_the_colours_chosen_by_hand_in_the_readers_language(worker):
    greve = TeamFactory(home_care=True, name="Hjemmeplejen Greve")
    TeamScreeningSettings.objects.create(
        team=greve, scheme=TriageScheme.objects.get(name="Arbejdsgang")
    )
    yasemin = UserFactory(home_care=True, team=greve)
    citizen = home_care_citizen(team=greve)

    english = _get(yasemin, f"/screening/borgere/{citizen.pk}/screen/", "en")
    danish = _get(yasemin, f"/screening/borgere/{citizen.pk}/screen/", "da")

    assert "Purple<span" in english and "Loneliness confirmed." in english
    assert "Lilla<span" not in english and "Ensomhed bekræftet." not in english
    assert "Lilla<span" in danish and "Ensomhed bekræftet." in danish


def test_the_tablet_knows_the_schemes_colour_texts_for_the_result(team, worker):
    citizen = home_care_citizen(team=team)

    english = _get(worker, f"/screening/borgere/{citizen.pk}/screen/", "en")
    danish = _get(worker, f"/screening/borgere/{citizen.pk}/screen/", "da")

    assert 'id="colour-texts"' in english
    assert 'data-code="red" data-label="Red"' in english
    assert 'data-next-step="Offer a referral to a bridge-builder (with consent)."' in english
    assert 'data-code="red" data-label="Rød"' in danish


def test_the_colours_installed_afresh_have_english_texts_too():
    """As after the tables are emptied (a flush installs the defaults again)."""
    from screening.defaults import install_defaults
    from screening.models import Instrument, TriageTransition

    TriageTransition.objects.all().delete()
    TriageScheme.objects.all().delete()

    install_defaults(Instrument, TriageScheme, TriageColour, TriageTransition)

    assert (_colour("red").label_en, _colour("pink", "Arbejdsgang").next_step_en) == (
        "Red",
        "Follow up on the activity.",
    )
    assert all(c.label_en and c.meaning_en for c in TriageColour.objects.all())
