"""The attachments of a message as sent: listed for the message's page, and downloaded one by
one (base64 in the message, bytes out)."""

import base64
import binascii

from medcom.parsing.reading import References, as_list, text


def _focus_communication(bundle) -> dict | None:
    entries = bundle.get("entry") if isinstance(bundle, dict) else None
    if not isinstance(entries, list):
        return None
    entries = [e for e in entries if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
    if not entries:
        return None
    refs = References(entries)
    focus = as_list(entries[0]["resource"].get("focus"))
    communication = refs.resource(focus[0], "Communication") if focus else None
    if communication is None:
        communication = next(
            (
                e["resource"]
                for e in entries
                if e["resource"].get("resourceType") == "Communication"
            ),
            None,
        )
    return communication


def _attachment_payloads(bundle) -> list[dict]:
    communication = _focus_communication(bundle) or {}
    return [
        payload["contentAttachment"]
        for payload in as_list(communication.get("payload"))
        if isinstance(payload, dict) and isinstance(payload.get("contentAttachment"), dict)
    ]


def attachments_of(bundle) -> list[dict]:
    """The attachments of a message as sent: title, type, link, size in bytes (0 for a link)."""
    attachments = []
    for attachment in _attachment_payloads(bundle):
        data = text(attachment.get("data"))
        url = text(attachment.get("url"))
        attachments.append(
            {
                "title": text(attachment.get("title"), 200),
                "content_type": text(attachment.get("contentType"), 100),
                "url": url if url.startswith(("https://", "http://")) else "",
                "size": len(data) * 3 // 4,
            }
        )
    return attachments


def attachment_content(bundle, number: int) -> tuple[str, str, bytes] | None:
    """The `number`th attachment (from 1) as (title, content type, bytes), if it holds data."""
    attachments = _attachment_payloads(bundle)
    if not 1 <= number <= len(attachments):
        return None
    attachment = attachments[number - 1]
    data = text(attachment.get("data"))
    if not data:
        return None
    try:
        content = base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError):
        return None
    return text(attachment.get("title"), 200), text(attachment.get("contentType"), 100), content
