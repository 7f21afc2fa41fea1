"""The tablet speaks the worker's language throughout: the questions, the answers and the
conversation tips are Danish under Danish and English under English; a municipality's own
wording may be given per language, and falls back to Danish."""

import pytest
from django.test import Client

from screening import services
from screening.defaults import CONVERSATION_TIPS
from screening.models import Instrument
from tests.accounts.factories import TeamFactory, UserFactory
from tests.screening.factories import home_care_citizen

pytestmark = pytest.mark.django_db

ENGLISH_TIPS = [
    "Start with the everyday",
    "Many people feel alone at times",
    "Notice small openings",
    "is the easiest answer to give",
]
DANISH_TIPS = [
    "Begynd med hverdagen",
    "Mange føler sig alene en gang imellem",
    "Læg mærke til små åbninger",
    "er det nemmeste svar at give",
]


def _tablet(worker, language: str) -> str:
    client = Client()
    client.force_login(worker)
    client.cookies["django_language"] = language
    response = client.get(f"/screening/borgere/{worker.citizen.pk}/screen/")
    assert response.status_code == 200
    return response.content.decode()


def _tips(page: str) -> str:
    start = page.index('data-testid="conversation-tips"')
    return page[start : page.index("</ul>", start)]


def test_the_conversation_tips_are_danish_under_danish():
    page = _tablet(_worker(), "da")

    for english in ENGLISH_TIPS:
        assert english not in page, english
    tips = _tips(page)
    for danish in DANISH_TIPS:
        assert danish in tips, danish
    assert "Hvor ofte føler du dig udenfor?" in page


def test_the_conversation_tips_are_english_under_english():
    page = _tablet(_worker(), "en")

    for danish in DANISH_TIPS:
        assert danish not in page, danish
    tips = _tips(page)
    for english in ENGLISH_TIPS:
        assert english in tips, english
    assert "How often do you feel left out?" in page


def test_a_municipalitys_own_tips_are_shown_per_language_and_fall_back_to_danish():
    worker = _worker()
    draft = services.instrument_copy_as_draft(
        instrument=Instrument.objects.get(code="ucla3", version="1"), actor=None
    )
    definition = {**draft.definition}
    definition["tips"] = [
        {"da": "Spørg til barnebørnene.", "en": "Ask about the grandchildren."},
        {"da": "Tal om naboerne."},
    ]
    services.instrument_update(
        instrument=draft, version="2", name="UCLA-3 Odense", definition=definition, actor=None
    )
    services.instrument_activate(instrument=draft, actor=None)

    danish, english = _tips(_tablet(worker, "da")), _tips(_tablet(worker, "en"))

    assert "Spørg til barnebørnene." in danish and "Tal om naboerne." in danish
    assert "Ask about the grandchildren." in english
    assert "Tal om naboerne." in english, "without English, the Danish"
    assert "Spørg til barnebørnene." not in english
    for shipped in CONVERSATION_TIPS:
        assert shipped["da"] not in danish


def _worker():
    team = TeamFactory(home_care=True)
    worker = UserFactory(home_care=True, team=team)
    worker.citizen = home_care_citizen(team=team)
    return worker
