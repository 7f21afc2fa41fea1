"""Erasure and retention: personal data and free text go, the statistics' rows stay."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from audit.constants import AuditAction
from audit.models import AuditEvent
from core.personal_data import sections
from followups.models import Task
from followups.services import task_create
from privacy.constants import AnonymisationKind
from privacy.models import AnonymisationRecord
from privacy.selectors import citizen_export, citizen_export_json, months_before
from privacy.selectors import retention_candidates as candidates
from privacy.services import citizen_erase, retention_anonymise_due
from privacy.tasks import retention_anonymise
from referrals.models import (
    CaseEvent,
    CaseNote,
    Citizen,
    ConsentRecord,
    Contact,
    NetworkPerson,
    PlanStep,
    Referral,
    ReferralFeedback,
)
from referrals.services import consent_withdraw, referral_create
from screening.models import Screening
from tests.privacy.conftest import close_long_ago
from tests.referrals.factories import citizen_data, make_referral
from tests.screening.factories import screen

pytestmark = pytest.mark.django_db

PERSONAL_VALUES = [
    "Gudrun",
    "Særnavn",
    "22 33 44 55",
    "gudrun@example.invalid",
    "Bodil",
    "Hemmelig note",
    "Græd under samtalen",
    "Besøgsven Karen",
    "konens død",
]


def _everything_as_text(citizen) -> str:
    return citizen_export_json(citizen=Citizen.objects.get(pk=citizen.pk))


def test_every_section_is_registered_in_the_order_an_access_request_reads():
    keys = [s.key for s in sections()]
    assert keys == [
        "citizen",
        "consents",
        "cases",
        "referrals",
        "medcom_messages",
        "medcom_replies",
        "contacts",
        "notes",
        "network",
        "plan",
        "screenings",
        "home_help_hours",
        "quality_checks",
        "triage_states",
        "matches",
        "match_profile",
        "offer_waiting_list",
        "volunteer_requests",
        "unmet_needs",
        "contact_agreements",
        "contact_log",
        "tasks",
        "audit_trail",
    ]


def test_the_export_holds_everything_about_the_citizen(full_case):
    exported = {s.key: s for s in citizen_export(citizen=full_case.citizen)}
    text = _everything_as_text(full_case.citizen)
    for value in PERSONAL_VALUES:
        assert value in text, value
    assert exported["notes"].rows[0][2] == "Hemmelig note om Gudrun."
    assert exported["screenings"].data[0]["score"] == 8
    assert exported["citizen"].data[0]["has_cpr"] is True
    assert "0101501234" not in text and "010150-1234" not in text  # never the CPR number itself
    assert exported["audit_trail"].rows  # who created and read the record
    document = json.loads(text)
    assert set(document["sections"]) == {s.key for s in sections()}


def test_erasure_removes_personal_data_and_free_text_and_keeps_the_statistics(
    full_case, builder, admin_user
):
    citizen = full_case.citizen
    screening = Screening.objects.get(citizen=citizen)

    record = citizen_erase(citizen=citizen, reason="Borgerens brev af 3. marts", actor=admin_user)

    citizen.refresh_from_db()
    assert citizen.anonymised_at is not None
    assert citizen.full_name == "Anonymiseret borger"
    assert (citizen.first_name, citizen.last_name, citizen.phone, citizen.email) == ("",) * 4
    assert citizen.cpr_hash is None and citizen.cpr_encrypted == ""
    assert citizen.birth_date == date(1950, 7, 1)  # the year stays, for age bands
    assert citizen.postcode == "5000"  # the district stays
    text = _everything_as_text(citizen)
    for value in PERSONAL_VALUES:
        assert value not in text, value

    # The open case is closed as declined; its dates and source stay for the statistics.
    case = citizen.cases.get()
    assert case.status == "closed" and case.close_reason == "declined"
    assert case.first_contact_at is not None
    referral = Referral.objects.get(citizen=citizen)
    assert referral.source == "gp" and referral.reason == ""
    screening.refresh_from_db()
    assert (screening.score, screening.triage_code, screening.observations) == (8, "red", "")
    assert Contact.objects.filter(case=case, kind="phone", note="").exists()
    assert not CaseNote.objects.filter(case=case).exists()
    assert not NetworkPerson.objects.filter(citizen=citizen).exists()
    assert not PlanStep.objects.filter(case=case).exists()
    assert not CaseEvent.objects.filter(case=case).exclude(detail="").exists()
    assert ConsentRecord.objects.filter(citizen=citizen, recipient="").count() == 3

    assert record.kind == AnonymisationKind.ERASURE
    assert record.reason == "Borgerens brev af 3. marts"
    assert record.summary["notes"] == 1
    assert AuditEvent.objects.filter(
        action=AuditAction.ERASE, actor=admin_user, subject_id=citizen.pk
    ).exists()


def test_erasure_needs_a_reason_and_happens_once(full_case, admin_user):
    with pytest.raises(ValidationError) as error:
        citizen_erase(citizen=full_case.citizen, reason="  ", actor=admin_user)
    assert "reason" in error.value.message_dict
    assert Citizen.objects.get(pk=full_case.citizen_id).anonymised_at is None

    citizen_erase(citizen=full_case.citizen, reason="Anmodning", actor=admin_user)
    with pytest.raises(ValidationError):
        citizen_erase(citizen=full_case.citizen, reason="Igen", actor=admin_user)
    assert AnonymisationRecord.objects.count() == 1


def test_feedback_not_yet_sent_is_never_sent_about_an_erased_citizen(full_case, admin_user):
    citizen_erase(citizen=full_case.citizen, reason="Anmodning", actor=admin_user)
    # Closing the case queued feedback to the GP; the erasure marked it as not to be sent.
    feedback = ReferralFeedback.objects.get(referral__citizen=full_case.citizen)
    assert feedback.sent_at is None and feedback.skipped_at is not None


def test_a_new_referral_of_an_erased_person_makes_a_new_record(full_case, admin_user, team):
    citizen_erase(citizen=full_case.citizen, reason="Anmodning", actor=admin_user)
    again = make_referral(
        team=team, first_name="Gudrun", last_name="Særnavn", cpr="010150-1234", birth_date=None
    )
    assert again.referral.citizen_id != full_case.citizen_id
    assert not again.attached_to_existing


# --- Retention ----------------------------------------------------------------------------------


def test_months_before_keeps_the_day_or_takes_the_months_last():
    moment = timezone.make_aware(timezone.datetime(2026, 3, 31, 2, 30))
    assert months_before(moment, 1).date() == date(2026, 2, 28)
    assert months_before(moment, 12).date() == date(2025, 3, 31)
    assert months_before(moment, 15).date() == date(2024, 12, 31)


def test_a_case_closed_longer_ago_than_the_retention_period_is_anonymised(full_case, builder):
    close_long_ago(full_case, builder, months=13)
    assert list(candidates()) == [full_case.citizen]

    assert retention_anonymise_due() == 1

    citizen = Citizen.objects.get(pk=full_case.citizen_id)
    assert citizen.anonymised_at is not None
    assert citizen.anonymisation.kind == AnonymisationKind.RETENTION
    assert citizen.anonymisation.performed_by is None
    assert Screening.objects.get(citizen=citizen).score == 8
    assert AuditEvent.objects.filter(
        action=AuditAction.ANONYMISE, actor=None, subject_id=citizen.pk
    ).exists()


def test_the_retention_task_run_twice_anonymises_once(full_case, builder):
    close_long_ago(full_case, builder)
    assert retention_anonymise() == 1
    assert retention_anonymise() == 0
    assert AnonymisationRecord.objects.count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.ANONYMISE).count() == 1


def test_a_recently_closed_case_is_kept(full_case, builder):
    close_long_ago(full_case, builder, months=11)
    assert not candidates().exists()
    assert retention_anonymise_due() == 0


def test_the_retention_period_is_a_setting(full_case, builder, settings):
    close_long_ago(full_case, builder, months=7)
    assert not candidates().exists()
    settings.BROBYG_RETENTION_MONTHS = 6
    assert candidates().exists()


def test_a_citizen_with_another_open_case_is_kept(full_case, builder, team):
    close_long_ago(full_case, builder)
    referral_create(
        citizen=citizen_data(
            first_name="Gudrun", last_name="Særnavn", cpr="010150-1234", birth_date=None
        ),
        source="relative",
        reason="Igen alene",
        consent_given=True,
        consent_method="verbal",
        team=team,
    )
    assert full_case.citizen.cases.count() == 2
    assert not candidates().exists()


def test_a_recent_screening_keeps_the_citizen(full_case, builder):
    close_long_ago(full_case, builder)
    screen(citizen=full_case.citizen, by=builder)
    assert not candidates().exists()


def test_a_citizen_on_a_home_care_list_is_kept(full_case, builder, home_team):
    from referrals.services import citizen_set_home_care_team

    close_long_ago(full_case, builder)
    citizen_set_home_care_team(citizen=full_case.citizen, team=home_team, actor=None)
    assert not candidates().exists()


def test_an_open_task_keeps_the_citizen_and_done_tasks_stay_without_text(full_case, builder):
    close_long_ago(full_case, builder)
    Task.objects.filter(citizen=full_case.citizen).delete()
    task = task_create(
        citizen=full_case.citizen,
        kind="call_citizen",
        title="Ring til Gudrun",
        due=timezone.localdate(),
        assignee=builder,
        actor=builder,
    )
    assert not candidates().exists()

    Task.objects.filter(pk=task.pk).update(done_at=timezone.now(), outcome="Gudrun var glad")
    assert retention_anonymise_due() == 1
    task.refresh_from_db()
    assert (task.title, task.outcome, task.kind) == ("", "", "call_citizen")


def test_a_citizen_who_was_never_referred_is_not_a_retention_candidate(builder, home_team):
    from tests.screening.factories import home_care_citizen

    citizen = home_care_citizen(team=home_team)
    Citizen.objects.filter(pk=citizen.pk).update(home_care_team=None)
    assert not candidates().exists()


def test_the_dry_run_command_lists_and_changes_nothing(full_case, builder, capsys):
    close_long_ago(full_case, builder)
    call_command("retention_report")
    out = capsys.readouterr().out
    assert str(full_case.citizen_id)[:8].upper() in out
    assert "Gudrun" not in out
    assert Citizen.objects.get(pk=full_case.citizen_id).anonymised_at is None

    call_command("retention_report", "--apply")
    assert Citizen.objects.get(pk=full_case.citizen_id).anonymised_at is not None


def test_withdrawn_consent_stops_feedback_that_was_due(full_case, builder):
    """Withdrawn consent stops sharing at once: queued feedback is not sent."""
    from django.core import mail

    from referrals.services import case_change_status, referral_feedback_deliver

    case = full_case
    case_change_status(case=case, status="screening", actor=builder)
    case_change_status(case=case, status="matching", actor=builder)
    feedback = ReferralFeedback.objects.get(referral__case=case, event="matching")
    consent = ConsentRecord.objects.get(citizen=case.citizen, purpose="referrer_feedback")
    consent_withdraw(consent=consent, actor=builder)
    mail.outbox.clear()

    assert referral_feedback_deliver(feedback_id=feedback.pk) is False
    assert mail.outbox == []
    feedback.refresh_from_db()
    assert feedback.skipped_at is not None
    assert timezone.now() - feedback.skipped_at < timedelta(minutes=1)
