"""The lines and tasks written as sentences before are read back into data, from English and from
Danish; what cannot be read is kept as it was written."""

import importlib
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from followups.constants import TaskKind
from followups.models import Task
from matching.services import (
    match_accept,
    match_plan_first_meeting,
    match_propose,
    match_record_first_meeting,
    session_record_attendance,
)
from referrals.models import CaseEvent
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import last_session_day, load_postcodes, make_offer

events = importlib.import_module("referrals.migrations.0008_caseevent_data")
tasks = importlib.import_module("followups.migrations.0005_task_data")

EVENTS_BEFORE = ("referrals", "0007_fold_names_and_feedback_per_referral")
TASKS_BEFORE = ("followups", "0004_task_match")


@pytest.mark.parametrize(
    ("kind", "english", "danish", "data", "detail"),
    [
        ("consent", "withdrawn", "trukket tilbage", {"action": "consent_withdrawn"}, ""),
        (
            "network",
            "Neighbour: Jens Lund",
            "Nabo: Jens Lund",
            {"action": "network_added", "network_kind": "neighbour", "name": "Jens Lund"},
            "",
        ),
        (
            "network",
            "removed: Jens Lund",
            "fjernet: Jens Lund",
            {"action": "network_removed", "name": "Jens Lund"},
            "",
        ),
        (
            "plan",
            "done: Ring til caféen",
            "udført: Ring til caféen",
            {"action": "plan_step_done"},
            "Ring til caféen",
        ),
        (
            "identity",
            "phone, town",
            "telefon, by",
            {"action": "details_used", "fields": ["phone", "city"]},
            "",
        ),
        (
            "identity",
            "merged with the record made on 05.03.2026",
            "samlet med registreringen fra 05.03.2026",
            {"action": "records_merged", "made_on": "2026-03-05"},
            "",
        ),
        (
            "screening",
            "UCLA-3 score 7 · Rød",
            "UCLA-3-score 7 · Rød",
            {"score": 7, "triage_label": "Rød"},
            "",
        ),
        ("screening", "UCLA-3 score 4", "UCLA-3-score 4", {"score": 4}, ""),
        (
            "match",
            "Proposed: Gåklubben (Nord)",
            "Foreslået: Gåklubben (Nord)",
            {"action": "match_proposed", "provider": "Gåklubben (Nord)"},
            "",
        ),
        (
            "match",
            "The citizen said yes to Ruth Holm",
            "Borgeren sagde ja til Ruth Holm",
            {"action": "match_accepted", "provider": "Ruth Holm"},
            "",
        ),
        (
            "match",
            "Ruth Holm confirmed the request",
            "Ruth Holm bekræftede forespørgslen",
            {"action": "match_confirmed", "provider": "Ruth Holm"},
            "",
        ),
        (
            "match",
            "Ruth Holm declined the request",
            "Ruth Holm afviste forespørgslen",
            {"action": "match_declined", "provider": "Ruth Holm"},
            "",
        ),
        (
            "match",
            "First meeting held: Koret",
            "Første møde holdt: Koret",
            {"action": "first_meeting_held", "provider": "Koret"},
            "",
        ),
        (
            "match",
            "The citizen did not come to the first meeting: Koret",
            "Borgeren kom ikke til det første møde: Koret",
            {"action": "first_meeting_missed", "provider": "Koret"},
            "",
        ),
        (
            "match",
            "Ended: Koret (Not a good fit)",
            "Afsluttet: Koret (Passede ikke godt)",
            {"action": "match_ended", "provider": "Koret", "reason": "not_a_fit"},
            "",
        ),
    ],
)
def test_a_timeline_line_in_english_or_danish_becomes_data(kind, english, danish, data, detail):
    assert events.event_data_from_text(kind, english) == (data, detail)
    assert events.event_data_from_text(kind, danish) == (data, detail)


