"""POST /fhir/$process-message: a MedCom CareCommunication from a GP system becomes a referral,
answered with a MedCom acknowledgement; an invalid message is a 400 OperationOutcome naming
the element, and nothing is stored."""

import json
import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.constants import ApiScope
from medcom.models import MedComMessage
from medcom.services import medcom_message_receive
from referrals.constants import CaseStatus, ConsentMethod, ConsentPurpose, ReferralSource, Urgency
from referrals.cpr import cpr_hash
from referrals.models import ConsentRecord, Referral
from tests.accounts.factories import UserFactory
from tests.medcom.conftest import (
    ATTACHMENT,
    CARE_HOME_SOR,
    FHIR_JSON,
    HOSPITAL_SOR,
    NEW,
    NEW_HEADER_ID,
    PROCESS,
    REPLACEMENT_CPR,
    REPLY,
    gateway_client,
    load,
    resource,
    send,
    stored_rows,
)
from tests.medcom.fhir_checks import assert_acknowledgement
from tests.referrals.factories import make_referral

pytestmark = pytest.mark.django_db


def _outcome(response, status=400) -> list[dict]:
    assert response.status_code == status, response.content[:2000]
    assert response["Content-Type"].startswith(FHIR_JSON)
    body = response.json()
    assert body["resourceType"] == "OperationOutcome"
    assert body["issue"] and all(i["severity"] in ("error", "fatal") for i in body["issue"])
    assert all(i["diagnostics"] for i in body["issue"])
    return body["issue"]


def _expressions(issues) -> list[str]:
    return [e for issue in issues for e in issue.get("expression", [])]


# --- A message the implementation guide shows -----------------------------------------------------


def test_a_new_message_becomes_a_gp_referral_and_is_acknowledged(gateway, team):
    bundle = load(NEW)

    response = send(gateway, bundle)

    assert response.status_code == 200, response.content[:2000]
    assert response["Content-Type"].startswith(FHIR_JSON)
    ack = response.json()
    assert_acknowledgement(
        ack,
        received_header_id=NEW_HEADER_ID,
        sender_sor=HOSPITAL_SOR,
        receiver_sor=CARE_HOME_SOR,
    )
    referral = Referral.objects.select_related("citizen", "case", "consent").get()
    assert referral.source == ReferralSource.GP
    assert referral.case.team == team
    assert referral.case.status == CaseStatus.RECEIVED
    # The text, with the category and the topic the sender chose.
    assert "Vi ønsker information om de seneste undersøgelser" in referral.reason
    assert "Forspørgsel på seneste resultater" in referral.reason
    assert "examination-results" in referral.reason
    # The author and the author's contact from the payload's extensions.
    assert "Michael Burns" in referral.referrer_name
    assert referral.referrer_phone == "38683868"
    assert referral.referrer == gateway.account
    # The citizen by CPR number, with the date of birth it holds.
    citizen = referral.citizen
    assert (citizen.first_name, citizen.last_name) == ("Bruno", "Elmer")
    assert citizen.birth_date == date(1947, 9, 25)
    assert citizen.cpr_hash == cpr_hash("2509479989")
    # Consent as the referrer stated it, to be confirmed; no consent to tell anyone anything.
    assert referral.consent.purpose == ConsentPurpose.REFERRAL
    assert referral.consent.method == ConsentMethod.REFERRER_STATED
    assert referral.feedback_consent is None
    assert not ConsentRecord.objects.exclude(pk=referral.consent_id).exists()
    # The message is kept, with the sending organisation, the referral and the answer.
    message = MedComMessage.objects.get()
    assert message.header_id == NEW_HEADER_ID
    assert message.bundle == bundle
    assert message.referral == referral
    assert message.acknowledgement == ack
    assert (message.sender_sor, message.sender_name) == (
        HOSPITAL_SOR,
        "Hjerteafdelingen på Herlev og Gentofte hospital",
    )
    assert message.receiver_sor == CARE_HOME_SOR
    assert message.received_by == gateway.account
    assert message.sent_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def test_the_same_message_again_gets_the_same_acknowledgement_and_no_second_referral(gateway, team):
    first = send(gateway, load(NEW))
    rows = stored_rows()

    again = send(gateway, load(NEW))

    assert again.status_code == 200
    assert again.content == first.content
    assert next(iter(again.json())) == "resourceType"
    assert Referral.objects.count() == 1
    assert stored_rows() == rows


