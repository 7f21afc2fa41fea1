"""Reading a MedCom CareCommunication message (FHIR R4 JSON): what the profile requires and
Brobyg relies on is checked, and each fault is named by its element, FHIRPath-like
(`Bundle.entry[2].resource.identifier`); everything else is accepted as sent.

Checked: a Bundle of type "message" whose first entry is the MessageHeader with the event
`care-communication-message` (MedCom's event code system); the sender and the receiver, each an
Organization in the message with a SOR code (and the receiver one of BROBYG_MEDCOM_SOR, when
set); exactly one Patient, with a CPR number; the Communication in the header's focus, about
that Patient, with at least one payload of text. Not checked, and kept as sent: extra entries,
missing optional parts (topic, author, contact, Provenance, EAN numbers, meta, the given name),
narratives, times in any offset. Real senders write the OIDs with or without "urn:oid:"; both
are read. The message's time (Bundle.timestamp) and each payload's are refused when before 1900
or more than a day ahead of Brobyg's clock (reading.fhir_instant).
"""

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _

from core.validators import validate_birth_date
from medcom.constants import (
    CARE_COMMUNICATION_EVENT,
    CPR_SYSTEM,
    EVENT_SYSTEM,
    REPLACEMENT_CPR_ARC,
    SOR_SYSTEM,
    IssueType,
)
from medcom.parsing.reading import (
    FHIR_ID,
    InstantOutOfRange,
    References,
    as_list,
    extension,
    extension_index,
    fhir_instant,
    list_of_str,
    message_text,
    oid,
    text,
)
from referrals.cpr import cpr_parse

_POSTCODE = re.compile(r"^\d{4}$")

NAME_MAX = 100
UNKNOWN_GIVEN_NAME = "–"


@dataclass(frozen=True)
class Issue:
    """One fault: the element (None for the message as a whole), a sentence, and its type."""

    expression: str | None
    message: str
    code: str = IssueType.INVALID


class MessageInvalid(Exception):
    """The message cannot be taken in; `issues` says why, element by element."""

    def __init__(self, issues: list[Issue]):
        self.issues = list(issues)
        super().__init__("; ".join(f"{i.expression}: {i.message}" for i in self.issues))


@dataclass(frozen=True)
class Organisation:
    index: int  # its entry in the bundle
    sor: str
    sor_index: int  # its SOR code's place among the identifiers
    name: str
    resource: dict


@dataclass(frozen=True)
class Author:
    name: str = ""
    role: str = ""
    phone: str = ""


@dataclass(frozen=True)
class CareCommunication:
    """A valid CareCommunication, as Brobyg uses it."""

    bundle: dict
    header: dict
    header_id: str
    header_full_url: str
    sent_at: datetime | None
    sender: Organisation
    receiver: Organisation
    sender_endpoint: str
    receiver_endpoint: str
    patient: dict
    citizen: dict  # as referrals.services.citizen_resolve takes it
    communication: dict
    category: str
    category_display: str
    topic: str
    priority: str
    texts: list[str]
    written_at: datetime | None
    author: Author
    provenances: list[dict] = field(default_factory=list)

    @property
    def reason(self) -> str:
        """The referral's reason: the category and the topic the sender chose, then the text."""
        heading = " · ".join(p for p in (self.category_display or self.category, self.topic) if p)
        return "\n\n".join(p for p in (heading, *self.texts) if p)


# --- The message ----------------------------------------------------------------------------------


