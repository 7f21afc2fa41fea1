"""The case's timeline as the case page shows it: each line laid out from an entry made in
Python (referrals/presentation.py), which decides who did it, what the kind is called, what
happened and which words a person wrote are shown under it."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import formats, timezone, translation
from pytest_django.asserts import assertInHTML

from referrals import selectors, services
from referrals.constants import CaseEventKind, ContactKind
from referrals.presentation import timeline_entries
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne")


@pytest.fixture
def builder(team):
    return UserFactory(
        bridge_builder=True, team=team, lead=True, first_name="Bente", last_name="Bro"
    )


@pytest.fixture
def case(team):
    return make_referral(team=team, first_name="Inger", last_name="Madsen").referral.case


def _client(user, language: str = "da") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _entry(case, kind):
    (entry,) = [e for e in timeline_entries(selectors.case_timeline(case=case)) if e.kind == kind]
    return entry


def test_a_contact_line_says_how_and_shows_what_was_noted_under_it(case, builder):
    services.contact_record(
        case=case,
        kind=ContactKind.PHONE,
        reached=False,
        note="Ingen svarede.\nPrøver igen i morgen.",
        actor=builder,
    )

    with translation.override("en"):
        entry = _entry(case, CaseEventKind.CONTACT)

    assert entry.title == "Contact"
    assert entry.text == "Phone call – did not reach the citizen"
    assert entry.words == "Ingen svarede.\nPrøver igen i morgen."
    assert entry.who == "Bente Bro"


def test_a_contact_without_a_note_has_nothing_under_its_line(case, builder):
    services.contact_record(case=case, kind=ContactKind.HOME_VISIT, actor=builder)

    with translation.override("en"):
        entry = _entry(case, CaseEventKind.CONTACT)

    assert (entry.text, entry.words) == ("Home visit", "")


def test_a_note_line_is_the_notes_words_as_written(case, builder):
    services.note_add(case=case, text="Glad for opkaldet.\nVil gerne i koret.", actor=builder)

    with translation.override("en"):
        entry = _entry(case, CaseEventKind.NOTE)

    assert (entry.title, entry.text) == ("Note", "")
    assert entry.words == "Glad for opkaldet.\nVil gerne i koret."


def test_a_line_nobody_wrote_is_the_systems_in_the_readers_language(case):
    # A referral made with no referrer signed in (make_referral has none).
    with translation.override("en"):
        entry = _entry(case, CaseEventKind.REFERRAL)
    assert (entry.who, entry.title, entry.words) == ("system", "Referral", "")
    with translation.override("da"):
        assert _entry(case, CaseEventKind.REFERRAL).title == "Henvisning"


def test_a_status_line_names_both_steps_and_nothing_under_it(case, builder):
    services.case_change_status(case=case, status="contacted", actor=builder)

    with translation.override("da"):
        entry = _entry(case, CaseEventKind.STATUS)

    assert (entry.title, entry.text, entry.words) == ("Status ændret", "Modtaget → Kontaktet", "")


def test_the_page_lays_out_each_line_with_its_kind_who_when_and_words(case, builder):
    services.contact_record(
        case=case, kind=ContactKind.PHONE, note="Ringer igen fredag", actor=builder
    )
    note = services.note_add(case=case, text="Glad for opkaldet\nog for kaffen", actor=builder)

    page = _client(builder).get(f"/forloeb/{case.pk}/").content.decode()

    with translation.override("da"):
        when = formats.date_format(
            timezone.localtime(case.events.get(note=note).occurred_at), "SHORT_DATETIME_FORMAT"
        )
    assertInHTML(
        f"""<li class="timeline-item timeline-note">
              <div class="small text-body-secondary">{when} · Bente Bro</div>
              <div><strong>Note</strong><div class="text-pre">Glad for opkaldet
og for kaffen</div></div>
            </li>""",
        page,
    )
    assert page.count('class="timeline-item timeline-contact"') == 1
    assertInHTML(
        "<div><strong>Kontakt</strong>: Telefonopkald"
        '<div class="text-pre">Ringer igen fredag</div></div>',
        page,
    )
    # The referral has no words under it, and no empty box for them.
    assertInHTML("<div><strong>Henvisning</strong>: Praktiserende læge</div>", page)
    assert page.count('<div class="text-pre">') == 2


def test_the_page_reads_the_timeline_in_the_same_queries_however_long_it_is(case, builder):
    client = _client(builder)
    url = f"/forloeb/{case.pk}/"
    client.get(url)  # the session and its first writes

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    services.note_add(case=case, text="Første notat", actor=builder)
    few = queries()
    for n in range(5):
        services.note_add(case=case, text=f"Notat {n}", actor=builder)
        services.contact_record(
            case=case, kind=ContactKind.PHONE, note=f"Opkald {n}", actor=builder
        )
        services.plan_step_add(
            case=case, description=f"Skridt {n}", responsible="Bente", actor=builder
        )
    many = queries()

    assert case.events.count() > 15
    assert many == few