def test_a_first_meeting_line_keeps_its_moment_in_either_language():
    with timezone.override("Europe/Copenhagen"):
        english, _ = events.event_data_from_text(
            "match", "First meeting with Koret: 03/05/2026 2:30 p.m."
        )
        danish, _ = events.event_data_from_text("match", "Første møde med Koret: 05.03.2026 14:30")
        noon, _ = events.event_data_from_text("match", "First meeting with Koret: 03/05/2026 noon")

    assert english == danish
    assert english["provider"] == "Koret"
    assert english["at"] == "2026-03-05T14:30:00+01:00"
    assert noon["at"] == "2026-03-05T12:00:00+01:00"


@pytest.mark.parametrize(
    ("kind", "detail"),
    [
        ("plan", "Følg Inger til koret"),  # a step a person wrote
        ("network", "Naboen: Jens"),  # no kind of network by that name
        ("identity", "telefon, skostørrelse"),
        ("match", "Ended: Koret (by the river)"),  # no reason by that name
        ("match", "Noget helt andet"),
        ("consent", "mundtligt"),
    ],
)
def test_a_line_that_cannot_be_read_is_kept_as_it_was_written(kind, detail):
    data, kept = events.event_data_from_text(kind, detail)
    assert kept == detail
    assert data in ({}, {"action": "plan_step_added"})


@pytest.mark.parametrize(
    ("kind", "title", "data"),
    [
        (
            "check_first_meeting",
            "Hear how the first meeting with Koret went",
            {"origin": "first_meeting_check", "provider": "Koret"},
        ),
        (
            "check_first_meeting",
            "Hør, hvordan det første møde med Koret gik",
            {"origin": "first_meeting_check", "provider": "Koret"},
        ),
        (
            "check_first_meeting",
            "Follow up on the first meeting: did the citizen go, and do they want to continue?",
            {"origin": "plan_first_check"},
        ),
        (
            "check_first_meeting",
            "Følg op på det første møde: kom borgeren, og vil borgeren fortsætte?",
            {"origin": "plan_first_check"},
        ),
        (
            "call_citizen",
            "Følg op: kommer borgeren stadig, og hvordan går det?",
            {"origin": "plan_second_check"},
        ),
        (
            "rescreen",
            "Sidste opfølgning: screen igen med UCLA-3, og tal om, hvordan borgeren kommer videre.",
            {"origin": "plan_rescreen"},
        ),
        ("rescreen", "Screen the citizen this week", {"origin": "rescreen_this_week"}),
        ("rescreen", "Screen borgeren i denne uge", {"origin": "rescreen_this_week"}),
        (
            "after_missed_session",
            "Ring og hør, hvordan det går (udeblev fra første møde: Ruth Holm)",
            {"origin": "missed_first_meeting", "provider": "Ruth Holm"},
        ),
        (
            "after_missed_session",
            "Call and hear how it is going (Strikkecaféen, Nord, 03/05/2026)",
            {"origin": "missed_session", "offer": "Strikkecaféen, Nord", "date": "2026-03-05"},
        ),
        (
            "after_missed_session",
            "Ring og hør, hvordan det går (Strikkecaféen, Nord, 05.03.2026)",
            {"origin": "missed_session", "offer": "Strikkecaféen, Nord", "date": "2026-03-05"},
        ),
        ("call_citizen", "Ring til borgeren", {}),
        ("call_citizen", "Call the citizen", {}),
    ],
)
def test_a_task_heading_in_english_or_danish_becomes_data(kind, title, data):
    assert tasks.task_data_from_text(kind, title, "") == (data, "", "")