class _Reader:
    def __init__(self, bundle, accepted_receivers):
        self.bundle = bundle
        self.accepted_receivers = {str(s).strip() for s in accepted_receivers or () if s}
        self.issues: list[Issue] = []

    def fault(self, expression: str | None, message: str, code: str = IssueType.INVALID) -> None:
        self.issues.append(Issue(expression, message, code))

    def stop_if_faulty(self) -> None:
        if self.issues:
            raise MessageInvalid(self.issues)

    def instant(self, expression: str, value) -> datetime | None:
        """The time at `expression`; None when the element is not there, and None with the fault
        named when it cannot be read as a time or is out of bounds."""
        try:
            moment = fhir_instant(value)
        except InstantOutOfRange as exc:
            self.fault(expression, str(exc), IssueType.VALUE)
            return None
        if moment is None and value not in (None, ""):
            self.fault(
                expression,
                _("Not a date and time as FHIR writes one, e.g. 2026-03-02T10:15:00+01:00."),
                IssueType.VALUE,
            )
        return moment

    def payload_time(self, at: str, payload: dict) -> datetime | None:
        """When the payload at `at` was written (MedCom's datetime extension), if it says."""
        n = extension_index(payload, "medcom-core-datetime-extension")
        if n is None:
            return None
        found = as_list(payload.get("extension"))[n]
        return self.instant(f"{at}.extension[{n}].valueDateTime", found.get("valueDateTime"))

    # The bundle and its entries, before anything inside them can be read.
    def entries(self) -> list[dict]:
        bundle = self.bundle
        if not isinstance(bundle, dict) or bundle.get("resourceType") != "Bundle":
            self.fault(
                "Bundle.resourceType",
                _("A MedCom message is a FHIR Bundle: resourceType must be “Bundle”."),
                IssueType.STRUCTURE,
            )
            self.stop_if_faulty()
        if bundle.get("type") != "message":
            self.fault(
                "Bundle.type",
                _("A MedCom message is a Bundle of type “message”."),
                IssueType.VALUE,
            )
        entries = bundle.get("entry")
        if not isinstance(entries, list) or not entries:
            self.fault("Bundle.entry", _("The message has no entries."), IssueType.REQUIRED)
            self.stop_if_faulty()
        for n, entry in enumerate(entries):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
                self.fault(
                    f"Bundle.entry[{n}].resource",
                    _("Each entry must hold a resource with its resourceType."),
                    IssueType.REQUIRED,
                )
        self.stop_if_faulty()
        return entries

    def reference(self, refs: References, expression: str, element, resource_type: str):
        """The entry `element` (a Reference at `expression`) points to, which must be a
        `resource_type`; None, with the fault named, if it is missing or points elsewhere."""
        if not isinstance(element, dict) or not element.get("reference"):
            self.fault(
                expression,
                _("A reference to the %(type)s in the message is missing.")
                % {"type": resource_type},
                IssueType.REQUIRED,
            )
            return None
        reference = element["reference"]
        n = refs.find(reference)
        if n is None:
            self.fault(
                f"{expression}.reference",
                _("“%(reference)s” is not in the message.") % {"reference": reference},
                IssueType.INVALID,
            )
            return None
        found = refs.entries[n]["resource"]["resourceType"]
        if found != resource_type:
            self.fault(
                f"{expression}.reference",
                _("“%(reference)s” is a %(found)s; it must be the %(type)s.")
                % {"reference": reference, "found": found, "type": resource_type},
                IssueType.INVALID,
            )
            return None
        return n

    def header(self, entries) -> dict:
        header = entries[0]["resource"]
        if header["resourceType"] != "MessageHeader":
            self.fault(
                "Bundle.entry[0].resource",
                _("The first entry of a message must be its MessageHeader."),
                IssueType.STRUCTURE,
            )
            self.stop_if_faulty()
        at = "Bundle.entry[0].resource"
        if not isinstance(header.get("id"), str) or not FHIR_ID.match(header["id"]):
            self.fault(
                f"{at}.id",
                _(
                    "The MessageHeader needs an id (up to 64 letters, digits, “-” and “.”): it "
                    "tells one message from another."
                ),
                IssueType.REQUIRED,
            )
        event = header.get("eventCoding")
        if not isinstance(event, dict):
            self.fault(
                f"{at}.eventCoding",
                _("The MessageHeader must have the event %(code)s from %(system)s.")
                % {"code": CARE_COMMUNICATION_EVENT, "system": EVENT_SYSTEM},
                IssueType.REQUIRED,
            )
        else:
            if event.get("system") != EVENT_SYSTEM:
                self.fault(
                    f"{at}.eventCoding.system",
                    _("The event's code system must be %(system)s.") % {"system": EVENT_SYSTEM},
                    IssueType.VALUE,
                )
            if event.get("code") != CARE_COMMUNICATION_EVENT:
                self.fault(
                    f"{at}.eventCoding.code",
                    _("Brobyg takes in CareCommunication messages (event %(code)s) only.")
                    % {"code": CARE_COMMUNICATION_EVENT},
                    IssueType.NOT_SUPPORTED,
                )
        return header

    def organisation(self, refs: References, n: int | None) -> Organisation | None:
        if n is None:
            return None
        resource = refs.entries[n]["resource"]
        for j, identifier in enumerate(as_list(resource.get("identifier"))):
            if not isinstance(identifier, dict):
                continue
            value = text(identifier.get("value"))
            if oid(identifier.get("system")) == oid(SOR_SYSTEM) and value:
                if len(value) > 32:
                    break
                name = text(resource.get("name"), 200)
                return Organisation(n, value, j, name, resource)
        self.fault(
            f"Bundle.entry[{n}].resource.identifier",
            _("The organisation needs its SOR code (system %(system)s).") % {"system": SOR_SYSTEM},
            IssueType.REQUIRED,
        )
        return None

    def parties(self, refs: References, header: dict):
        at = "Bundle.entry[0].resource"
        if "sender" not in header:
            self.fault(
                f"{at}.sender",
                _("The MessageHeader must name the sender, an Organization in the message."),
                IssueType.REQUIRED,
            )
            sender = None
        else:
            sender = self.organisation(
                refs, self.reference(refs, f"{at}.sender", header["sender"], "Organization")
            )
        destinations = as_list(header.get("destination"))
        receiver, receiver_endpoint = None, ""
        if not destinations:
            self.fault(
                f"{at}.destination",
                _("The MessageHeader must name the receiver (destination)."),
                IssueType.REQUIRED,
            )
        else:
            d = next(
                (
                    k
                    for k, destination in enumerate(destinations)
                    if isinstance(destination, dict)
                    and (
                        (
                            extension(destination, "medcom-messaging-destinationUseExtension") or {}
                        ).get("valueCoding")
                        or {}
                    ).get("code")
                    == "primary"
                ),
                0,
            )
            destination = destinations[d] if isinstance(destinations[d], dict) else {}
            receiver_endpoint = text(destination.get("endpoint"))
            receiver = self.organisation(
                refs,
                self.reference(
                    refs,
                    f"{at}.destination[{d}].receiver",
                    destination.get("receiver"),
                    "Organization",
                ),
            )
        if receiver and self.accepted_receivers and receiver.sor not in self.accepted_receivers:
            self.fault(
                f"Bundle.entry[{receiver.index}].resource.identifier[{receiver.sor_index}].value",
                _("Brobyg does not receive MedCom messages for SOR code %(sor)s.")
                % {"sor": receiver.sor},
                IssueType.BUSINESS_RULE,
            )
        source = header.get("source") if isinstance(header.get("source"), dict) else {}
        return sender, receiver, text(source.get("endpoint")), receiver_endpoint

    def patient(self, entries) -> tuple[int | None, dict]:
        found = [n for n, e in enumerate(entries) if e["resource"]["resourceType"] == "Patient"]
        if not found:
            self.fault(
                "Bundle.entry",
                _("The message must hold exactly one Patient: the citizen it is about."),
                IssueType.REQUIRED,
            )
            return None, {}
        for n in found[1:]:
            self.fault(
                f"Bundle.entry[{n}].resource",
                _("The message must hold exactly one Patient; this is one more."),
                IssueType.INVALID,
            )
        if len(found) > 1:
            return None, {}
        n = found[0]
        return n, self.citizen(n, entries[n]["resource"])

    def citizen(self, n: int, patient: dict) -> dict:
        at = f"Bundle.entry[{n}].resource"
        data: dict = {}
        identifiers = as_list(patient.get("identifier"))
        systems = [oid(i.get("system")) if isinstance(i, dict) else "" for i in identifiers]
        cpr_birth_date = None
        if oid(CPR_SYSTEM) in systems:
            j = systems.index(oid(CPR_SYSTEM))
            try:
                digits, cpr_birth_date = cpr_parse(text(identifiers[j].get("value")))
                # The same bounds as any citizen's date of birth (born 1900 or later).
                validate_birth_date(cpr_birth_date)
            except ValidationError as exc:
                self.fault(f"{at}.identifier[{j}].value", exc.messages[0], IssueType.VALUE)
            else:
                data["cpr"] = digits
        else:
            replacement = next(
                (j for j, s in enumerate(systems) if s.startswith(REPLACEMENT_CPR_ARC + ".")), None
            )
            if replacement is not None:
                self.fault(
                    f"{at}.identifier[{replacement}]",
                    _(
                        "The citizen has a replacement CPR number (%(system)s) only. Brobyg finds "
                        "a citizen again by their CPR number and takes in no referral without "
                        "one: refer the citizen by phone or with Brobyg's referral form."
                    )
                    % {"system": identifiers[replacement].get("system")},
                    IssueType.NOT_SUPPORTED,
                )
            else:
                self.fault(
                    f"{at}.identifier",
                    _("The Patient must have a CPR number (system %(system)s).")
                    % {"system": CPR_SYSTEM},
                    IssueType.REQUIRED,
                )
        names = [name for name in as_list(patient.get("name")) if isinstance(name, dict)]
        if not names:
            self.fault(f"{at}.name", _("The Patient's name is missing."), IssueType.REQUIRED)
        else:
            k = next((k for k, name in enumerate(names) if name.get("use") == "official"), 0)
            name = names[k]
            family = text(name.get("family"))
            given = " ".join(text(g) for g in list_of_str(name.get("given")) if text(g))
            for value, part in [(family, "family"), (given, "given")]:
                if not value and part == "family":
                    self.fault(
                        f"{at}.name[{k}].family",
                        _("The Patient's family name is missing."),
                        IssueType.REQUIRED,
                    )
                elif len(value) > NAME_MAX:
                    self.fault(
                        f"{at}.name[{k}].{part}",
                        _("A name can be at most %(max)s characters.") % {"max": NAME_MAX},
                        IssueType.VALUE,
                    )
            # The profile lets a sender leave the given name out; a citizen's record has one:
            # a dash, until the bridge-builder writes it in (identity is the CPR number's).
            data["first_name"], data["last_name"] = given or UNKNOWN_GIVEN_NAME, family
        birth_date = patient.get("birthDate")
        if isinstance(birth_date, str) and len(birth_date) == 10 and cpr_birth_date:
            try:
                written = date.fromisoformat(birth_date)
            except ValueError:
                written = None
            if written != cpr_birth_date:
                self.fault(
                    f"{at}.birthDate",
                    _("The date of birth is not the one the CPR number holds."),
                    IssueType.VALUE,
                )
        data.update(_contact_details(patient))
        return data

    def communication(self, refs: References, header: dict, patient_n: int | None):
        at = "Bundle.entry[0].resource"
        focus = as_list(header.get("focus"))
        if focus:
            n = self.reference(refs, f"{at}.focus[0]", focus[0], "Communication")
        else:
            found = [
                k
                for k, e in enumerate(refs.entries)
                if e["resource"]["resourceType"] == "Communication"
            ]
            n = found[0] if len(found) == 1 else None
            if n is None:
                self.fault(
                    f"{at}.focus",
                    _("The MessageHeader's focus must be the Communication."),
                    IssueType.REQUIRED,
                )
        if n is None:
            return None
        communication = refs.entries[n]["resource"]
        at = f"Bundle.entry[{n}].resource"
        subject = self.reference(refs, f"{at}.subject", communication.get("subject"), "Patient")
        if subject is not None and patient_n is not None and subject != patient_n:
            self.fault(
                f"{at}.subject.reference",
                _("The Communication must be about the message's Patient."),
                IssueType.INVALID,
            )
        # Each payload with a text, with the time it was written.
        texts = [
            (payload, self.payload_time(f"{at}.payload[{k}]", payload))
            for k, payload in enumerate(as_list(communication.get("payload")))
            if isinstance(payload, dict) and message_text(text(payload.get("contentString")))
        ]
        if not texts:
            self.fault(
                f"{at}.payload",
                _("The Communication needs at least one payload with a message text."),
                IssueType.REQUIRED,
            )
        return communication, texts


