"""A timeline line is data, made into a sentence when read (referrals/events.py).

The lines written before were sentences in the language of whoever was at work: English, or the
Danish of locale/da/LC_MESSAGES/django.po. Each is read back into its event and values; a line
that cannot be read (a plan step, which a person typed, or anything unexpected) stays in `detail`
as it was written, so nothing is lost. The sentences and labels below are the ones the code
wrote until now, frozen here on purpose: this migration must read them however the catalogue
changes later.

Going back drops `data`; the lines Brobyg wrote then show only their kind's name (a person's
words stay in `detail`).
"""

import re
from datetime import date, datetime

from django.db import migrations, models
from django.utils import timezone

NETWORK_KINDS = {
    "Family": "family",
    "Familie": "family",
    "Friend": "friend",
    "Ven": "friend",
    "Neighbour": "neighbour",
    "Nabo": "neighbour",
    "Professional": "professional",
    "Fagperson": "professional",
    "Other": "other",
    "Andet": "other",
}

# The citizen's fields a referrer's details could fill, by their English and Danish names.
CITIZEN_FIELDS = {
    "phone": "phone",
    "telefon": "phone",
    "e-mail": "email",
    "address": "address",
    "adresse": "address",
    "postcode": "postcode",
    "postnummer": "postcode",
    "town": "city",
    "by": "city",
}

MATCH_END_REASONS = {
    "A lasting community: no more support needed": "lasting",
    "Et varigt fællesskab: behøver ikke mere støtte": "lasting",
    "The citizen said no": "citizen_declined",
    "Borgeren sagde nej": "citizen_declined",
    "The offer or volunteer said no": "provider_declined",
    "Tilbuddet eller den frivillige sagde nej": "provider_declined",
    "The citizen did not come": "no_show",
    "Borgeren kom ikke": "no_show",
    "Not a good fit": "not_a_fit",
    "Passede ikke godt": "not_a_fit",
    "The offer stopped": "offer_ended",
    "Tilbuddet stoppede": "offer_ended",
    "Moved": "moved",
    "Fraflyttet": "moved",
    "Other": "other",
    "Andet": "other",
}

# (action, English, Danish) of the match lines naming only the provider.
PROVIDER_LINES = [
    ("match_proposed", r"Proposed: (?P<provider>.+)", r"Foreslået: (?P<provider>.+)"),
    (
        "match_accepted",
        r"The citizen said yes to (?P<provider>.+)",
        r"Borgeren sagde ja til (?P<provider>.+)",
    ),
    (
        "match_confirmed",
        r"(?P<provider>.+) confirmed the request",
        r"(?P<provider>.+) bekræftede forespørgslen",
    ),
    (
        "match_declined",
        r"(?P<provider>.+) declined the request",
        r"(?P<provider>.+) afviste forespørgslen",
    ),
    (
        "first_meeting_held",
        r"First meeting held: (?P<provider>.+)",
        r"Første møde holdt: (?P<provider>.+)",
    ),
    (
        "first_meeting_missed",
        r"The citizen did not come to the first meeting: (?P<provider>.+)",
        r"Borgeren kom ikke til det første møde: (?P<provider>.+)",
    ),
]

DANISH_DATE = r"(?P<day>\d{2})\.(?P<month>\d{2})\.(?P<year>\d{4})"
ENGLISH_DATE = r"(?P<month>\d{2})/(?P<day>\d{2})/(?P<year>\d{4})"
# Django's short date and time: "05.03.2026 14:30" in Danish, "03/05/2026 2:30 p.m." in English.
MEETING_PLANNED = [
    re.compile(
        r"First meeting with (?P<provider>.+): "
        + ENGLISH_DATE
        + r" (?:(?P<hour>\d{1,2})(?::(?P<minute>\d{2}))? (?P<half>[ap])\.m\.|(?P<word>midnight|noon))"
    ),
    re.compile(
        r"Første møde med (?P<provider>.+): " + DANISH_DATE + r" (?P<hour>\d{2}):(?P<minute>\d{2})"
    ),
]
MATCH_ENDED = [
    re.compile(r"Ended: (?P<provider>.+) \((?P<why>[^()]+)\)"),
    re.compile(r"Afsluttet: (?P<provider>.+) \((?P<why>[^()]+)\)"),
]
MERGED = [
    re.compile(r"merged with the record made on (?P<day>\d{2})\.(?P<month>\d{2})\.(?P<year>\d{4})"),
    re.compile(r"samlet med registreringen fra (?P<day>\d{2})\.(?P<month>\d{2})\.(?P<year>\d{4})"),
]
SCREENING = re.compile(r"UCLA-3(?: |-)score (?P<score>\d+)(?: · (?P<label>.+))?")
WITHDRAWN = {"withdrawn", "trukket tilbage"}
REMOVED = re.compile(r"(?:removed|fjernet): (?P<name>.+)")
PLAN_DONE = re.compile(r"(?:done|udført): (?P<step>.+)")


