from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.constants import Role
from audit.constants import AuditAction
from audit.models import AuditEvent
from referrals import services
from referrals.constants import (
    CaseEventKind,
    CaseStatus,
    CloseReason,
    ConsentPurpose,
)
from referrals.cpr import cpr_decrypt
from referrals.models import (
    Case,
    Citizen,
    ConsentRecord,
    PossibleDuplicate,
    Referral,
    ReferralFeedback,
)
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team, citizen_data, make_referral

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    return bridge_team(name="Brobyggerne")


@pytest.fixture
def builder(team):
    return UserFactory(bridge_builder=True, team=team)


def _counts():
    return (
        Citizen.objects.count(),
        Case.objects.count(),
        Referral.objects.count(),
        ConsentRecord.objects.count(),
    )


# --- Referral intake ----------------------------------------------------------------------------


def test_a_referral_creates_citizen_case_consent_timeline_and_audit(team):
    gp = UserFactory(referrer=True, first_name="Lars", last_name="Læge")

    result = make_referral(team=team, referrer=gp, cpr="010150-1234", birth_date=date(1950, 1, 1))

    referral = result.referral
    assert not result.attached_to_existing
    assert referral.case.status == CaseStatus.RECEIVED
    assert referral.case.team == team
    assert referral.referrer_name == "Lars Læge"
    assert referral.consent.purpose == ConsentPurpose.REFERRAL
    assert referral.consent.recorded_by == gp
    citizen = referral.citizen
    assert cpr_decrypt(citizen.cpr_encrypted) == "0101501234"
    assert "0101501234" not in citizen.cpr_hash
    assert list(referral.case.events.values_list("kind", flat=True)) == [CaseEventKind.REFERRAL]
    audited = set(
        AuditEvent.objects.filter(actor=gp, action=AuditAction.CREATE).values_list(
            "content_type__model", flat=True
        )
    )
    assert {"citizen", "case", "referral", "consentrecord"} <= audited
    assert AuditEvent.objects.filter(subject_id=citizen.pk).exists()


def test_without_consent_nothing_is_saved(team):
    before = _counts()
    with pytest.raises(ValidationError) as excinfo:
        services.referral_create(
            citizen=citizen_data(),
            source="gp",
            reason="Alene",
            consent_given=False,
            consent_method="verbal",
            team=team,
        )
    assert "consent" in excinfo.value.message_dict
    assert _counts() == before


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"cpr": "310250-1234"}, "cpr"),
        ({"cpr": "010150-1234", "birth_date": date(1951, 1, 1)}, "birth_date"),
        ({"postcode": "50000"}, "postcode"),
        ({"email": "not-an-address"}, "email"),
        ({"first_name": ""}, "first_name"),
        ({"birth_date": date.today() + timedelta(days=2)}, "birth_date"),
    ],
)
def test_bad_citizen_data_is_refused_by_field_and_nothing_is_saved(team, overrides, field):
    before = _counts()
    with pytest.raises(ValidationError) as excinfo:
        make_referral(team=team, **overrides)
    assert field in excinfo.value.message_dict
    assert _counts() == before


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"source": "postman"}, "source"),
        ({"reason": "  "}, "reason"),
        ({"life_transitions": ["lottery_win"]}, "life_transitions"),
        ({"urgency": "yesterday"}, "urgency"),
    ],
)
def test_bad_referral_data_is_refused_by_field(team, kwargs, field):
    arguments = {
        "citizen": citizen_data(),
        "source": "gp",
        "reason": "Alene",
        "consent_given": True,
        "consent_method": "verbal",
        "team": team,
        **kwargs,
    }
    with pytest.raises(ValidationError) as excinfo:
        services.referral_create(**arguments)
    assert field in excinfo.value.message_dict
    assert not Referral.objects.exists()


def test_a_referral_needs_a_bridge_builders_team_to_land_with():
    with pytest.raises(ValidationError) as excinfo:
        services.referral_create(
            citizen=citizen_data(),
            source="self",
            reason="Alene",
            consent_given=True,
            consent_method="digital",
        )
    assert "team" in excinfo.value.message_dict


