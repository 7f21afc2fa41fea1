"""The reply to the GP's system when the case is matched or closed: only once a bridge-builder
has confirmed the referral with the citizen and the citizen agreed that the GP is told; fetched
by the municipality's MedCom gateway from the outbox, or downloaded by staff who may see the
case."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from accounts.constants import ApiScope, TeamKind
from audit.constants import AuditAction
from audit.models import AuditEvent
from medcom.models import MedComMessage, MedComReply
from medcom.parsing import parse_care_communication
from medcom.services import medcom_consent_confirm
from referrals.constants import CaseStatus, CloseReason, ConsentMethod, ConsentPurpose
from referrals.models import ConsentRecord, ReferralFeedback
from referrals.services import (
    case_assign,
    case_change_status,
    case_close,
    consent_withdraw,
    referral_create,
)
from tests.accounts.factories import TeamFactory, UserFactory
from tests.medcom.conftest import (
    FHIR_JSON,
    NEW,
    NEW_HEADER_ID,
    OUTBOX,
    gateway_client,
    load,
    resource,
    send,
)
from tests.medcom.fhir_checks import assert_care_communication_reply, resolve
from tests.referrals.factories import bridge_team, citizen_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def message(gateway, team, builder) -> MedComMessage:
    assert send(gateway, load(NEW)).status_code == 200
    message = MedComMessage.objects.select_related("referral__case").get()
    case_assign(case=message.referral.case, assignee=builder, actor=builder)
    return message


def _to_matching(case, actor):
    for status in (CaseStatus.CONTACTED, CaseStatus.SCREENING, CaseStatus.MATCHING):
        case_change_status(case=case, status=status, actor=actor)


def _outbox(client) -> dict:
    response = client.get(OUTBOX)
    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"].startswith(FHIR_JSON)
    body = response.json()
    assert body["resourceType"] == "Bundle" and body["type"] == "searchset"
    assert body["total"] >= len(body.get("entry", []))
    return body


def _replies(client) -> list[dict]:
    return [e["resource"] for e in _outbox(client).get("entry", [])]


def test_nothing_goes_back_before_a_bridge_builder_has_confirmed_with_the_citizen(
    message, builder, gateway
):
    _to_matching(message.referral.case, builder)
    case_close(
        case=message.referral.case,
        reason=CloseReason.LASTING_COMMUNITY,
        actor=builder,
        close_anyway=True,
    )

    assert not MedComReply.objects.exists()
    assert _replies(gateway) == []
    # Nor an e-mail: the gateway's account is no referrer's address.
    assert not ReferralFeedback.objects.exists()


def test_confirming_records_the_citizen_s_own_consent_and_the_gp_s_feedback(message, builder):
    referral = message.referral

    medcom_consent_confirm(
        message=message, method=ConsentMethod.VERBAL, feedback=True, actor=builder
    )

    message.refresh_from_db()
    referral.refresh_from_db()
    assert message.consent_confirmed_by == builder and message.consent_confirmed_at
    confirmed = ConsentRecord.objects.get(
        citizen=referral.citizen, purpose=ConsentPurpose.REFERRAL, method=ConsentMethod.VERBAL
    )
    assert confirmed.recorded_by == builder
    feedback = referral.feedback_consent
    assert feedback.purpose == ConsentPurpose.REFERRER_FEEDBACK
    assert feedback.recipient_id == referral.pk
    assert feedback.recipient == "Hjerteafdelingen på Herlev og Gentofte hospital"
    assert AuditEvent.objects.filter(
        actor=builder, action=AuditAction.UPDATE, object_id=str(referral.pk)
    ).exists()


def test_confirmed_without_feedback_nothing_goes_back(message, builder, gateway):
    medcom_consent_confirm(
        message=message, method=ConsentMethod.VERBAL, feedback=False, actor=builder
    )

    _to_matching(message.referral.case, builder)

    assert message.referral.__class__.objects.get(pk=message.referral_id).feedback_consent is None
    assert _replies(gateway) == []


def test_a_match_and_a_closing_each_send_one_reply_to_the_gp(message, builder, gateway):
    medcom_consent_confirm(
        message=message, method=ConsentMethod.VERBAL, feedback=True, actor=builder
    )
    case = message.referral.case

    _to_matching(case, builder)
    case_change_status(case=case, status=CaseStatus.FOLLOWING_UP, actor=builder)
    case_change_status(case=case, status=CaseStatus.MATCHING, actor=builder)  # again: no news
    case_close(case=case, reason=CloseReason.LASTING_COMMUNITY, actor=builder, close_anyway=True)

    assert sorted(MedComReply.objects.values_list("event", flat=True)) == [
        CaseStatus.CLOSED,
        CaseStatus.MATCHING,
    ]
    matched, closed = _replies(gateway)
    for reply in (matched, closed):
        communication = assert_care_communication_reply(reply, preceding_header_id=NEW_HEADER_ID)
        # The thread and the subject of the GP's message.
        received = resource(message.bundle, "Communication")
        assert communication["identifier"] == received["identifier"]
        assert communication["category"] == received["category"]
        assert communication["topic"] == received["topic"]
        patient = resolve(reply, communication["subject"]["reference"])
        assert patient["identifier"][0]["value"] == "2509479989"
        # To the organisation that sent it, from the one it was sent to.
        header = reply["entry"][0]["resource"]
        receiver = resolve(reply, header["destination"][0]["receiver"]["reference"])
        assert receiver["name"] == "Hjerteafdelingen på Herlev og Gentofte hospital"
        assert (
            header["destination"][0]["endpoint"] == "https://sor2.sum.dsdn.dk/#id=265161000016000"
        )
        sender = resolve(reply, header["sender"]["reference"])
        assert sender["name"] == "Plejecenter Herlev"
        # Signed by the bridge-builder who made the change.
        role = resolve(
            reply, communication["payload"][-1]["extension"][2]["valueReference"]["reference"]
        )
        practitioner = resolve(reply, role["practitioner"]["reference"])
        assert practitioner["name"][0]["family"] == builder.last_name
    # Brobyg's own reading of a CareCommunication takes its replies in.
    for reply in (matched, closed):
        parsed = parse_care_communication(reply, accepted_receivers=[])
        assert parsed.sender.sor == "953741000016009"
        assert parsed.receiver.sor == "265161000016000"
    # Written in Danish, whatever the language of whoever closed the case.
    with translation.override("da"):
        ended = gettext("The course with the bridge-builder has ended.")
        matching = gettext(
            "The citizen has met a bridge-builder and is now being matched with a community "
            "or a volunteer."
        )
    assert ended in resource(closed, "Communication")["payload"][-1]["contentString"]
    assert matching in resource(matched, "Communication")["payload"][-1]["contentString"]


def test_a_page_of_the_outbox_says_how_many_wait_and_logs_its_replies_in_one_insert(
    message, builder, gateway
):
    medcom_consent_confirm(
        message=message, method=ConsentMethod.VERBAL, feedback=True, actor=builder
    )
    case = message.referral.case
    _to_matching(case, builder)
    case_close(case=case, reason=CloseReason.LASTING_COMMUNITY, actor=builder, close_anyway=True)
    AuditEvent.objects.filter(action=AuditAction.EXPORT).delete()

    body = gateway.get(OUTBOX, {"_count": "1"}).json()

    assert body["total"] == 2  # FHIR's total: all that match, not the page
    [entry] = body["entry"]
    [export] = AuditEvent.objects.filter(action=AuditAction.EXPORT)
    assert str(export.object_id) == entry["fullUrl"].rsplit("/", 1)[1]
    assert export.ip_address

    with CaptureQueriesContext(connection) as captured:
        body = gateway.get(OUTBOX).json()
    assert body["total"] == len(body["entry"]) == 2
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 3
    exports = [
        q
        for q in captured
        if q["sql"].startswith('INSERT INTO "audit_auditevent"') and "export" in q["sql"]
    ]
    assert len(exports) == 1


def test_the_gateway_marks_a_reply_fetched_and_it_leaves_the_outbox(message, builder, gateway):
    medcom_consent_confirm(
        message=message, method=ConsentMethod.VERBAL, feedback=True, actor=builder
    )
    _to_matching(message.referral.case, builder)
    (reply,) = _replies(gateway)

    response = gateway.post(f"{OUTBOX}/{reply['id']}/$fetched")

    assert response.status_code == 200, response.content[:2000]
    assert response.json()["resourceType"] == "OperationOutcome"
    assert _replies(gateway) == []
    stored = MedComReply.objects.get()
    assert stored.fetched_at and stored.fetched_by == gateway.account
    # Marked twice is still marked once.
    first = stored.fetched_at
    assert gateway.post(f"{OUTBOX}/{reply['id']}/$fetched").status_code == 200
    stored.refresh_from_db()
    assert stored.fetched_at == first
    assert (
        gateway.post(f"{OUTBOX}/00000000-0000-0000-0000-000000000000/$fetched").status_code == 404
    )


def test_each_reply_the_gateway_fetches_is_in_the_audit_trail(message, builder, gateway):
    medcom_consent_confirm(
        message=message, method=ConsentMethod.VERBAL, feedback=True, actor=builder
    )
    _to_matching(message.referral.case, builder)

    _replies(gateway)

    assert AuditEvent.objects.filter(
        actor=gateway.account,
        action=AuditAction.EXPORT,
        subject_id=message.referral.citizen_id,
    ).exists()


def test_consent_withdrawn_before_the_gateway_fetches_keeps_the_reply_back(
    message, builder, gateway, client
):
    medcom_consent_confirm(
        message=message, method=ConsentMethod.VERBAL, feedback=True, actor=builder
    )
    _to_matching(message.referral.case, builder)
    reply = MedComReply.objects.get()

    message.referral.refresh_from_db()
    consent_withdraw(consent=message.referral.feedback_consent, actor=builder)

    assert _replies(gateway) == []
    client.force_login(builder)
    assert client.get(f"/medcom/svar/{reply.pk}/").status_code == 404


def test_the_outbox_is_the_gateway_s_only(message, builder, api_client):
    api_client.force_authenticate(builder)
    assert api_client.get(OUTBOX).status_code == 403
    other_system = gateway_client(ApiScope.STATS_READ, name="Rapportjob")
    assert other_system.get(OUTBOX).status_code == 403
    assert api_client.__class__().get(OUTBOX).status_code == 401


def test_staff_who_may_see_the_case_download_the_reply(message, builder, client):
    medcom_consent_confirm(
        message=message, method=ConsentMethod.VERBAL, feedback=True, actor=builder
    )
    _to_matching(message.referral.case, builder)
    reply = MedComReply.objects.get()
    url = f"/medcom/svar/{reply.pk}/"

    client.force_login(builder)
    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(FHIR_JSON)
    assert "attachment" in response["Content-Disposition"]
    assert response.json() == reply.bundle
    assert AuditEvent.objects.filter(
        actor=builder, action=AuditAction.READ, subject_id=message.referral.citizen_id
    ).exists()
    # Another team's bridge-builder, home care, a GP: not theirs to see.
    for other in (
        UserFactory(bridge_builder=True, team=bridge_team()),
        UserFactory(home_care=True, team=TeamFactory(kind=TeamKind.HOME_CARE)),
        UserFactory(referrer=True),
    ):
        client.force_login(other)
        assert client.get(url).status_code in (403, 404)


def test_a_web_referral_of_the_same_citizen_gets_no_medcom_reply(message, builder, gateway):
    """Only the referral that came by MedCom is answered by MedCom."""
    medcom_consent_confirm(
        message=message, method=ConsentMethod.VERBAL, feedback=False, actor=builder
    )
    referral_create(
        citizen=citizen_data(
            cpr="250947-9989", first_name="Bruno", last_name="Elmer", birth_date=date(1947, 9, 25)
        ),
        source="gp",
        reason="Også fra os",
        consent_given=True,
        consent_method="verbal",
        feedback_consent=True,
        referrer=UserFactory(referrer=True),
    )

    _to_matching(message.referral.case, builder)

    assert _replies(gateway) == []
    assert ReferralFeedback.objects.count() == 1  # the e-mail to the web form's referrer


def test_a_closed_case_is_not_confirmed_any_more(message, builder):
    case_close(case=message.referral.case, reason=CloseReason.NO_CONTACT, actor=builder)

    with pytest.raises(ValidationError):
        medcom_consent_confirm(
            message=message, method=ConsentMethod.VERBAL, feedback=True, actor=builder
        )

    message.refresh_from_db()
    assert message.consent_confirmed_at is None
    assert not ConsentRecord.objects.filter(purpose=ConsentPurpose.REFERRER_FEEDBACK).exists()