def _contact_details(patient: dict) -> dict:
    """Phone, e-mail and address where the sender gave them in a form Brobyg keeps; anything
    else stays in the message as sent."""
    details = {}
    for point in as_list(patient.get("telecom")):
        if not isinstance(point, dict):
            continue
        value, system = text(point.get("value")), point.get("system")
        if system in (None, "phone", "sms") and value and "phone" not in details:
            details["phone"] = value[:32]
        elif system == "email" and value and "email" not in details:
            try:
                validate_email(value)
            except ValidationError:
                continue
            details["email"] = value
    addresses = [a for a in as_list(patient.get("address")) if isinstance(a, dict)]
    if addresses:
        address = addresses[0]
        line = ", ".join(text(x) for x in list_of_str(address.get("line")) if text(x))
        if line:
            details["address"] = line[:200]
        postcode = text(address.get("postalCode"))
        if _POSTCODE.match(postcode):
            details["postcode"] = postcode
            if text(address.get("city")):
                details["city"] = text(address.get("city"), 100)
    return details


def _category(communication: dict) -> tuple[str, str]:
    for concept in as_list(communication.get("category")):
        for coding in as_list(concept.get("coding")) if isinstance(concept, dict) else []:
            if isinstance(coding, dict) and text(coding.get("code")):
                return text(coding.get("code"), 64), text(coding.get("display"), 100)
    return "", ""