def test_the_same_cpr_number_is_the_same_citizen_and_the_case_is_shared(team):
    first = make_referral(team=team, cpr="010150-1234", birth_date=date(1950, 1, 1))
    second = make_referral(
        team=team, cpr="0101501234", first_name="Anders", birth_date=date(1950, 1, 1)
    )
    assert second.attached_to_existing
    assert second.referral.citizen == first.referral.citizen
    assert second.referral.case == first.referral.case
    assert Citizen.objects.count() == 1
    assert Case.objects.count() == 1


def test_the_same_name_and_birth_date_is_only_a_possible_duplicate_never_a_silent_merge(team):
    first = make_referral(team=team, first_name="Åse", last_name="Hansen", phone="")
    second = make_referral(
        team=team,
        first_name="åse ",
        last_name=" HANSEN",
        birth_date=first.referral.citizen.birth_date,
        phone="+45 11 22 33 44",
    )
    assert not second.attached_to_existing
    assert Citizen.objects.count() == 2
    pair = PossibleDuplicate.objects.get()
    assert (pair.citizen, pair.other) == (second.referral.citizen, first.referral.citizen)
    # The earlier record is never written to by the later referral.
    first.referral.citizen.refresh_from_db()
    assert first.referral.citizen.phone == ""


def test_a_new_referral_after_a_closed_case_opens_a_new_case(team, builder):
    first = make_referral(team=team, cpr="010150-1234", birth_date=date(1950, 1, 1))
    services.case_close(case=first.referral.case, reason=CloseReason.MOVED, actor=builder)
    citizen = first.referral.citizen

    second = make_referral(team=team, cpr="010150-1234", birth_date=date(1950, 1, 1))

    assert second.attached_to_existing
    assert second.referral.case != first.referral.case
    assert citizen.cases.count() == 2


def test_the_database_allows_only_one_open_case_per_citizen(team):
    case = make_referral(team=team).referral.case
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.create(citizen=case.citizen, team=team)


def test_the_database_refuses_a_closed_case_without_a_reason(team):
    case = make_referral(team=team).referral.case
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED, closed_at=timezone.now())


# --- The case's path ----------------------------------------------------------------------------

ALLOWED = [
    (CaseStatus.RECEIVED, CaseStatus.CONTACTED),
    (CaseStatus.CONTACTED, CaseStatus.SCREENING),
    (CaseStatus.SCREENING, CaseStatus.MATCHING),
    (CaseStatus.MATCHING, CaseStatus.FOLLOWING_UP),
    (CaseStatus.MATCHING, CaseStatus.SCREENING),
    (CaseStatus.FOLLOWING_UP, CaseStatus.MATCHING),
]
REFUSED = [
    (CaseStatus.RECEIVED, CaseStatus.SCREENING),
    (CaseStatus.RECEIVED, CaseStatus.MATCHING),
    (CaseStatus.CONTACTED, CaseStatus.RECEIVED),
    (CaseStatus.SCREENING, CaseStatus.FOLLOWING_UP),
    (CaseStatus.FOLLOWING_UP, CaseStatus.RECEIVED),
]
ROUTE = [CaseStatus.CONTACTED, CaseStatus.SCREENING, CaseStatus.MATCHING, CaseStatus.FOLLOWING_UP]


def _case_at(status, *, team, builder):
    case = make_referral(team=team).referral.case
    for step in ROUTE[: ROUTE.index(status) + 1] if status in ROUTE else []:
        case = services.case_change_status(case=case, status=step, actor=builder)
    return case


@pytest.mark.parametrize(("start", "end"), ALLOWED)
def test_every_allowed_step_is_audited_and_on_the_timeline(team, builder, start, end):
    case = _case_at(start, team=team, builder=builder)
    before = timezone.now()

    case = services.case_change_status(case=case, status=end, actor=builder)

    case.refresh_from_db()
    assert case.status == end
    assert case.status_changed_at >= before
    event = case.events.filter(kind=CaseEventKind.STATUS).order_by("-created_at").first()
    assert (event.status_from, event.status_to, event.actor) == (start, end, builder)
    assert AuditEvent.objects.filter(
        object_id=str(case.pk), action=AuditAction.UPDATE, fields=["status"], actor=builder
    ).exists()