def _first(patterns, text):
    for pattern in patterns:
        found = pattern.fullmatch(text)
        if found:
            return found
    return None


def _day(found) -> date:
    return date(int(found["year"]), int(found["month"]), int(found["day"]))


def _meeting_at(found) -> datetime:
    if found.groupdict().get("word"):
        hour, minute = (0 if found["word"] == "midnight" else 12), 0
    else:
        hour, minute = int(found["hour"]), int(found["minute"] or 0)
        if found.groupdict().get("half"):
            hour = hour % 12 + (12 if found["half"] == "p" else 0)
    moment = datetime.combine(_day(found), datetime.min.time()).replace(hour=hour, minute=minute)
    return timezone.make_aware(moment)


def _identity(detail: str):
    found = _first(MERGED, detail)
    if found:
        return {"action": "records_merged", "made_on": _day(found).isoformat()}, ""
    names = detail.split(", ")
    if all(name in CITIZEN_FIELDS for name in names):
        return {"action": "details_used", "fields": [CITIZEN_FIELDS[n] for n in names]}, ""
    return None


def _network(detail: str):
    found = REMOVED.fullmatch(detail)
    if found:
        return {"action": "network_removed", "name": found["name"]}, ""
    label, separator, name = detail.partition(": ")
    if separator and name and label in NETWORK_KINDS:
        return {"action": "network_added", "network_kind": NETWORK_KINDS[label], "name": name}, ""
    return None


def _plan(detail: str):
    found = PLAN_DONE.fullmatch(detail)
    if found:
        return {"action": "plan_step_done"}, found["step"]
    # Every other plan line was the step as the person wrote it.
    return {"action": "plan_step_added"}, detail


def _screening(detail: str):
    found = SCREENING.fullmatch(detail)
    if not found:
        return None
    data = {"score": int(found["score"])}
    if found["label"]:
        data["triage_label"] = found["label"]
    return data, ""


def _match(detail: str):
    found = _first(MATCH_ENDED, detail)
    if found and found["why"] in MATCH_END_REASONS:
        reason = MATCH_END_REASONS[found["why"]]
        return {"action": "match_ended", "provider": found["provider"], "reason": reason}, ""
    found = _first(MEETING_PLANNED, detail)
    if found:
        at = _meeting_at(found).isoformat()
        return {"action": "first_meeting_planned", "provider": found["provider"], "at": at}, ""
    for action, *patterns in PROVIDER_LINES:
        found = _first([re.compile(p) for p in patterns], detail)
        if found:
            return {"action": action, "provider": found["provider"]}, ""
    return None


READERS = {
    "identity": _identity,
    "network": _network,
    "plan": _plan,
    "screening": _screening,
    "match": _match,
}


def event_data_from_text(kind: str, detail: str) -> tuple[dict, str]:
    """(data, detail) for a timeline line written as a sentence; a line that cannot be read
    keeps its text in `detail`, as typed text."""
    if not detail:
        return {}, ""
    if kind == "consent":
        return ({"action": "consent_withdrawn"}, "") if detail in WITHDRAWN else ({}, detail)
    reader = READERS.get(kind)
    try:
        read = reader(detail) if reader else None
    except ValueError:  # a date that is no date
        read = None
    return read if read is not None else ({}, detail)


def forwards(apps, schema_editor):
    CaseEvent = apps.get_model("referrals", "CaseEvent")
    changed = []
    for event in CaseEvent.objects.exclude(detail="").only("pk", "kind", "detail").iterator():
        data, detail = event_data_from_text(event.kind, event.detail)
        if data or detail != event.detail:
            event.data, event.detail = data, detail
            changed.append(event)
        if len(changed) >= 1000:
            CaseEvent.objects.bulk_update(changed, ["data", "detail"])
            changed = []
    CaseEvent.objects.bulk_update(changed, ["data", "detail"])


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0007_fold_names_and_feedback_per_referral"),
    ]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="data",
            field=models.JSONField(
                blank=True, db_default={}, default=dict, editable=False, verbose_name="data"
            ),
        ),
        migrations.AlterField(
            model_name="caseevent",
            name="detail",
            field=models.CharField(
                blank=True,
                help_text="Words a person wrote that the line shows as written, e.g. a plan step.",
                max_length=300,
                verbose_name="detail",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
