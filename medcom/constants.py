"""MedCom's FHIR names: the code systems, extensions, profiles and message definitions of
CareCommunication 5.0 and Acknowledgement 2.0, as the implementation guide spells them."""

TERMINOLOGY = "http://medcomfhir.dk/ig/terminology/CodeSystem/"
EVENT_SYSTEM = TERMINOLOGY + "medcom-messaging-eventCodes"
ACTIVITY_SYSTEM = TERMINOLOGY + "medcom-messaging-activityCodes"
DESTINATION_USE_SYSTEM = TERMINOLOGY + "medcom-messaging-destinationUse"
CATEGORY_SYSTEM = TERMINOLOGY + "medcom-careCommunication-categoryCodes"

CARE_COMMUNICATION_EVENT = "care-communication-message"
ACKNOWLEDGEMENT_EVENT = "acknowledgement-message"

# Identifiers. Real senders also write the OIDs without "urn:oid:"; both are read.
CPR_SYSTEM = "urn:oid:1.2.208.176.1.2"
# Replacement CPR numbers (erstatningspersonnummer) are issued under this arc.
REPLACEMENT_CPR_ARC = "1.2.208.176.1.6"
SOR_SYSTEM = "urn:oid:1.2.208.176.1.1"
EAN_SYSTEM = "urn:oid:1.3.88"
SOR_ENDPOINT = "https://sor2.sum.dsdn.dk/#id={sor}"

_CC = "http://medcomfhir.dk/ig/carecommunication/StructureDefinition/"
_CORE = "http://medcomfhir.dk/ig/core/StructureDefinition/"
_MESSAGING = "http://medcomfhir.dk/ig/messaging/StructureDefinition/"
_ACK = "http://medcomfhir.dk/ig/acknowledgement/StructureDefinition/"

CC_MESSAGE_PROFILE = _CC + "medcom-careCommunication-message"
CC_HEADER_PROFILE = _CC + "medcom-careCommunication-messageHeader"
CC_COMMUNICATION_PROFILE = _CC + "medcom-careCommunication-communication"
CC_PROVENANCE_PROFILE = _CC + "medcom-careCommunication-provenance"
ACK_MESSAGE_PROFILE = _ACK + "medcom-messaging-acknowledgement"
ACK_HEADER_PROFILE = _ACK + "medcom-messaging-acknowledgementHeader"
MESSAGING_PROVENANCE_PROFILE = _MESSAGING + "medcom-messaging-provenance"
PATIENT_PROFILE = _CORE + "medcom-core-patient"
PRACTITIONER_PROFILE = _CORE + "medcom-core-practitioner"
PRACTITIONER_ROLE_PROFILE = _CORE + "medcom-core-practitionerrole"

DESTINATION_USE_EXTENSION = _MESSAGING + "medcom-messaging-destinationUseExtension"
# The payload's extensions, known by the last part of their URL.
DATETIME_EXTENSION = _CORE + "medcom-core-datetime-extension"
IDENTIFIER_EXTENSION = _CORE + "medcom-core-identifier-extension"
AUTHOR_EXTENSION = _CORE + "medcom-core-practitioner-extension"
CONTACT_EXTENSION = _CORE + "medcom-core-contact-extension"

_DEFINITIONS = "http://medcomfhir.dk/ig/messagedefinitions/MessageDefinition/"
CC_DEFINITION = _DEFINITIONS + "MedComCareCommunicationMessageDefinition|5.0"
ACK_DEFINITION = _DEFINITIONS + "MedComAcknowledgementMessageDefinition|2.0"

# Communication.priority values that ask for an answer soon.
PRIORITIES_SOON = {"asap", "urgent", "stat"}

# Attachment types a MedCom CareCommunication may carry (the clinical guidelines, §8); anything
# else is offered for download as bytes, never shown in the browser.
ATTACHMENT_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif"}


class IssueType:
    """OperationOutcome.issue.code (FHIR's IssueType) Brobyg answers with."""

    STRUCTURE = "structure"
    REQUIRED = "required"
    VALUE = "value"
    INVALID = "invalid"
    NOT_SUPPORTED = "not-supported"
    BUSINESS_RULE = "business-rule"
    LOGIN = "login"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not-found"
    TRANSIENT = "transient"
    THROTTLED = "throttled"
    INFORMATIONAL = "informational"
    EXCEPTION = "exception"