def _author(refs: References, payload: dict) -> Author:
    """Who wrote the payload, and the phone number to reach them (the payload's extensions)."""
    name = role = ""
    author = extension(payload, "medcom-core-practitioner-extension") or {}
    practitioner_role = refs.resource(author.get("valueReference"), "PractitionerRole")
    practitioner = refs.resource(author.get("valueReference"), "Practitioner")
    if practitioner_role is not None:
        practitioner = refs.resource(practitioner_role.get("practitioner"), "Practitioner")
        for code in as_list(practitioner_role.get("code")):
            if isinstance(code, dict):
                coding = next((c for c in as_list(code.get("coding")) if isinstance(c, dict)), {})
                role = (
                    text(code.get("text"))
                    or text(coding.get("display"))
                    or text(coding.get("code"))
                )
                break
    if practitioner is not None:
        names = [n for n in as_list(practitioner.get("name")) if isinstance(n, dict)]
        if names:
            parts = [*list_of_str(names[0].get("given")), text(names[0].get("family"))]
            name = " ".join(text(p) for p in parts if text(p)) or text(names[0].get("text"))
    contact = extension(payload, "medcom-core-contact-extension") or {}
    point = (
        contact.get("valueContactPoint")
        if isinstance(contact.get("valueContactPoint"), dict)
        else {}
    )
    return Author(name=name, role=role, phone=text(point.get("value"), 32))