@pytest.mark.parametrize(("start", "end"), REFUSED)
def test_every_other_step_is_refused_and_changes_nothing(team, builder, start, end):
    case = _case_at(start, team=team, builder=builder)
    with pytest.raises(ValidationError) as excinfo:
        services.case_change_status(case=case, status=end, actor=builder)
    assert "status" in excinfo.value.message_dict
    case.refresh_from_db()
    assert case.status == start


def test_closing_is_not_a_plain_status_change(team, builder):
    case = _case_at(CaseStatus.CONTACTED, team=team, builder=builder)
    with pytest.raises(ValidationError):
        services.case_change_status(case=case, status=CaseStatus.CLOSED, actor=builder)


@pytest.mark.parametrize("start", [CaseStatus.RECEIVED, *ROUTE])
def test_a_case_can_be_closed_from_every_open_status(team, builder, start):
    case = _case_at(start, team=team, builder=builder)
    services.case_assign(case=case, assignee=builder, actor=builder)

    case = services.case_close(
        case=case, reason=CloseReason.LASTING_COMMUNITY, actor=builder, close_anyway=True
    )

    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert case.closed_at is not None
    assert case.close_reason == CloseReason.LASTING_COMMUNITY
    # Closing ends the bridge-builder's role: the case leaves their caseload.
    from referrals.selectors import caseload

    assert case not in caseload(user=builder)


def test_closing_needs_a_reason_and_other_help_needs_where_to(team, builder):
    case = make_referral(team=team).referral.case
    with pytest.raises(ValidationError) as excinfo:
        services.case_close(case=case, reason="", actor=builder)
    assert "reason" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        services.case_close(case=case, reason=CloseReason.OTHER_HELP, actor=builder, note=" ")
    assert "note" in excinfo.value.message_dict
    services.case_close(
        case=case, reason=CloseReason.OTHER_HELP, actor=builder, note="Psykolog via egen læge"
    )
    case.refresh_from_db()
    assert case.close_note == "Psykolog via egen læge"


def test_a_closed_case_cannot_be_closed_again_or_moved(team, builder):
    case = make_referral(team=team).referral.case
    services.case_close(case=case, reason=CloseReason.DECLINED, actor=builder)
    with pytest.raises(ValidationError):
        services.case_close(case=case, reason=CloseReason.DECLINED, actor=builder)
    with pytest.raises(ValidationError):
        services.case_change_status(case=case, status=CaseStatus.CONTACTED, actor=builder)


# --- Assignment ---------------------------------------------------------------------------------


def test_assign_and_reassign_within_the_team(team, builder):
    colleague = UserFactory(bridge_builder=True, team=team)
    case = make_referral(team=team).referral.case

    services.case_assign(case=case, assignee=builder, actor=builder)
    services.case_assign(case=case, assignee=colleague, actor=builder)
    services.case_assign(case=case, assignee=None, actor=builder)

    case.refresh_from_db()
    assert case.assignee is None
    assert list(
        case.events.filter(kind=CaseEventKind.ASSIGNMENT)
        .order_by("created_at")
        .values_list("assignee", flat=True)
    ) == [builder.pk, colleague.pk, None]


@pytest.mark.parametrize("who", ["other_team", "home_care", "inactive"])
def test_only_an_active_bridge_builder_on_the_team_can_take_a_case(team, builder, who):
    other = {
        "other_team": lambda: UserFactory(bridge_builder=True, team=bridge_team()),
        "home_care": lambda: UserFactory(role=Role.HOME_CARE, team=team),
        "inactive": lambda: UserFactory(bridge_builder=True, team=team, is_active=False),
    }[who]()
    case = make_referral(team=team).referral.case
    with pytest.raises(ValidationError) as excinfo:
        services.case_assign(case=case, assignee=other, actor=builder)
    assert "assignee" in excinfo.value.message_dict


