"""What POST /fhir/$process-message checks beyond the profile, so that no message can break a
citizen's record or be mistaken for another: times within sane bounds (and the consent dated
only from a time that fits the message), a body Brobyg can read and keep, and the same
MessageHeader id answered with the stored acknowledgement only for the very same message from
the same sender."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from medcom.models import MedComMessage
from referrals.models import Referral
from referrals.services import consent_given_at_check
from tests.medcom.conftest import (
    FHIR_JSON,
    HOSPITAL_SOR,
    NEW,
    NEW_HEADER_ID,
    load,
    resource,
    send,
    stored_rows,
)

pytestmark = pytest.mark.django_db

TIMESTAMP = "Bundle.timestamp"
PAYLOAD_TIME = "Bundle.entry[2].resource.payload[0].extension[0].valueDateTime"


def _outcome(response, status=400) -> list[dict]:
    assert response.status_code == status, response.content[:2000]
    assert response["Content-Type"].startswith(FHIR_JSON)
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"] and all(i["severity"] == "error" for i in body["issue"])
    assert all(i["diagnostics"] for i in body["issue"])
    return body["issue"]


def _expressions(issues) -> list[str]:
    return [e for issue in issues for e in issue.get("expression", [])]


def _times(bundle, *, timestamp=None, written=None):
    if timestamp is not None:
        bundle["timestamp"] = timestamp
    if written is not None:
        resource(bundle, "Communication")["payload"][0]["extension"][0]["valueDateTime"] = written
    return bundle


def _fhir(moment: datetime) -> str:
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


# --- Times ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timestamp", "written", "expression"),
    [
        ("0001-01-01T00:00:00", None, TIMESTAMP),
        ("0001-01-01", None, TIMESTAMP),
        ("1899-12-31T23:59:59+01:00", None, TIMESTAMP),
        (None, "0001-01-01T00:00:00+14:00", PAYLOAD_TIME),
        (None, "1850-06-01", PAYLOAD_TIME),
        ("9999-12-31T23:59:59-14:00", None, TIMESTAMP),
        (None, "2099-01-01T12:00:00+01:00", PAYLOAD_TIME),
    ],
)
def test_a_time_out_of_bounds_is_a_400_naming_the_element_and_stores_nothing(
    gateway, team, timestamp, written, expression
):
    bundle = _times(load(NEW), timestamp=timestamp, written=written)
    rows = stored_rows()

    issues = _outcome(send(gateway, bundle))

    assert _expressions(issues) == [expression]
    assert issues[0]["code"] == "value"
    assert stored_rows() == rows


@pytest.mark.parametrize(
    ("timestamp", "written", "expression"),
    [
        ("garbage", None, TIMESTAMP),
        ("2026-13-45T10:00:00+01:00", None, TIMESTAMP),
        (None, "i går", PAYLOAD_TIME),
    ],
)
def test_a_time_that_cannot_be_read_is_a_400_naming_the_element(
    gateway, team, timestamp, written, expression
):
    bundle = _times(load(NEW), timestamp=timestamp, written=written)
    rows = stored_rows()

    issues = _outcome(send(gateway, bundle))

    assert _expressions(issues) == [expression]
    assert stored_rows() == rows


def test_more_than_a_day_ahead_is_refused_and_less_is_taken_in(gateway, team):
    now = timezone.now()
    ahead = _times(load(NEW), timestamp=_fhir(now + timedelta(days=1, hours=1)))
    assert _expressions(_outcome(send(gateway, ahead))) == [TIMESTAMP]

    bundle = _times(
        load(NEW),
        timestamp=_fhir(now + timedelta(hours=6)),
        written=_fhir(now + timedelta(hours=6)),
    )

    assert send(gateway, bundle).status_code == 200
    # A clock ahead: consent is dated when the message arrived, never later.
    consent = Referral.objects.select_related("consent").get().consent
    assert now <= consent.given_at <= timezone.now()


def test_a_message_from_year_one_cannot_break_a_known_citizen_s_case(
    gateway, team, builder, client
):
    # given a citizen Brobyg has from an ordinary message
    assert send(gateway, load(NEW)).status_code == 200
    referral = Referral.objects.get()
    client.force_login(builder)
    # when another message about them says it was written in year 1
    bundle = _times(load(NEW), timestamp="0001-01-01T00:00:00", written="0001-01-01T00:00:00")
    bundle["entry"][0]["resource"]["id"] = "year-one"
    _outcome(send(gateway, bundle))
    # then it is refused, and the citizen's pages and the first message still work
    assert client.get(f"/forloeb/{referral.case_id}/").status_code == 200
    assert client.get(f"/medcom/henvisning/{referral.pk}/").status_code == 200
    assert send(gateway, load(NEW)).status_code == 200
    assert list(MedComMessage.objects.values_list("header_id", flat=True)) == [NEW_HEADER_ID]


def test_a_message_dated_1900_does_not_back_date_the_consent(gateway, team):
    bundle = _times(
        load(NEW), timestamp="1900-01-01T00:00:00+01:00", written="1900-01-01T00:00:00+01:00"
    )
    before = timezone.now()

    assert send(gateway, bundle).status_code == 200

    consent = Referral.objects.select_related("consent").get().consent
    assert before <= consent.given_at <= timezone.now()


def test_a_written_time_far_from_the_message_s_own_is_not_the_consent_s(gateway, team):
    bundle = _times(
        load(NEW), timestamp="2024-05-01T12:00:00+02:00", written="2024-03-01T12:00:00+01:00"
    )
    before = timezone.now()

    assert send(gateway, bundle).status_code == 200

    consent = Referral.objects.select_related("consent").get().consent
    assert before <= consent.given_at <= timezone.now()


def test_a_written_time_within_a_day_of_the_message_s_is_the_consent_s(gateway, team):
    bundle = _times(
        load(NEW), timestamp="2024-05-01T12:00:00+02:00", written="2024-04-30T18:00:00+02:00"
    )

    assert send(gateway, bundle).status_code == 200

    consent = Referral.objects.select_related("consent").get().consent
    assert consent.given_at == datetime(2024, 4, 30, 16, 0, tzinfo=UTC)


def test_consent_cannot_be_dated_before_2000():
    with pytest.raises(ValidationError) as refused:
        consent_given_at_check(datetime(1999, 12, 31, 23, 59, tzinfo=UTC))
    assert list(refused.value.message_dict) == ["given_at"]

    consent_given_at_check(datetime(2000, 1, 1, tzinfo=UTC))
    consent_given_at_check(timezone.now())


# --- A body Brobyg can read and keep --------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    ['"\\u0000"', '"hello\\u0000world"', '"\\ud800"', '"\\udc00x"'],
    ids=["nul", "nul-inside", "lone-high-surrogate", "lone-low-surrogate"],
)
@pytest.mark.parametrize("where", ["meta", "text", "name"])
def test_a_nul_or_a_lone_surrogate_anywhere_is_a_400_outcome_and_stores_nothing(
    gateway, team, raw, where
):
    bundle = load(NEW)
    if where == "meta":
        bundle["meta"] = {"tag": "PLACEHOLDER"}
    elif where == "text":
        resource(bundle, "Communication")["payload"][0]["contentString"] = "PLACEHOLDER"
    else:
        resource(bundle, "Patient")["name"][0]["family"] = "PLACEHOLDER"
    body = json.dumps(bundle).replace('"PLACEHOLDER"', raw)
    rows = stored_rows()
    gateway.raise_request_exception = False

    issues = _outcome(send(gateway, body))

    assert issues[0]["code"] == "structure"
    assert stored_rows() == rows


@pytest.mark.parametrize("depth", [150, 100_000])
def test_deeply_nested_json_is_a_400_outcome_and_stores_nothing(gateway, team, depth):
    raw = json.dumps(load(NEW)).replace(
        '"meta": {', '"deep": ' + "[" * depth + "]" * depth + ', "meta": {', 1
    )
    rows = stored_rows()
    gateway.raise_request_exception = False

    issues = _outcome(send(gateway, raw))

    assert issues[0]["code"] == "structure"
    assert stored_rows() == rows


# --- The same MessageHeader id --------------------------------------------------------------------


def _another_message_with_the_same_id() -> dict:
    bundle = load(NEW)
    sender = resource(bundle, "Organization", 1)
    sender["identifier"][0]["value"] = "999999999999999"
    sender["name"] = "En anden læge"
    patient = resource(bundle, "Patient")
    patient["identifier"][0]["value"] = "0201919990"
    patient["name"] = [{"use": "official", "family": "Andersen", "given": ["Ole"]}]
    return bundle


def test_the_received_message_keeps_its_sender_and_content_hash(gateway, team):
    from medcom.services import message_content_hash

    bundle = load(NEW)

    send(gateway, bundle)

    message = MedComMessage.objects.get()
    assert message.sender_sor == HOSPITAL_SOR
    assert message.content_hash == message_content_hash(bundle)
    assert len(message.content_hash) == 64


def test_another_message_with_the_same_id_is_a_409_and_dropped_loudly(gateway, team, caplog):
    first = send(gateway, load(NEW))
    rows = stored_rows()

    with caplog.at_level(logging.WARNING, logger="medcom.services"):
        response = send(gateway, _another_message_with_the_same_id())

    issues = _outcome(response, status=409)
    assert issues[0]["code"] == "business-rule"
    assert _expressions(issues) == ["Bundle.entry[0].resource.id"]
    # Nothing of the first message goes to the second sender.
    assert "Hjerteafdelingen" not in response.content.decode()
    assert first.json()["id"] not in response.content.decode()
    assert stored_rows() == rows
    assert Referral.objects.count() == 1
    assert any(NEW_HEADER_ID in record.getMessage() for record in caplog.records)


def test_the_same_sender_with_other_content_under_the_same_id_is_a_409(gateway, team):
    send(gateway, load(NEW))
    changed = load(NEW)
    resource(changed, "Communication")["payload"][0]["contentString"] = "En helt anden besked"
    rows = stored_rows()

    issues = _outcome(send(gateway, changed), status=409)

    assert issues[0]["code"] == "business-rule"
    assert stored_rows() == rows


def test_another_sender_with_the_same_content_and_id_is_a_409(gateway, team):
    send(gateway, load(NEW))
    other = load(NEW)
    resource(other, "Organization", 1)["identifier"][0]["value"] = "999999999999999"

    _outcome(send(gateway, other), status=409)


def test_the_same_message_written_otherwise_is_the_same_message(gateway, team):
    first = send(gateway, load(NEW))
    # The same JSON with its keys in another order and other white space.
    again = json.dumps(
        json.loads(json.dumps(load(NEW), sort_keys=True)), indent=4, ensure_ascii=True
    )

    response = send(gateway, again)

    assert response.status_code == 200
    assert response.content == first.content


def test_the_same_message_after_the_citizen_s_data_was_erased_gets_its_acknowledgement(
    gateway, team
):
    first = send(gateway, load(NEW))
    # Erasure and retention empty the message (medcom.personal_data); the hash stays.
    MedComMessage.objects.update(bundle={}, topic="")

    again = send(gateway, load(NEW))

    assert again.status_code == 200
    assert again.content == first.content
    assert Referral.objects.count() == 1