def test_the_same_message_id_is_unique_in_the_database(gateway, team):
    from django.db import IntegrityError, transaction

    send(gateway, load(NEW))
    message = MedComMessage.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        MedComMessage.objects.create(
            header_id=message.header_id,
            bundle={},
            referral=make_referral(team=team).referral,
            acknowledgement={},
        )


@pytest.mark.django_db(transaction=True)
def test_two_copies_arriving_at_once_make_one_referral(team):
    gateway = gateway_client()
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def receive():
        try:
            barrier.wait(timeout=10)
            answers.append(medcom_message_receive(bundle=load(NEW), actor=gateway.account))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=receive) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert Referral.objects.count() == 1
    assert MedComMessage.objects.count() == 1
    assert answers[0].acknowledgement == answers[1].acknowledgement
    assert sorted(a.created for a in answers) == [False, True]


def test_a_reply_with_an_attachment_is_taken_in_with_its_latest_author(gateway, team):
    response = send(gateway, load(REPLY))

    assert response.status_code == 200, response.content[:2000]
    referral = Referral.objects.get()
    assert "Resultaterne for undersøgelsen kommer her" in referral.reason
    assert "Emma Waters" in referral.referrer_name
    assert referral.referrer_phone == "44527000"
    message = MedComMessage.objects.get()
    assert message.header_id == "d5bd2111-2576-48d3-84d4-8be0297a038d"
    assert [a["title"] for a in message.attachments] == ["Blodprøveresultater"]


def test_a_message_with_every_part_a_journal_note_and_attachments_is_taken_in(gateway, team):
    response = send(gateway, load(ATTACHMENT))

    assert response.status_code == 200, response.content[:2000]
    referral = Referral.objects.select_related("citizen").get()
    # The example's Patient has a family name only, as the profile allows.
    assert (referral.citizen.first_name, referral.citizen.last_name) == ("–", "Elmer")
    # Line breaks the sender wrote as <br/> are line breaks.
    assert "<br/>" not in referral.reason
    assert "Proin aliquet sit amet justo quis auctor." in referral.reason
    assert "Journal notat" in referral.reason
    # "asap" is allowed for "regarding referral": the team sees it as soon.
    assert referral.urgency == Urgency.SOON
    message = MedComMessage.objects.get()
    assert [(a["title"], a["content_type"]) for a in message.attachments] == [
        ("Blodprøveresultater", "application/pdf"),
        ("medcom.dk", ""),
    ]
    assert message.attachments[1]["url"] == "https://medcom.dk/"


def test_a_citizen_with_a_replacement_cpr_number_only_is_refused_saying_so(gateway, team):
    rows = stored_rows()

    issues = _outcome(send(gateway, load(REPLACEMENT_CPR)))

    assert _expressions(issues) == ["Bundle.entry[1].resource.identifier[0]"]
    assert "urn:oid:1.2.208.176.1.6.1.1" in issues[0]["diagnostics"]
    assert stored_rows() == rows


def test_a_citizen_brobyg_knows_by_cpr_is_the_same_citizen(gateway, team):
    known = make_referral(team=team, cpr="250947-9989", birth_date=date(1947, 9, 25)).referral

    assert send(gateway, load(NEW)).status_code == 200

    referral = Referral.objects.exclude(pk=known.pk).get()
    assert referral.citizen == known.citizen
    assert referral.case == known.case


# --- What real senders send -----------------------------------------------------------------------


def _cpr_without_urn(b):
    resource(b, "Patient")["identifier"][0]["system"] = "1.2.208.176.1.2"


def _cpr_with_hyphen(b):
    resource(b, "Patient")["identifier"][0]["value"] = "250947-9989"


def _no_topic(b):
    del resource(b, "Communication")["topic"]


def _no_provenance(b):
    b["entry"] = [e for e in b["entry"] if e["resource"]["resourceType"] != "Provenance"]


def _no_meta(b):
    b.pop("meta")
    for e in b["entry"]:
        e["resource"].pop("meta", None)


def _no_author_nor_contact(b):
    payload = resource(b, "Communication")["payload"][0]
    payload["extension"] = [
        x
        for x in payload["extension"]
        if "practitioner" not in x["url"] and "contact" not in x["url"]
    ]


def _no_ean(b):
    for n in (0, 1):
        org = resource(b, "Organization", n)
        org["identifier"] = [i for i in org["identifier"] if i["system"] != "urn:oid:1.3.88"]


