"""The structure of the messages Brobyg sends, checked element by element against what the
MedCom profiles and FHIR R4 require (MedComAcknowledgementMessage,
MedComCareCommunicationMessage): every required element present, every reference resolving
inside the bundle."""

import re

ID = re.compile(r"^[A-Za-z0-9\-\.]{1,64}$")
INSTANT = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
EVENTS = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-eventCodes"
ACTIVITIES = "http://medcomfhir.dk/ig/terminology/CodeSystem/medcom-messaging-activityCodes"
SOR = "urn:oid:1.2.208.176.1.1"


def resolve(bundle: dict, reference: str) -> dict:
    """The resource a reference inside the bundle points to (fails if none)."""
    for entry in bundle["entry"]:
        if reference == entry["fullUrl"] or entry["fullUrl"].endswith("/" + reference):
            return entry["resource"]
    raise AssertionError(f"{reference} resolves to nothing in the bundle")


def assert_message_bundle(bundle: dict) -> dict:
    """A FHIR R4 message: returns its MessageHeader."""
    assert bundle["resourceType"] == "Bundle"
    assert ID.match(bundle["id"])
    assert bundle["type"] == "message"
    assert INSTANT.match(bundle["timestamp"]), bundle["timestamp"]
    assert bundle["entry"], "a message has entries"
    seen = set()
    for entry in bundle["entry"]:
        res = entry["resource"]
        assert ID.match(res["id"]), res
        assert entry["fullUrl"].endswith(f"/{res['resourceType']}/{res['id']}"), entry["fullUrl"]
        assert entry["fullUrl"] not in seen, "each entry once"
        seen.add(entry["fullUrl"])
    header = bundle["entry"][0]["resource"]
    assert header["resourceType"] == "MessageHeader", "the MessageHeader comes first"
    assert_narrative(header)
    assert header["eventCoding"]["system"] == EVENTS
    # MessageHeader: destination.endpoint, destination.receiver, sender, source.endpoint.
    assert len(header["destination"]) == 1
    destination = header["destination"][0]
    assert destination["endpoint"].startswith("https://")
    assert destination["extension"][0]["valueCoding"]["code"] == "primary"
    assert_sor_organisation(resolve(bundle, destination["receiver"]["reference"]))
    assert_sor_organisation(resolve(bundle, header["sender"]["reference"]))
    assert header["source"]["endpoint"].startswith("https://")
    assert header["definition"].startswith(
        "http://medcomfhir.dk/ig/messagedefinitions/MessageDefinition/"
    )
    return header


def assert_narrative(resource: dict) -> None:
    """MedCom: a narrative on what a person reads (XHTML in FHIR's namespace)."""
    assert resource["text"]["status"] == "generated"
    assert resource["text"]["div"].startswith('<div xmlns="http://www.w3.org/1999/xhtml">')
    assert resource["text"]["div"].endswith("</div>")


def assert_sor_organisation(organisation: dict) -> str:
    assert organisation["resourceType"] == "Organization"
    assert organisation["name"]
    sor = [i["value"] for i in organisation["identifier"] if i["system"] == SOR]
    assert len(sor) == 1 and sor[0].isdigit()
    return sor[0]


def provenance_of(bundle: dict, header: dict) -> dict:
    """The Provenance whose target is this message's header."""
    own = [
        e["resource"]
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "Provenance"
        and e["resource"]["target"][0]["reference"] == f"MessageHeader/{header['id']}"
    ]
    assert len(own) == 1, "one Provenance for the message itself"
    provenance = own[0]
    assert_narrative(provenance)
    assert INSTANT.match(provenance["recorded"])
    assert provenance["occurredDateTime"]
    resolve(bundle, provenance["agent"][0]["who"]["reference"])
    assert provenance["activity"]["coding"][0]["system"] == ACTIVITIES
    return provenance


def assert_acknowledgement(
    ack: dict, *, received_header_id: str, sender_sor: str, receiver_sor: str
):
    """A MedCom acknowledgement of the message with this MessageHeader id, going back to its
    sender: response.identifier is the received header's id and response.code `ok`."""
    assert ack["meta"]["profile"] == [
        "http://medcomfhir.dk/ig/acknowledgement/StructureDefinition/medcom-messaging-acknowledgement"
    ]
    header = assert_message_bundle(ack)
    assert header["eventCoding"]["code"] == "acknowledgement-message"
    assert header["response"] == {"identifier": received_header_id, "code": "ok"}
    assert header["id"] != received_header_id
    receiver = resolve(ack, header["destination"][0]["receiver"]["reference"])
    sender = resolve(ack, header["sender"]["reference"])
    assert assert_sor_organisation(receiver) == sender_sor, "back to the message's sender"
    assert assert_sor_organisation(sender) == receiver_sor, "from the message's receiver"
    provenance = provenance_of(ack, header)
    assert provenance["activity"]["coding"][0]["code"] == "acknowledgement"
    assert provenance["entity"][0]["role"] == "revision"
    assert provenance["entity"][0]["what"]["reference"].endswith(
        f"MessageHeader/{received_header_id}"
    )
    return header


def assert_care_communication_reply(reply: dict, *, preceding_header_id: str) -> dict:
    """A CareCommunication reply (2nd-message.fsh): the Communication in focus with one
    Patient, a text payload with date, identifier, author and author contact, and a Provenance
    `reply-message` naming the message it answers."""
    header = assert_message_bundle(reply)
    assert header["eventCoding"]["code"] == "care-communication-message"
    patients = [e for e in reply["entry"] if e["resource"]["resourceType"] == "Patient"]
    assert len(patients) == 1
    communication = resolve(reply, header["focus"][0]["reference"])
    assert communication["resourceType"] == "Communication"
    assert communication["status"] == "unknown"
    assert_narrative(communication)
    assert communication["identifier"][0]["value"].startswith("urn:uuid:")
    assert communication["category"][0]["coding"][0]["code"]
    assert resolve(reply, communication["subject"]["reference"]) == patients[0]["resource"]
    texts = [p for p in communication["payload"] if "contentString" in p]
    assert texts and all(p["contentString"].strip() for p in texts)
    urls = {e["url"].rsplit("/", 1)[-1]: e for e in texts[-1]["extension"]}
    assert INSTANT.match(urls["medcom-core-datetime-extension"]["valueDateTime"])
    identifier = urls["medcom-core-identifier-extension"]["valueIdentifier"]
    assert identifier["value"].startswith("urn:uuid:")
    resolve(reply, identifier["assigner"]["reference"])
    role = resolve(reply, urls["medcom-core-practitioner-extension"]["valueReference"]["reference"])
    assert role["resourceType"] == "PractitionerRole"
    assert bool(role["code"][0].get("text")) != bool(role["code"][0].get("coding"))
    practitioner = resolve(reply, role["practitioner"]["reference"])
    assert practitioner["name"][0]["family"] and practitioner["name"][0]["given"]
    assert urls["medcom-core-contact-extension"]["valueContactPoint"]["system"] == "phone"
    provenance = provenance_of(reply, header)
    assert provenance["activity"]["coding"][0]["code"] == "reply-message"
    revision = [e for e in provenance["entity"] if e["role"] == "revision"]
    assert revision[0]["what"]["reference"].endswith(f"MessageHeader/{preceding_header_id}")
    sources = [
        e["what"]["identifier"]["value"] for e in provenance["entity"] if e["role"] == "source"
    ]
    assert identifier["value"] in sources
    return communication
