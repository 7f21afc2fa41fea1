"""Building the FHIR R4 JSON Brobyg sends: the MedCom acknowledgement of a received message,
the CareCommunication reply to the GP (as 2nd-message.fsh shows a reply), and the
OperationOutcome that says what is wrong with a message.

Each message is addressed back along the way the received one came: to its sender's
Organization (copied as received, with its SOR code) at the endpoint it came from, from the
Organization it was sent to. Entries have full URLs under Brobyg's address
(BROBYG_BASE_URL/fhir/Type/id) and refer to each other as Type/id, as MedCom's examples do.
"""

import copy
import uuid
from datetime import datetime
from html import escape

from django.conf import settings
from django.utils import timezone

from medcom.constants import (
    ACK_DEFINITION,
    ACK_HEADER_PROFILE,
    ACK_MESSAGE_PROFILE,
    ACKNOWLEDGEMENT_EVENT,
    ACTIVITY_SYSTEM,
    AUTHOR_EXTENSION,
    CARE_COMMUNICATION_EVENT,
    CC_COMMUNICATION_PROFILE,
    CC_DEFINITION,
    CC_HEADER_PROFILE,
    CC_MESSAGE_PROFILE,
    CC_PROVENANCE_PROFILE,
    CONTACT_EXTENSION,
    DATETIME_EXTENSION,
    DESTINATION_USE_EXTENSION,
    DESTINATION_USE_SYSTEM,
    EVENT_SYSTEM,
    IDENTIFIER_EXTENSION,
    MESSAGING_PROVENANCE_PROFILE,
    PRACTITIONER_PROFILE,
    PRACTITIONER_ROLE_PROFILE,
    SOR_ENDPOINT,
    IssueType,
)
from medcom.parsing import CareCommunication, Issue, Organisation


def fhir_ordered(value):
    """`value` with each resource's resourceType first, as FHIR JSON is read most easily. The
    database keeps JSON in an order of its own: what is sent is put in this one, so the same
    message is the same bytes whether just made or read back."""
    if isinstance(value, dict):
        ordered = {"resourceType": value["resourceType"]} if "resourceType" in value else {}
        ordered.update((key, fhir_ordered(item)) for key, item in value.items())
        return ordered
    if isinstance(value, list):
        return [fhir_ordered(item) for item in value]
    return value


def fhir_time(moment: datetime) -> str:
    """A FHIR instant in Danish time with its offset, to the second."""
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def _new_id() -> str:
    return str(uuid.uuid4())


def _full_url(resource: dict) -> str:
    return f"{settings.BROBYG_BASE_URL}/fhir/{resource['resourceType']}/{resource['id']}"


def _reference(resource: dict) -> dict:
    return {"reference": f"{resource['resourceType']}/{resource['id']}"}


def _narrative(*lines: str) -> dict:
    """MedCom asks for a narrative on what a person reads: the values, as XHTML."""
    body = "".join(f"<p>{escape(line)}</p>" for line in lines if line)
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def _bundle(*, bundle_id: str, profile: str, now: datetime, resources: list[dict]) -> dict:
    return {
        "resourceType": "Bundle",
        "id": bundle_id,
        "meta": {"profile": [profile]},
        "type": "message",
        "timestamp": fhir_time(now),
        "entry": [{"fullUrl": _full_url(r), "resource": r} for r in resources],
    }


def _organisation(organisation: Organisation) -> dict:
    """The Organization as the received message had it (its SOR and EAN numbers, its name)."""
    resource = copy.deepcopy(organisation.resource)
    resource.pop("text", None)
    return resource


def _endpoint(given: str, organisation: Organisation) -> str:
    return given or SOR_ENDPOINT.format(sor=organisation.sor)


def _header(
    *,
    header_id: str,
    profile: str,
    event: str,
    definition: str,
    to: dict,
    to_endpoint: str,
    sender: dict,
    source_endpoint: str,
    now: datetime,
    **extra,
) -> dict:
    return {
        "resourceType": "MessageHeader",
        "id": header_id,
        "meta": {"profile": [profile]},
        "text": _narrative(
            f"{event} {fhir_time(now)}",
            f"→ {to.get('name', '')} ({to_endpoint})",
            f"← {sender.get('name', '')} ({source_endpoint})",
        ),
        "eventCoding": {"system": EVENT_SYSTEM, "code": event},
        "destination": [
            {
                "extension": [
                    {
                        "url": DESTINATION_USE_EXTENSION,
                        "valueCoding": {"system": DESTINATION_USE_SYSTEM, "code": "primary"},
                    }
                ],
                "endpoint": to_endpoint,
                "receiver": _reference(to),
            }
        ],
        "sender": _reference(sender),
        "source": {"endpoint": source_endpoint},
        **extra,
        "definition": definition,
    }


def _provenance(
    *, profile: str, header: dict, activity: str, agent: dict, now: datetime, entity: list
) -> dict:
    moment = fhir_time(now)
    return {
        "resourceType": "Provenance",
        "id": _new_id(),
        "meta": {"profile": [profile]},
        "text": _narrative(f"{activity} {moment}", agent.get("name", "")),
        "target": [_reference(header)],
        "occurredDateTime": moment,
        "recorded": moment,
        "activity": {"coding": [{"system": ACTIVITY_SYSTEM, "code": activity}]},
        "agent": [{"who": _reference(agent)}],
        "entity": entity,
    }


def _preceding(message: CareCommunication) -> dict:
    """The received message, as a Provenance names the message it answers: its MessageHeader
    by the address the sender gave it, or else as MessageHeader/id as MedCom's examples do."""
    full_url = message.header_full_url
    if not full_url.startswith(("https://", "http://")):
        full_url = f"MessageHeader/{message.header_id}"
    return {"role": "revision", "what": {"reference": full_url}}