def _no_definition_nor_destination_use(b):
    header = resource(b, "MessageHeader")
    del header["definition"]
    del header["destination"][0]["extension"]


def _extra_entries(b):
    b["entry"].insert(
        3,
        {
            "fullUrl": "https://medcomfhir.dk/ig/carecommunication/Observation/extra-1",
            "resource": {"resourceType": "Observation", "id": "extra-1", "status": "final"},
        },
    )
    b["entry"].append(
        {
            "fullUrl": "https://example.org/fhir/Organization/another",
            "resource": {"resourceType": "Organization", "id": "another", "name": "Et andet sted"},
        }
    )
    resource(b, "Communication")["note"] = [{"text": "Felt Brobyg ikke kender"}]


def _utc_and_other_offsets(b):
    b["timestamp"] = "2024-05-01T10:00:00Z"
    payload = resource(b, "Communication")["payload"][0]
    payload["extension"][0]["valueDateTime"] = "2024-05-01T11:00:00+01:00"


def _local_time_without_offset(b):
    b["timestamp"] = "2024-05-01T12:00:00.123+02:00"
    payload = resource(b, "Communication")["payload"][0]
    payload["extension"][0]["valueDateTime"] = "2024-05-01T12:00:00"


def _absolute_references(b):
    base = "https://medcomfhir.dk/ig/carecommunication/"
    header = resource(b, "MessageHeader")
    header["sender"]["reference"] = base + header["sender"]["reference"]
    header["destination"][0]["receiver"]["reference"] = (
        base + header["destination"][0]["receiver"]["reference"]
    )
    header["focus"][0]["reference"] = base + header["focus"][0]["reference"]


def _urn_uuid_full_urls(b):
    ids = {}
    for e in b["entry"]:
        res = e["resource"]
        e["fullUrl"] = f"urn:uuid:{res['id']}"
        ids[f"{res['resourceType']}/{res['id']}"] = e["fullUrl"]

    def swap(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "reference" and value in ids:
                    node[key] = ids[value]
                else:
                    swap(value)
        elif isinstance(node, list):
            for item in node:
                swap(item)

    swap(b)


def _focus_as_a_single_reference(b):
    header = resource(b, "MessageHeader")
    header["focus"] = header["focus"][0]


@pytest.mark.parametrize(
    "variant",
    [
        _cpr_without_urn,
        _cpr_with_hyphen,
        _no_topic,
        _no_provenance,
        _no_meta,
        _no_author_nor_contact,
        _no_ean,
        _no_definition_nor_destination_use,
        _extra_entries,
        _utc_and_other_offsets,
        _local_time_without_offset,
        _absolute_references,
        _urn_uuid_full_urls,
        _focus_as_a_single_reference,
    ],
    ids=lambda f: f.__name__.strip("_"),
)
def test_what_real_senders_send_is_taken_in(gateway, team, variant):
    bundle = load(NEW)
    variant(bundle)

    response = send(gateway, bundle)

    assert response.status_code == 200, response.content[:3000]
    referral = Referral.objects.get()
    assert referral.citizen.cpr_hash == cpr_hash("2509479989")
    assert_acknowledgement(
        response.json(),
        received_header_id=NEW_HEADER_ID,
        sender_sor=HOSPITAL_SOR,
        receiver_sor=CARE_HOME_SOR,
    )


def test_times_in_any_offset_are_the_same_moment(gateway, team):
    bundle = load(NEW)
    _utc_and_other_offsets(bundle)

    send(gateway, bundle)

    message = MedComMessage.objects.select_related("referral__consent").get()
    moment = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert message.sent_at == moment
    # The referrer stated consent when they wrote: the payload's time.
    assert message.referral.consent.given_at == moment


def test_a_time_without_an_offset_is_danish_time(gateway, team):
    bundle = load(NEW)
    _local_time_without_offset(bundle)

    send(gateway, bundle)

    consent = Referral.objects.select_related("consent").get().consent
    assert consent.given_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)


def test_without_author_the_sending_organisation_is_the_referrer(gateway, team):
    bundle = load(NEW)
    _no_author_nor_contact(bundle)

    send(gateway, bundle)

    referral = Referral.objects.get()
    assert referral.referrer_name == "Hjerteafdelingen på Herlev og Gentofte hospital"
    assert referral.referrer_phone == ""