# --- Contacts, notes, network, plan -------------------------------------------------------------


def test_the_first_contact_that_reaches_the_citizen_is_the_first_contact(team, builder):
    case = make_referral(team=team).referral.case

    services.contact_record(case=case, kind="phone", reached=False, actor=builder)
    case.refresh_from_db()
    assert case.first_contact_at is None
    assert case.status == CaseStatus.RECEIVED

    contact = services.contact_record(case=case, kind="phone", actor=builder, note="God snak")
    case.refresh_from_db()
    assert case.first_contact_at == contact.occurred_at
    assert case.status == CaseStatus.CONTACTED

    services.contact_record(case=case, kind="home_visit", actor=builder)
    case.refresh_from_db()
    assert case.first_contact_at == contact.occurred_at


def test_a_contact_in_the_future_or_before_the_referral_is_refused(team, builder):
    case = make_referral(team=team).referral.case
    with pytest.raises(ValidationError) as excinfo:
        services.contact_record(
            case=case, kind="phone", actor=builder, occurred_at=timezone.now() + timedelta(days=1)
        )
    assert "occurred_at" in excinfo.value.message_dict
    with pytest.raises(ValidationError):
        services.contact_record(
            case=case, kind="phone", actor=builder, occurred_at=timezone.now() - timedelta(days=9)
        )
    with pytest.raises(ValidationError):
        services.contact_record(case=case, kind="carrier pigeon", actor=builder)


def test_notes_network_and_plan_are_recorded_on_the_timeline(team, builder):
    case = make_referral(team=team).referral.case

    services.note_add(case=case, text="Kan lide kortspil", actor=builder)
    person = services.network_person_add(
        case=case, kind="family", name="Datter", closeness=3, actor=builder
    )
    step = services.plan_step_add(
        case=case,
        description="Ring til kortklubben",
        responsible="Borgeren",
        due_date=timezone.localdate() + timedelta(days=7),
        actor=builder,
    )
    services.plan_step_complete(step=step, actor=builder)
    services.plan_step_complete(step=step, actor=builder)  # twice is harmless
    services.network_person_remove(case=case, person=person, actor=builder)

    kinds = list(case.events.order_by("created_at").values_list("kind", flat=True))
    assert kinds == ["referral", "note", "network", "plan", "plan", "network"]
    step.refresh_from_db()
    assert step.done_at is not None
    assert not case.citizen.network.exists()


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c, u: services.note_add(case=c, text="  ", actor=u), "text"),
        (
            lambda c, u: services.network_person_add(
                case=c, kind="cousin", name="X", closeness=2, actor=u
            ),
            "kind",
        ),
        (
            lambda c, u: services.network_person_add(
                case=c, kind="friend", name=" ", closeness=2, actor=u
            ),
            "name",
        ),
        (
            lambda c, u: services.plan_step_add(
                case=c, description="", responsible="Borgeren", actor=u
            ),
            "description",
        ),
        (
            lambda c, u: services.plan_step_add(
                case=c,
                description="Ring",
                responsible="Borgeren",
                due_date=date(2020, 1, 1),
                actor=u,
            ),
            "due_date",
        ),
    ],
)
def test_case_work_refuses_empty_or_impossible_input(team, builder, call, field):
    case = make_referral(team=team).referral.case
    events = case.events.count()
    with pytest.raises(ValidationError) as excinfo:
        call(case, builder)
    assert field in excinfo.value.message_dict
    assert case.events.count() == events


# --- Consent and the closed loop ----------------------------------------------------------------


def test_consent_is_withdrawn_once_and_kept_as_history(team, builder):
    referral = make_referral(team=team, feedback_consent=True).referral
    consent = referral.citizen.consents.get(purpose=ConsentPurpose.REFERRER_FEEDBACK)

    services.consent_withdraw(consent=consent, actor=builder)
    services.consent_withdraw(consent=consent, actor=builder)

    consent.refresh_from_db()
    assert consent.withdrawn_by == builder
    assert not services.consent_is_active(
        citizen_id=referral.citizen_id, purpose=ConsentPurpose.REFERRER_FEEDBACK
    )
    assert referral.case.events.filter(kind=CaseEventKind.CONSENT, consent=consent).count() == 1


