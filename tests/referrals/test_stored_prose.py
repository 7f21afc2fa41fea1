"""No service writes a sentence in the language of the person at work into the database.

The main flows run under Danish — referral, case, screening, matches (proposed, answered,
accepted, first meeting planned, held and missed, a missed session, ended), the plan, tasks done,
a home-care "screen this week", and a merge of two records — and then every timeline line and
every task is read for Danish prose: a line that is, or is made of, a Danish message of the
project's catalogue was written in the words of the person who happened to be at work.
"""

import ast
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone, translation

from followups.constants import TaskKind
from followups.models import Task
from followups.services import task_complete, task_create_by_hand
from matching.services import (
    match_accept,
    match_end,
    match_plan_first_meeting,
    match_propose,
    match_record_first_meeting,
    match_respond,
    session_record_attendance,
)
from offers.constants import MatchEndReason
from referrals import services
from referrals.constants import CloseReason, ConsentMethod, ConsentPurpose
from referrals.identity import citizen_merge
from referrals.models import CaseEvent, PossibleDuplicate
from screening.services import rescreen_assign
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team, make_referral
from tests.screening.factories import home_care_citizen, screen
from tests.volunteers.factories import (
    last_session_day,
    load_postcodes,
    make_offer,
    make_volunteer,
)

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def _po_messages(path: Path) -> list[tuple[str, str]]:
    """(msgid, msgstr) of every translated message of a .po file, plural forms included."""
    messages, entry, key = [], {}, None

    def flush():
        msgid = entry.get("msgid", "")
        for name, value in entry.items():
            if name.startswith("msgstr") and msgid and value:
                messages.append((msgid, value))

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            if entry:
                flush()
                entry, key = {}, None
            continue
        if line.startswith('"'):
            entry[key] += ast.literal_eval(line)
            continue
        key, _space, value = line.partition(" ")
        if key == "msgid" and "msgid" in entry:
            flush()
            entry = {}
        entry[key] = ast.literal_eval(value)
    if entry:
        flush()
    return messages


def _danish_patterns() -> list[re.Pattern]:
    """A pattern per Danish message that differs from its English: the placeholders match
    anything. Messages with fewer than four letters of their own are left out (a name like
    "Ib" is not Danish prose)."""
    po = Path(settings.BASE_DIR) / "locale" / "da" / "LC_MESSAGES" / "django.po"
    patterns = []
    for msgid, msgstr in _po_messages(po):
        if msgstr == msgid or len(PLACEHOLDER.sub("", msgstr).strip()) < 4:
            continue
        parts = PLACEHOLDER.split(msgstr)
        patterns.append(re.compile(".*".join(re.escape(p) for p in parts), re.DOTALL))
    return patterns


def _pieces(value: str) -> list[str]:
    """The value and the parts a sentence could have been put together from."""
    pieces = {value}
    for separator in (", ", ": ", " · ", " – "):
        pieces.update(p for p in value.split(separator) if p)
    return [p.strip() for p in pieces]


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _danish_in(value: str, patterns) -> str | None:
    for piece in _pieces(value):
        for pattern in patterns:
            if pattern.fullmatch(piece):
                return pattern.pattern
    return None


def test_the_catalogue_reader_finds_the_sentences_the_services_used_to_write():
    patterns = _danish_patterns()
    # What the old code stored, to show the scan below would have caught it.
    for old in [
        "Foreslået: Strikkecaféen Nord",
        "Ring og hør, hvordan det går (Strikkecaféen Nord, 05.03.2026)",
        "Screenet.",
        "Nabo: Jens Lund",
        "UCLA-3-score 6 · Gul",
        "telefon, adresse",
        "udført: Ring til caféen",
        "Ring til borgeren",
    ]:
        assert _danish_in(old, patterns), old
    for typed in ["Ring til caféen om torsdag", "Jens Lund", "Strikkecaféen Nord"]:
        assert _danish_in(typed, patterns) is None, typed


@pytest.fixture(autouse=True)
def _postcodes():
    load_postcodes()


