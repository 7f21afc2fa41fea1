"""Danish words as the people who use Brobyg expect them: the CPR number written as the
authorities write it, and buttons and links that say what they do or where they go."""

import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import trans_real

from screening.models import TeamScreeningSettings
from tests.accounts.factories import TeamFactory, UserFactory
from tests.volunteers.factories import coordination_team, load_postcodes, make_offer

pytestmark = pytest.mark.django_db

# "CPR-nummer" and "DDMMÅÅ-XXXX", as the CPR office and borger.dk write them.
NOT_AS_THE_AUTHORITIES = re.compile(r"\b(cpr-n|Cpr-n|CPR nummer|cpr nummer)|DDMMÅÅ-(?!XXXX)")


def _texts(value) -> list[str]:
    return list(value) if isinstance(value, tuple | list) else [value]


def test_the_cpr_number_is_written_as_the_authorities_write_it():
    """Needs the Danish of "Two different CPR numbers are two people." and of "The two records
    have the same name and date of birth, …" with "CPR-" in locale/da/LC_MESSAGES/django.po."""
    catalogue = trans_real.translation("da")._catalog
    wrong = [
        text
        for _key, value in catalogue.items()
        for text in _texts(value)
        if NOT_AS_THE_AUTHORITIES.search(text)
    ]
    assert wrong == []


def test_the_confirm_button_on_the_offer_list_says_the_offer_is_still_current(client):
    # "Opdateret" read as "it has been updated"; the button confirms the offer is as described.
    load_postcodes()
    team = coordination_team()
    make_offer(title="Strikkecafé", team=team)
    client.force_login(UserFactory(coordinator=True, team=team))

    html = client.get("/koordinering/tilbud/").content.decode()

    buttons = re.findall(r"<button[^>]*>([^<]*)</button>", html)
    assert "Stadig aktuelt" in buttons
    assert "Opdateret" not in buttons


def test_the_admin_start_page_names_the_team_settings_as_the_admin_does():
    """Needs the Danish of "Teams' screening settings" in locale/da/LC_MESSAGES/django.po."""
    client = Client()
    client.force_login(UserFactory(admin=True, team=TeamFactory()))

    html = client.get("/").content.decode()

    link = re.search(
        r'<a [^>]*href="/django-admin/screening/teamscreeningsettings/"[^>]*>([^<]*)</a>', html
    )
    with translation.override("da"):
        admin_name = str(capfirst(TeamScreeningSettings._meta.verbose_name_plural))
    assert link is not None
    assert link.group(1).strip() == admin_name
