"""The MedCom message on the case: what the GP sent, its attachments, the consent to confirm
with the citizen, and the replies; for the bridge-builders who may see the case, and logged."""

import base64

import pytest

from accounts.constants import TeamKind
from audit.constants import AuditAction
from audit.models import AuditEvent
from medcom.models import MedComMessage
from referrals.constants import ConsentMethod, ConsentPurpose
from referrals.models import ConsentRecord, Referral
from tests.accounts.factories import TeamFactory, UserFactory
from tests.medcom.conftest import ATTACHMENT, NEW, load, resource, send
from tests.referrals.factories import bridge_team

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(gateway, team) -> Referral:
    assert send(gateway, load(NEW)).status_code == 200
    return Referral.objects.select_related("case").get()


def _page(referral) -> str:
    return f"/medcom/henvisning/{referral.pk}/"


def test_the_case_page_leads_to_the_medcom_message(client, builder, referral):
    client.force_login(builder)

    body = client.get(f"/forloeb/{referral.case_id}/").content.decode()

    assert _page(referral) in body


def test_the_message_page_shows_what_the_gp_sent_and_logs_the_read(client, builder, referral):
    client.force_login(builder)

    response = client.get(_page(referral))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Hjerteafdelingen på Herlev og Gentofte hospital" in body
    assert "265161000016000" in body
    assert "Vi ønsker information om de seneste undersøgelser" in body
    assert "Michael Burns" in body
    assert 'data-testid="confirm-form"' in body
    assert AuditEvent.objects.filter(
        actor=builder, action=AuditAction.READ, subject_id=referral.citizen_id
    ).exists()


def test_the_bridge_builder_confirms_consent_with_the_citizen(client, builder, referral):
    client.force_login(builder)

    response = client.post(
        f"{_page(referral)}bekraeft/", {"method": ConsentMethod.VERBAL, "feedback": "on"}
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert referral.feedback_consent.purpose == ConsentPurpose.REFERRER_FEEDBACK
    assert ConsentRecord.objects.filter(
        purpose=ConsentPurpose.REFERRAL, method=ConsentMethod.VERBAL, recorded_by=builder
    ).exists()
    message = MedComMessage.objects.get()
    assert message.consent_confirmed_by == builder
    page = client.get(_page(referral)).content.decode()
    assert 'data-testid="confirm-form"' not in page


def test_confirming_needs_a_method(client, builder, referral):
    client.force_login(builder)

    response = client.post(f"{_page(referral)}bekraeft/", {"method": "carrier pigeon"})

    assert response.status_code == 400
    assert MedComMessage.objects.get().consent_confirmed_at is None


def test_an_attachment_is_downloaded_as_the_gp_sent_it(client, builder, gateway, team):
    bundle = load(ATTACHMENT)
    assert send(gateway, bundle).status_code == 200
    referral = Referral.objects.get()
    client.force_login(builder)

    response = client.get(f"{_page(referral)}bilag/", {"nr": 1})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    data = resource(bundle, "Communication")["payload"][1]["contentAttachment"]["data"]
    assert b"".join(response.streaming_content if response.streaming else [response.content]) == (
        base64.b64decode(data)
    )
    # A link is a link, a text is no attachment, and past the end there is nothing.
    assert client.get(f"{_page(referral)}bilag/", {"nr": 2}).status_code == 404
    assert client.get(f"{_page(referral)}bilag/", {"nr": 0}).status_code == 404
    assert client.get(f"{_page(referral)}bilag/", {"nr": "x"}).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("builder", 200),
        ("other_builder", 404),
        ("home_care", 403),
        ("referrer", 403),
        ("admin", 403),
        ("anonymous", 302),
    ],
)
def test_who_may_open_the_message_page(client, builder, referral, who, status):
    users = {
        "builder": builder,
        "other_builder": UserFactory(bridge_builder=True, team=bridge_team()),
        "home_care": UserFactory(home_care=True, team=TeamFactory(kind=TeamKind.HOME_CARE)),
        "referrer": UserFactory(referrer=True),
        "admin": UserFactory(admin=True),
    }
    if who != "anonymous":
        client.force_login(users[who])
    for url in (_page(referral), f"{_page(referral)}bilag/?nr=1"):
        expected = 404 if (status == 200 and url.endswith("nr=1")) else status
        assert client.get(url).status_code == expected, url
    assert client.post(f"{_page(referral)}bekraeft/", {"method": "verbal"}).status_code in (
        {200: 302}.get(status, status),
    )


def test_a_referral_that_came_another_way_has_no_medcom_page(client, builder, team):
    from tests.referrals.factories import make_referral

    referral = make_referral(team=team).referral
    client.force_login(builder)

    assert client.get(_page(referral)).status_code == 404
