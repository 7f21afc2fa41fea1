"""After a first meeting the offer is asked, by a link needing no account, whether the citizen
came: sent once, works once, expires."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from audit.constants import AuditAction
from audit.models import AuditEvent
from matching.models import Match
from matching.services import match_accept, match_plan_first_meeting, match_propose
from matching.tasks import first_meeting_confirmations_sweep
from offers.constants import MatchStatus
from referrals.constants import ConsentPurpose
from referrals.services import consent_give
from tests.accounts.factories import UserFactory
from tests.referrals.factories import make_referral
from tests.volunteers.factories import load_postcodes, make_offer

pytestmark = pytest.mark.django_db


@pytest.fixture
def match():
    load_postcodes()
    user = UserFactory(bridge_builder=True)
    case = make_referral(first_name="Inger").referral.case
    offer = make_offer(title="Strikkecaféen", contact_email="cafe@forening.invalid")
    match = match_propose(case=case, offer=offer, actor=user)
    match_accept(match=match, actor=user)
    return match_plan_first_meeting(match=match, at=timezone.now() - timedelta(hours=3), actor=user)


def _link():
    return re.search(r"http\S+/bekraeft/\S+/", mail.outbox[-1].body).group(0).split("8000")[-1]


def test_the_offer_is_asked_once_however_often_beat_runs(match):
    assert first_meeting_confirmations_sweep() == 1
    assert first_meeting_confirmations_sweep() == 0

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["cafe@forening.invalid"]
    # Without consent to share, the offer is not told who.
    assert "Inger" not in message.body
    assert "Strikkecaféen" in message.body


def test_the_first_name_is_shared_with_consent(match):
    consent_give(
        citizen=match.citizen,
        purpose=ConsentPurpose.SHARE_OFFER,
        method="verbal",
        recipient="Strikkecaféen",
        recipient_id=match.offer_id,
        actor=match.proposed_by,
    )
    first_meeting_confirmations_sweep()
    assert "Inger" in mail.outbox[0].body


def test_consent_to_share_with_another_offer_does_not_name_the_citizen_in_the_email(client, match):
    # given: Inger agreed to share with another offer, not with the café she is to meet
    other = make_offer(title="Brobjerg Seniorkor")
    consent_give(
        citizen=match.citizen,
        purpose=ConsentPurpose.SHARE_OFFER,
        method="verbal",
        recipient=other.title,
        recipient_id=other.pk,
        actor=match.proposed_by,
    )

    # when: the café is asked whether she came, and opens the link
    first_meeting_confirmations_sweep()
    page = client.get(_link()).content.decode()

    # then: neither the e-mail nor the page tells the café who she is
    assert "Inger" not in mail.outbox[0].body
    assert "Inger" not in page


def test_the_link_page_logs_a_read_of_the_citizen(client, match):
    first_meeting_confirmations_sweep()

    client.get(_link())

    assert AuditEvent.objects.filter(
        action=AuditAction.READ, subject_id=match.citizen_id, object_id=str(match.pk)
    ).exists()


def test_the_link_works_once_without_signing_in(client, match):
    first_meeting_confirmations_sweep()
    link = _link()

    page = client.get(link)
    answered = client.post(link, {"came": "yes"})
    again = client.post(link, {"came": "no"})

    assert page.status_code == 200 and "Kom borgeren?" in page.content.decode()
    assert answered.status_code == 200
    match.refresh_from_db()
    assert match.status == MatchStatus.ACTIVE and match.confirmation_answered_at
    assert again.status_code == 410
    assert "allerede besvaret" in again.content.decode()


def test_the_link_expires(client, match, monkeypatch, settings):
    first_meeting_confirmations_sweep()
    link = _link()
    later = time.time() + (settings.BROBYG_CONFIRM_LINK_DAYS + 1) * 86400
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)

    response = client.post(link, {"came": "yes"})

    assert response.status_code == 410
    assert "udløbet" in response.content.decode()
    assert Match.objects.get(pk=match.pk).status == MatchStatus.FIRST_MEETING


def test_a_forged_or_altered_link_is_refused(client, match):
    first_meeting_confirmations_sweep()
    link = _link()

    response = client.get(link[:-5] + "XXXX/")

    assert response.status_code == 410
    assert "ikke gyldigt" in response.content.decode()


def test_a_missing_answer_is_a_clear_error(client, match):
    first_meeting_confirmations_sweep()
    response = client.post(_link(), {})
    assert response.status_code == 400
    assert "Svar ja eller nej" in response.content.decode()