def test_a_message_written_in_the_future_is_consented_to_when_it_arrives(gateway, team):
    # A sender's clock a few hours ahead (more than a day ahead is refused: test_intake_checks).
    ahead = timezone.localtime() + timedelta(hours=3)
    bundle = load(NEW)
    bundle["timestamp"] = ahead.isoformat()
    resource(bundle, "Communication")["payload"][0]["extension"][0]["valueDateTime"] = (
        ahead.isoformat()
    )
    before = timezone.now()

    assert send(gateway, bundle).status_code == 200

    consent = Referral.objects.select_related("consent").get().consent
    assert before <= consent.given_at <= timezone.now()


# --- What is refused ------------------------------------------------------------------------------


def _not_a_bundle(b):
    b.clear()
    b.update({"resourceType": "Patient", "id": "x"})


def _not_a_message(b):
    b["type"] = "collection"


def _header_not_first(b):
    b["entry"][0], b["entry"][1] = b["entry"][1], b["entry"][0]


def _another_event(b):
    resource(b, "MessageHeader")["eventCoding"]["code"] = "hospital-notification-message"


def _another_event_system(b):
    resource(b, "MessageHeader")["eventCoding"]["system"] = "http://example.org/events"


def _no_patient(b):
    b["entry"] = [e for e in b["entry"] if e["resource"]["resourceType"] != "Patient"]


def _two_patients(b):
    other = json.loads(json.dumps(b["entry"][1]))
    other["resource"]["id"] = "other-patient"
    other["fullUrl"] = "https://medcomfhir.dk/ig/carecommunication/Patient/other-patient"
    b["entry"].insert(5, other)


def _no_cpr(b):
    del resource(b, "Patient")["identifier"]


def _impossible_cpr(b):
    resource(b, "Patient")["identifier"][0]["value"] = "3213479989"


def _cpr_of_someone_born_before_1900(b):
    resource(b, "Patient")["identifier"][0]["value"] = "0101585000"


def _birth_date_not_the_cpr_s(b):
    resource(b, "Patient")["birthDate"] = "1950-01-01"


def _no_family_name(b):
    del resource(b, "Patient")["name"][0]["family"]


def _only_an_attachment(b):
    payload = resource(b, "Communication")["payload"][0]
    del payload["contentString"]
    payload["contentAttachment"] = {
        "contentType": "application/pdf",
        "data": "JVBERi0=",
        "title": "x",
    }


def _empty_text(b):
    resource(b, "Communication")["payload"][0]["contentString"] = "   "


def _sender_without_sor(b):
    org = resource(b, "Organization", 1)
    org["identifier"] = [i for i in org["identifier"] if i["system"] != "urn:oid:1.2.208.176.1.1"]


def _receiver_without_sor(b):
    org = resource(b, "Organization", 0)
    org["identifier"] = [i for i in org["identifier"] if i["system"] != "urn:oid:1.2.208.176.1.1"]


def _no_sender(b):
    del resource(b, "MessageHeader")["sender"]


def _sender_nowhere(b):
    resource(b, "MessageHeader")["sender"]["reference"] = "Organization/not-in-the-bundle"


def _no_destination(b):
    del resource(b, "MessageHeader")["destination"]


def _focus_on_the_patient(b):
    resource(b, "MessageHeader")["focus"][0]["reference"] = (
        "Patient/733cef33-3626-422b-955d-d506aaa65fe1"
    )


def _subject_elsewhere(b):
    resource(b, "Communication")["subject"]["reference"] = "Patient/someone-else"


def _header_without_id(b):
    del resource(b, "MessageHeader")["id"]


def _entry_without_resource(b):
    del b["entry"][3]["resource"]