def _run_the_main_flows():
    team = bridge_team(name="Brobyggerne")
    builder = UserFactory(bridge_builder=True, team=team, lead=True)
    coordinator = UserFactory(coordinator=True)

    # Referral → case: assigned, contacted, network, consent, the referrer's details used.
    referral = make_referral(team=team, first_name="Inger", last_name="Madsen").referral
    case = services.case_assign(case=referral.case, assignee=builder, actor=builder)
    services.contact_record(case=case, kind="phone", actor=builder)
    person = services.network_person_add(
        case=case, kind="neighbour", name="Jens Lund", closeness=2, actor=builder
    )
    services.network_person_remove(case=case, person=person, actor=builder)
    consent = services.consent_give(
        citizen=case.citizen,
        purpose=ConsentPurpose.COMPANION,
        method=ConsentMethod.VERBAL,
        actor=builder,
        case=case,
    )
    services.consent_withdraw(consent=consent, actor=builder)
    services.referral_details_use(referral=referral, fields=["phone", "address"], actor=builder)

    # Screening: a red colour's next step; a second screening replaces it.
    screen(citizen=case.citizen, by=builder, answers=(3, 3, 3))
    screen(citizen=case.citizen, by=builder, answers=(2, 2, 2))

    # Matches: an offer all the way, with a missed session; a volunteer who says no; one the
    # citizen does not come to; the end.
    offer = make_offer(title="Strikkecaféen Nord")
    match = match_propose(case=case, offer=offer, actor=builder)
    match_respond(match=match, confirmed=True, actor=coordinator)
    match_accept(match=match, actor=builder)
    match_plan_first_meeting(match=match, at=timezone.now() + timedelta(hours=1), actor=builder)
    match = match_record_first_meeting(match=match, came=True, actor=builder)
    session_record_attendance(
        offer=offer,
        on=last_session_day(),
        attended={match.pk: False},
        actor=coordinator,
    )
    declining = match_propose(case=case, volunteer=make_volunteer(), actor=builder)
    match_respond(match=declining, confirmed=False, note="Har ikke tid", actor=builder)
    missed = match_propose(case=case, volunteer=make_volunteer(), actor=builder)
    match_accept(match=missed, actor=builder)
    match_plan_first_meeting(match=missed, at=timezone.now(), actor=builder)
    match_record_first_meeting(match=missed, came=False, actor=builder)
    match_end(match=missed, reason=MatchEndReason.NO_SHOW, actor=builder)

    # The plan, tasks by hand, and the plan's re-screening fulfilled by a screening.
    step = services.plan_step_add(
        case=case, description="Ring til caféen om torsdag", responsible="Bent", actor=builder
    )
    services.plan_step_complete(step=step, actor=builder)
    by_hand = task_create_by_hand(
        actor=builder,
        citizen=case.citizen,
        case=case,
        assignee=None,
        kind=TaskKind.CALL_CITIZEN,
        due=timezone.localdate(),
    )
    task_complete(task=by_hand, actor=builder, outcome="Hun kommer torsdag")
    for task in Task.objects.filter(kind=TaskKind.CHECK_FIRST_MEETING, done_at__isnull=True):
        task_complete(task=task, actor=builder)
    screen(citizen=case.citizen, by=builder, answers=(1, 1, 1))

    # Home care gives "screen this week" to one worker, then to another.
    home_team = TeamFactory(home_care=True)
    first, second = (UserFactory(home_care=True, team=home_team) for _ in range(2))
    visited = home_care_citizen(team=home_team)
    rescreen_assign(citizen=visited, team=home_team, assignee=first, actor=first)
    rescreen_assign(citizen=visited, team=home_team, assignee=second, actor=first)

    # Two records of one person, merged; the case closed.
    earlier = make_referral(team=team, first_name="Åse", last_name="Berg").referral
    services.case_close(case=earlier.case, reason=CloseReason.MOVED, actor=builder)
    make_referral(
        team=team, first_name="Åse", last_name="Berg", birth_date=earlier.citizen.birth_date
    )
    citizen_merge(duplicate=PossibleDuplicate.objects.get(), actor=builder)
    services.case_close(
        case=case, reason=CloseReason.LASTING_COMMUNITY, actor=builder, close_anyway=True
    )


def test_no_service_writes_danish_prose_into_the_timeline_or_the_tasks():
    with translation.override("da"):
        _run_the_main_flows()
    patterns = _danish_patterns()

    written = []
    for event in CaseEvent.objects.all():
        written += [(f"event {event.kind}.detail", event.detail)]
        written += [(f"event {event.kind}.data", s) for s in _strings(event.data)]
    for task in Task.objects.all():
        written += [(f"task {task.kind}.title", task.title)]
        written += [(f"task {task.kind}.outcome", task.outcome)]
        written += [(f"task {task.kind}.data", s) for s in _strings(task.data)]
    # The flows did write what this test reads.
    kinds = set(CaseEvent.objects.values_list("kind", flat=True))
    assert {"network", "plan", "consent", "identity", "screening", "match"} <= kinds
    assert Task.objects.filter(kind=TaskKind.AFTER_MISSED_SESSION).count() == 2
    assert Task.objects.exclude(outcome="").exists()

    danish = [
        (where, value, pattern)
        for where, value in written
        if value and (pattern := _danish_in(value, patterns))
    ]
    assert danish == []