def parse_care_communication(bundle, *, accepted_receivers) -> CareCommunication:
    """The CareCommunication in `bundle` (parsed JSON), or MessageInvalid naming every fault
    found. `accepted_receivers`: the SOR codes Brobyg receives for (empty: any)."""
    reader = _Reader(bundle, accepted_receivers)
    entries = reader.entries()
    refs = References(entries)
    header = reader.header(entries)
    sender, receiver, sender_endpoint, receiver_endpoint = reader.parties(refs, header)
    patient_n, citizen = reader.patient(entries)
    found = reader.communication(refs, header, patient_n)
    sent_at = reader.instant("Bundle.timestamp", bundle.get("timestamp"))
    reader.stop_if_faulty()

    communication, texts = found
    # The newest text speaks for the message: a reply quotes what it answers before it.
    dated = [(written, k, p) for k, (p, written) in enumerate(texts)]
    latest = max(dated, key=lambda d: (d[0] is not None, d[0] or timezone.now(), d[1]))
    category, category_display = _category(communication)
    topic = communication.get("topic") if isinstance(communication.get("topic"), dict) else {}
    return CareCommunication(
        bundle=bundle,
        header=header,
        header_id=header["id"],
        header_full_url=text(entries[0].get("fullUrl")) or f"MessageHeader/{header['id']}",
        sent_at=sent_at,
        sender=sender,
        receiver=receiver,
        sender_endpoint=sender_endpoint,
        receiver_endpoint=receiver_endpoint,
        patient=entries[patient_n]["resource"],
        citizen=citizen,
        communication=communication,
        category=category,
        category_display=category_display,
        topic=text(topic.get("text"), 200),
        priority=text(communication.get("priority")),
        texts=[message_text(p["contentString"]) for p, _written in texts],
        written_at=latest[0],
        author=_author(refs, latest[2]),
        provenances=[
            e["resource"] for e in entries if e["resource"]["resourceType"] == "Provenance"
        ],
    )