@pytest.mark.parametrize(
    ("breakage", "expression"),
    [
        (_not_a_bundle, "Bundle.resourceType"),
        (_not_a_message, "Bundle.type"),
        (_header_not_first, "Bundle.entry[0].resource"),
        (_another_event, "Bundle.entry[0].resource.eventCoding.code"),
        (_another_event_system, "Bundle.entry[0].resource.eventCoding.system"),
        (_no_patient, "Bundle.entry"),
        (_two_patients, "Bundle.entry[5].resource"),
        (_no_cpr, "Bundle.entry[1].resource.identifier"),
        (_impossible_cpr, "Bundle.entry[1].resource.identifier[0].value"),
        (_cpr_of_someone_born_before_1900, "Bundle.entry[1].resource.identifier[0].value"),
        (_birth_date_not_the_cpr_s, "Bundle.entry[1].resource.birthDate"),
        (_no_family_name, "Bundle.entry[1].resource.name[0].family"),
        (_only_an_attachment, "Bundle.entry[2].resource.payload"),
        (_empty_text, "Bundle.entry[2].resource.payload"),
        (_sender_without_sor, "Bundle.entry[6].resource.identifier"),
        (_receiver_without_sor, "Bundle.entry[5].resource.identifier"),
        (_no_sender, "Bundle.entry[0].resource.sender"),
        (_sender_nowhere, "Bundle.entry[0].resource.sender.reference"),
        (_no_destination, "Bundle.entry[0].resource.destination"),
        (_focus_on_the_patient, "Bundle.entry[0].resource.focus[0].reference"),
        (_subject_elsewhere, "Bundle.entry[2].resource.subject.reference"),
        (_header_without_id, "Bundle.entry[0].resource.id"),
        (_entry_without_resource, "Bundle.entry[3].resource"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else "",
)
def test_an_invalid_message_is_a_400_naming_the_element_and_stores_nothing(
    gateway, team, breakage, expression
):
    bundle = load(NEW)
    breakage(bundle)
    rows = stored_rows()

    issues = _outcome(send(gateway, bundle))

    assert expression in _expressions(issues), issues
    assert stored_rows() == rows


def test_a_receiver_brobyg_does_not_answer_for_is_refused(gateway, team, settings):
    settings.BROBYG_MEDCOM_SOR = ["111111111111111", "222222222222222"]
    rows = stored_rows()

    issues = _outcome(send(gateway, load(NEW)))

    assert _expressions(issues) == ["Bundle.entry[5].resource.identifier[0].value"]
    assert CARE_HOME_SOR in issues[0]["diagnostics"]
    assert stored_rows() == rows


def test_a_receiver_brobyg_answers_for_is_taken_in(gateway, team, settings):
    settings.BROBYG_MEDCOM_SOR = ["111111111111111", CARE_HOME_SOR]

    assert send(gateway, load(NEW)).status_code == 200


def test_body_that_is_not_json_is_a_400_outcome(gateway, team):
    rows = stored_rows()

    issues = _outcome(send(gateway, "{not json"))

    assert issues[0]["code"] == "structure"
    assert stored_rows() == rows


def test_several_faults_are_named_together(gateway, team):
    bundle = load(NEW)
    _no_cpr(bundle)
    _empty_text(bundle)

    issues = _outcome(send(gateway, bundle))

    assert {
        "Bundle.entry[1].resource.identifier",
        "Bundle.entry[2].resource.payload",
    } <= set(_expressions(issues))


def test_without_a_bridge_builders_team_nothing_is_stored_and_the_gateway_tries_again(gateway):
    rows = stored_rows()

    issues = _outcome(send(gateway, load(NEW)), status=503)

    assert issues[0]["code"] == "transient"
    assert stored_rows() == rows


# --- Who may send ---------------------------------------------------------------------------------


def test_without_a_token_it_is_a_401_outcome(api_client, team):
    issues = _outcome(send(api_client, load(NEW)), status=401)
    assert issues[0]["code"] == "login"
    assert not Referral.objects.exists()


def test_a_system_without_the_medcom_scope_is_refused(team):
    client = gateway_client(ApiScope.REFERRALS_CREATE, name="Lægesystem")
    issues = _outcome(send(client, load(NEW)), status=403)
    assert issues[0]["code"] == "forbidden"
    assert not Referral.objects.exists()


def test_a_person_is_refused_even_one_who_may_refer(api_client, team):
    api_client.force_authenticate(UserFactory(referrer=True))
    _outcome(send(api_client, load(NEW)), status=403)
    assert not Referral.objects.exists()


def test_a_body_that_is_not_fhir_json_is_a_415(gateway, team):
    issues = _outcome(send(gateway, "a=b", content_type="text/plain"), status=415)
    assert issues[0]["code"] == "not-supported"


def test_plain_json_is_read_as_well(gateway, team):
    assert send(gateway, load(NEW), content_type="application/json").status_code == 200


def test_only_post_is_allowed(gateway, team):
    _outcome(gateway.get(PROCESS), status=405)


def test_the_fhir_endpoints_are_not_in_the_openapi_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert not [path for path in schema["paths"] if "fhir" in path]
