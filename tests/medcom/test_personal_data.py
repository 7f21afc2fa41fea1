"""A MedCom message holds the citizen's CPR number, name and the GP's words: it is part of an
access request, and erasure and retention empty it, keeping what the audit trail needs."""

import pytest

from core.personal_data import section
from medcom.models import MedComMessage, MedComReply
from medcom.services import medcom_consent_confirm
from privacy.selectors import citizen_export_json
from privacy.services import citizen_erase
from referrals.constants import CaseStatus, ConsentMethod
from referrals.models import Referral
from referrals.services import case_change_status
from tests.accounts.factories import UserFactory
from tests.medcom.conftest import NEW, NEW_HEADER_ID, OUTBOX, load, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(gateway, team, builder) -> Referral:
    assert send(gateway, load(NEW)).status_code == 200
    referral = Referral.objects.select_related("case", "citizen").get()
    message = MedComMessage.objects.get()
    medcom_consent_confirm(
        message=message, method=ConsentMethod.VERBAL, feedback=True, actor=builder
    )
    for status in (CaseStatus.CONTACTED, CaseStatus.SCREENING, CaseStatus.MATCHING):
        case_change_status(case=referral.case, status=status, actor=builder)
    return referral


def test_an_access_request_lists_the_medcom_messages_and_replies(referral):
    messages = section("medcom_messages").rows(referral.citizen)
    replies = section("medcom_replies").rows(referral.citizen)

    assert [m.header_id for m in messages] == [NEW_HEADER_ID]
    assert [r.event for r in replies] == [CaseStatus.MATCHING]
    everything = citizen_export_json(citizen=referral.citizen)
    assert "Hjerteafdelingen på Herlev og Gentofte hospital" in everything
    assert "Forspørgsel på seneste resultater" in everything


def test_erasure_empties_the_messages_and_holds_back_every_reply(referral, gateway):
    citizen_erase(
        citizen=referral.citizen, reason="Borgerens anmodning", actor=UserFactory(admin=True)
    )

    message = MedComMessage.objects.get()
    assert message.bundle == {}
    assert message.header_id == NEW_HEADER_ID  # the same message again is still known
    assert message.acknowledgement  # what Brobyg answered stays, for the audit trail
    assert "2509479989" not in str(message.acknowledgement)
    assert "Elmer" not in str(message.acknowledgement)
    assert all(reply.bundle == {} for reply in MedComReply.objects.all())
    assert gateway.get(OUTBOX).json().get("entry", []) == []