def test_consent_to_share_names_who_it_is_shared_with(team, builder):
    citizen = make_referral(team=team).referral.citizen
    with pytest.raises(ValidationError) as excinfo:
        services.consent_give(
            citizen=citizen, purpose=ConsentPurpose.SHARE_VOLUNTEER, method="verbal", actor=builder
        )
    assert "recipient" in excinfo.value.message_dict


@pytest.fixture
def gp_referral(team):
    gp = UserFactory(referrer=True, email="laege@example.invalid", preferred_language="da")
    return make_referral(team=team, referrer=gp, feedback_consent=True).referral


def _run_feedback():
    return [
        services.referral_feedback_deliver(feedback_id=pk)
        for pk in ReferralFeedback.objects.values_list("pk", flat=True)
    ]


def test_the_referrer_is_told_once_when_matched_and_once_when_closed(
    gp_referral, builder, django_capture_on_commit_callbacks
):
    case = gp_referral.case
    with django_capture_on_commit_callbacks():
        for step in ROUTE[:3]:
            services.case_change_status(case=case, status=step, actor=builder)
        services.case_change_status(case=case, status=CaseStatus.SCREENING, actor=builder)
        services.case_change_status(case=case, status=CaseStatus.MATCHING, actor=builder)
        services.case_close(
            case=case, reason=CloseReason.LASTING_COMMUNITY, actor=builder, close_anyway=True
        )

    assert sorted(ReferralFeedback.objects.values_list("event", flat=True)) == [
        "closed",
        "matching",
    ]
    assert _run_feedback() == [True, True]
    assert _run_feedback() == [False, False]  # a second run sends nothing
    assert len(mail.outbox) == 2
    assert mail.outbox[0].to == ["laege@example.invalid"]
    body = "\n".join(m.body for m in mail.outbox)
    assert gp_referral.reference in body
    assert "I et varigt fællesskab" in body
    # The e-mail tells what happened, never the notes or the citizen's name.
    assert gp_referral.citizen.last_name not in body


def test_no_feedback_without_consent(team, builder):
    gp = UserFactory(referrer=True, email="laege@example.invalid")
    case = make_referral(team=team, referrer=gp, feedback_consent=False).referral.case
    services.case_close(case=case, reason=CloseReason.DECLINED, actor=builder)
    assert not ReferralFeedback.objects.exists()


def test_feedback_not_yet_sent_is_not_sent_after_consent_is_withdrawn(gp_referral, builder):
    services.case_close(case=gp_referral.case, reason=CloseReason.DECLINED, actor=builder)
    consent = gp_referral.citizen.consents.get(purpose=ConsentPurpose.REFERRER_FEEDBACK)
    services.consent_withdraw(consent=consent, actor=builder)

    assert _run_feedback() == [False]

    assert mail.outbox == []
    assert ReferralFeedback.objects.get().skipped_at is not None


def test_feedback_is_in_the_referrers_language(team, builder):
    gp = UserFactory(referrer=True, email="gp@example.invalid", preferred_language="en")
    case = make_referral(team=team, referrer=gp, feedback_consent=True).referral.case
    services.case_close(case=case, reason=CloseReason.MOVED, actor=builder)
    _run_feedback()
    assert "Your referral" in mail.outbox[0].body
    assert "Moved" in mail.outbox[0].body


def test_the_sweep_sends_feedback_that_was_never_queued(gp_referral, builder):
    from referrals.tasks import referral_feedback_sweep

    services.case_close(case=gp_referral.case, reason=CloseReason.DECLINED, actor=builder)
    ReferralFeedback.objects.update(created_at=timezone.now() - timedelta(minutes=30))

    assert referral_feedback_sweep() == 1
    assert referral_feedback_sweep() == 0
    assert len(mail.outbox) == 1