def acknowledgement_build(*, message: CareCommunication, now: datetime | None = None) -> dict:
    """The MedCom acknowledgement (response code `ok`) of a message taken in."""
    now = now or timezone.now()
    ours, theirs = _organisation(message.receiver), _organisation(message.sender)
    header = _header(
        header_id=_new_id(),
        profile=ACK_HEADER_PROFILE,
        event=ACKNOWLEDGEMENT_EVENT,
        definition=ACK_DEFINITION,
        to=theirs,
        to_endpoint=_endpoint(message.sender_endpoint, message.sender),
        sender=ours,
        source_endpoint=_endpoint(message.receiver_endpoint, message.receiver),
        now=now,
        response={"identifier": message.header_id, "code": "ok"},
    )
    provenance = _provenance(
        profile=MESSAGING_PROVENANCE_PROFILE,
        header=header,
        activity="acknowledgement",
        agent=ours,
        now=now,
        entity=[_preceding(message)],
    )
    # The received message's own Provenance goes along, as in MedCom's examples.
    received = [copy.deepcopy(p) for p in message.provenances]
    return _bundle(
        bundle_id=_new_id(),
        profile=ACK_MESSAGE_PROFILE,
        now=now,
        resources=[header, *received, provenance, ours, theirs],
    )


def reply_build(
    *,
    message: CareCommunication,
    reply_id: str,
    header_id: str,
    text: str,
    author_given: str,
    author_family: str,
    author_role: str,
    author_phone: str,
    now: datetime | None = None,
) -> dict:
    """A CareCommunication reply to `message`, in its thread (the same Communication
    identifier, category and topic) about the same Patient, with one new payload of `text`."""
    now = now or timezone.now()
    moment = fhir_time(now)
    ours, theirs = _organisation(message.receiver), _organisation(message.sender)
    patient = copy.deepcopy(message.patient)
    patient.pop("text", None)
    practitioner = {
        "resourceType": "Practitioner",
        "id": _new_id(),
        "meta": {"profile": [PRACTITIONER_PROFILE]},
        "name": [{"family": author_family, "given": [author_given]}],
    }
    role = {
        "resourceType": "PractitionerRole",
        "id": _new_id(),
        "meta": {"profile": [PRACTITIONER_ROLE_PROFILE]},
        "practitioner": _reference(practitioner),
        "organization": _reference(ours),
        # A role in words: Brobyg's roles have no code in MedCom's list.
        "code": [{"text": author_role}],
    }
    payload_id = f"urn:uuid:{_new_id()}"
    extensions = [
        {"url": DATETIME_EXTENSION, "valueDateTime": moment},
        {
            "url": IDENTIFIER_EXTENSION,
            "valueIdentifier": {"value": payload_id, "assigner": _reference(ours)},
        },
        {"url": AUTHOR_EXTENSION, "valueReference": _reference(role)},
    ]
    if author_phone:
        extensions.append(
            {
                "url": CONTACT_EXTENSION,
                "valueContactPoint": {"system": "phone", "value": author_phone},
            }
        )
    received = message.communication
    communication = {
        "resourceType": "Communication",
        "id": _new_id(),
        "meta": {"profile": [CC_COMMUNICATION_PROFILE]},
        "text": _narrative(
            message.category_display or message.category,
            message.topic,
            f"{author_given} {author_family}, {author_role}, {author_phone}".strip(", "),
            moment,
            text,
        ),
        # The thread: a reply keeps the identifier of the communication it answers.
        "identifier": copy.deepcopy(received.get("identifier"))
        or [{"value": f"urn:uuid:{_new_id()}"}],
        "status": "unknown",
        **({"category": copy.deepcopy(received["category"])} if received.get("category") else {}),
        "subject": _reference(patient),
        **({"topic": copy.deepcopy(received["topic"])} if received.get("topic") else {}),
        "payload": [{"extension": extensions, "contentString": text}],
    }
    header = _header(
        header_id=header_id,
        profile=CC_HEADER_PROFILE,
        event=CARE_COMMUNICATION_EVENT,
        definition=CC_DEFINITION,
        to=theirs,
        to_endpoint=_endpoint(message.sender_endpoint, message.sender),
        sender=ours,
        source_endpoint=_endpoint(message.receiver_endpoint, message.receiver),
        now=now,
        focus=[_reference(communication)],
    )
    provenance = _provenance(
        profile=CC_PROVENANCE_PROFILE,
        header=header,
        activity="reply-message",
        agent=ours,
        now=now,
        entity=[
            _preceding(message),
            {"role": "source", "what": {"identifier": {"value": payload_id}}},
        ],
    )
    return _bundle(
        bundle_id=reply_id,
        profile=CC_MESSAGE_PROFILE,
        now=now,
        resources=[header, patient, communication, role, practitioner, ours, theirs, provenance],
    )


def operation_outcome(issues: list[Issue], *, severity: str = "error") -> dict:
    """A FHIR OperationOutcome: each issue with its type, its sentence and its element."""
    return {
        "resourceType": "OperationOutcome",
        "issue": [
            {
                "severity": severity,
                "code": issue.code,
                "diagnostics": issue.message,
                **({"expression": [issue.expression]} if issue.expression else {}),
            }
            for issue in issues
        ],
    }


def information(message: str) -> dict:
    """An OperationOutcome that only says something went well."""
    return operation_outcome(
        [Issue(None, message, IssueType.INFORMATIONAL)], severity="information"
    )