def test_a_task_outcome_in_english_or_danish_becomes_data_and_a_persons_words_stay():
    assert tasks.task_data_from_text("rescreen", "Ring om gåturen", "Screenet.") == (
        {"outcome": "screened"},
        "Ring om gåturen",
        "",
    )
    assert tasks.task_data_from_text("triage_next_step", "Tilbyd en henvisning", "x") == (
        {},
        "Tilbyd en henvisning",
        "x",
    )
    for outcome in ("Replaced by a newer screening.", "Erstattet af en nyere screening."):
        data, _title, kept = tasks.task_data_from_text("triage_next_step", "", outcome)
        assert (data, kept) == ({"outcome": "replaced_by_newer_screening"}, "")
    # A title of the wrong kind is a person's words.
    assert tasks.task_data_from_text("other", "Screen borgeren i denne uge", "") == (
        {},
        "Screen borgeren i denne uge",
        "",
    )


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_reads_old_rows_and_a_missed_session_is_not_called_twice():
    # given a case with a match on an offer, at today's schema
    load_postcodes()
    builder, coordinator = UserFactory(bridge_builder=True), UserFactory(coordinator=True)
    offer = make_offer(title="Strikkecaféen Nord")
    case = make_referral().referral.case
    match = match_propose(case=case, offer=offer, actor=builder)
    match_accept(match=match, actor=builder)
    match_plan_first_meeting(match=match, at=timezone.now(), actor=builder)
    match = match_record_first_meeting(match=match, came=True, actor=builder)
    day = last_session_day()
    # The session as the old code left it: recorded, with its call made (below, as it wrote it).
    session = session_record_attendance(
        offer=offer, on=day, attended={match.pk: True}, actor=coordinator
    )
    CaseEvent.objects.filter(case=case).delete()
    Task.objects.filter(case=case).delete()
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        # when rows written by the old code, in Danish and English, are migrated
        old = _migrate([EVENTS_BEFORE, TASKS_BEFORE])
        OldEvent = old.get_model("referrals", "CaseEvent")
        OldTask = old.get_model("followups", "Task")
        for kind, detail in [
            ("network", "Nabo: Jens Lund"),
            ("match", "Proposed: Strikkecaféen Nord"),
            ("plan", "Følg Inger til koret"),
            ("consent", "noget uventet"),
        ]:
            OldEvent.objects.create(case_id=case.pk, kind=kind, detail=detail)
        OldTask.objects.create(
            citizen_id=case.citizen_id,
            case_id=case.pk,
            match_id=match.pk,
            kind="after_missed_session",
            title=f"Ring og hør, hvordan det går (Strikkecaféen Nord, {day:%d.%m.%Y})",
            due=date.today(),
            done_at=timezone.now(),
            outcome="Hun var syg",
        )
        OldTask.objects.create(
            citizen_id=case.citizen_id,
            case_id=case.pk,
            kind="rescreen",
            title="Screen the citizen this week",
            due=date.today(),
            done_at=timezone.now(),
            outcome="Givet til en anden.",
        )
    finally:
        _migrate(latest)

    # then each reads in the reader's language, and a person's words stay
    lines = {e.detail or e.data.get("action"): e for e in CaseEvent.objects.filter(case=case)}
    with translation.override("en"):
        assert lines["network_added"].text == "Neighbour: Jens Lund"
        assert lines["match_proposed"].text == "Proposed: Strikkecaféen Nord"
        assert lines["Følg Inger til koret"].text == "Følg Inger til koret"
        assert lines["noget uventet"].data == {}
        rescreen = Task.objects.get(kind=TaskKind.RESCREEN)
        assert (rescreen.heading, rescreen.outcome_text) == (
            "Screen the citizen this week",
            "Given to someone else.",
        )
    missed = Task.objects.get(kind=TaskKind.AFTER_MISSED_SESSION)
    assert missed.data["session"] == str(session.pk)
    assert (missed.title, missed.outcome) == ("", "Hun var syg")

    # and recording that session again, in English, makes no second call
    with translation.override("en"):
        session_record_attendance(
            offer=offer, on=day, attended={match.pk: False}, actor=coordinator
        )
    assert Task.objects.filter(kind=TaskKind.AFTER_MISSED_SESSION).count() == 1
