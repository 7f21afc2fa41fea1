"""Small readers of FHIR R4 JSON as real senders write it: lists that may be single objects,
OIDs with or without "urn:oid:", references by fullUrl, Type/id or an address ending in Type/id,
times in any offset."""

import re
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

FHIR_ID = re.compile(r"^[A-Za-z0-9\-.]{1,64}$")
# A reference ending in Type/id, absolute or relative (a version after it is ignored).
_TYPED_REFERENCE = re.compile(r"([A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64})(/_history/[^/]+)?$")
_LINE_BREAK = re.compile(r"<br\s*/?>|\r\n|\r", re.IGNORECASE)


def oid(system) -> str:
    """An identifier system without "urn:oid:", as real senders write it either way."""
    if not isinstance(system, str):
        return ""
    system = system.strip()
    return system[len("urn:oid:") :] if system.startswith("urn:oid:") else system


def as_list(value) -> list:
    """An element of cardinality 0..*, also when a sender wrote one object instead of a list."""
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, dict) else []


def text(value, limit: int | None = None) -> str:
    stripped = value.strip() if isinstance(value, str) else ""
    return stripped[:limit] if limit else stripped


# The bounds of a time a message can hold. Before 1900 is a wrong date (and the year 1 in an
# offset east of UTC is a time PostgreSQL can store but not give back); a sender's clock may run
# a little ahead of Brobyg's, but not by more than a day.
EARLIEST_YEAR = 1900
LATEST_AHEAD = timedelta(days=1)


class InstantOutOfRange(ValueError):
    """A full date, but not one a message can have been written at; the sentence says why."""


def fhir_instant(value) -> datetime | None:
    """A FHIR dateTime or date as a moment. Any offset is read as written; a time without one is
    Danish time, and a date alone its midnight. None if it is not a full date; InstantOutOfRange
    if it is before 1900 or more than a day ahead."""
    if not isinstance(value, str) or not value.strip():
        return None
    value = value.strip()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        try:
            moment = datetime.combine(date.fromisoformat(value), time())
        except ValueError:
            return None
    # The year as written, before any offset is applied: the year 1 cannot become the year 0.
    if moment.year < EARLIEST_YEAR:
        raise InstantOutOfRange(_("A time before 1900 cannot be right."))
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    if moment > timezone.now() + LATEST_AHEAD:
        raise InstantOutOfRange(_("The time is more than a day in the future."))
    return moment


def extension_index(element: dict, name: str) -> int | None:
    """The place of the extension whose URL ends in `name` (MedCom's URLs have moved between
    versions) among the element's extensions."""
    for n, candidate in enumerate(as_list(element.get("extension"))):
        url = candidate.get("url") if isinstance(candidate, dict) else None
        if isinstance(url, str) and url.rstrip("/").rsplit("/", 1)[-1] == name:
            return n
    return None


def extension(element: dict, name: str) -> dict | None:
    """The extension whose URL ends in `name`."""
    n = extension_index(element, name)
    return None if n is None else as_list(element.get("extension"))[n]


def message_text(value: str) -> str:
    return _LINE_BREAK.sub("\n", value).strip()


class References:
    """Finds the entry a reference points to: by the entry's fullUrl, by Type/id, or by an
    absolute URL ending in Type/id."""

    def __init__(self, entries: list[dict]):
        self.entries = entries
        self.index: dict[str, int] = {}
        for n, entry in enumerate(entries):
            full_url = entry.get("fullUrl")
            if isinstance(full_url, str) and full_url:
                self.index.setdefault(full_url, n)
            resource = entry["resource"]
            if isinstance(resource.get("id"), str):
                self.index.setdefault(f"{resource['resourceType']}/{resource['id']}", n)

    def find(self, reference) -> int | None:
        if not isinstance(reference, str) or not reference:
            return None
        if reference in self.index:
            return self.index[reference]
        match = _TYPED_REFERENCE.search(reference)
        return self.index.get(match.group(1)) if match else None

    def resource(self, element, resource_type: str | None = None) -> dict | None:
        n = self.find(element.get("reference") if isinstance(element, dict) else None)
        if n is None:
            return None
        resource = self.entries[n]["resource"]
        if resource_type and resource["resourceType"] != resource_type:
            return None
        return resource


def list_of_str(value) -> list:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
