"""Reading MedCom messages: the CareCommunication, checked element by element
(care_communication.py), its attachments (attachments.py), and the small readers of FHIR JSON
as real senders write it (reading.py). Nothing here touches the database: the services decide
what a valid message becomes."""

from medcom.parsing.attachments import attachment_content, attachments_of
from medcom.parsing.care_communication import (
    UNKNOWN_GIVEN_NAME,
    Author,
    CareCommunication,
    Issue,
    MessageInvalid,
    Organisation,
    parse_care_communication,
)
from medcom.parsing.reading import fhir_instant

__all__ = [
    "UNKNOWN_GIVEN_NAME",
    "Author",
    "CareCommunication",
    "Issue",
    "MessageInvalid",
    "Organisation",
    "attachment_content",
    "attachments_of",
    "fhir_instant",
    "parse_care_communication",
]
