"""What made a task, and how Brobyg closed it, is data; the heading is made when read
(followups/events.py).

The tasks written before had Brobyg's headings and outcomes as sentences in the language of
whoever was at work: English, or the Danish of locale/da/LC_MESSAGES/django.po. Each is read back
into what made the task and its values; a missed session's call also finds its session again, so
recording that session's attendance once more makes no second call. A title or outcome that
cannot be read stays as it was written, as a person's words, so nothing is lost. The sentences
below are the ones the code wrote until now, frozen here on purpose.

Going back drops `data`; the tasks Brobyg made then show an empty title.
"""

import re
from datetime import date

from django.db import migrations, models

# Each kind's name, which a task made by hand without a note had as its title.
KIND_NAMES = {
    "call_citizen": {"Call the citizen", "Ring til borgeren"},
    "check_first_meeting": {"Check the first meeting", "Følg op på første møde"},
    "rescreen": {"Screen again", "Screen igen"},
    "triage_next_step": {"The triage colour's next step", "Triagefarvens næste skridt"},
    "call_before_session": {"Call before a group session", "Ring før et gruppemøde"},
    "after_missed_session": {"After a missed session", "Efter et udeblevet møde"},
    "other": {"Other", "Andet"},
}

# (kind, origin, English, Danish) of the headings without values.
FIXED_HEADINGS = [
    (
        "check_first_meeting",
        "plan_first_check",
        "Follow up on the first meeting: did the citizen go, and do they want to continue?",
        "Følg op på det første møde: kom borgeren, og vil borgeren fortsætte?",
    ),
    (
        "call_citizen",
        "plan_second_check",
        "Follow up: is the citizen still coming, and how is it going?",
        "Følg op: kommer borgeren stadig, og hvordan går det?",
    ),
    (
        "rescreen",
        "plan_rescreen",
        "Last follow-up: screen again with UCLA-3 and talk about how to carry on.",
        "Sidste opfølgning: screen igen med UCLA-3, og tal om, hvordan borgeren kommer videre.",
    ),
    (
        "rescreen",
        "rescreen_this_week",
        "Screen the citizen this week",
        "Screen borgeren i denne uge",
    ),
]

FIRST_MEETING_CHECK = [
    re.compile(r"Hear how the first meeting with (?P<provider>.+) went"),
    re.compile(r"Hør, hvordan det første møde med (?P<provider>.+) gik"),
]
MISSED_FIRST_MEETING = [
    re.compile(r"Call and hear how it is going \(missed the first meeting: (?P<provider>.+)\)"),
    re.compile(r"Ring og hør, hvordan det går \(udeblev fra første møde: (?P<provider>.+)\)"),
]
# Django's short date: "03/05/2026" in English, "05.03.2026" in Danish.
MISSED_SESSION = [
    re.compile(
        r"Call and hear how it is going \((?P<offer>.+), "
        r"(?P<month>\d{2})/(?P<day>\d{2})/(?P<year>\d{4})\)"
    ),
    re.compile(
        r"Ring og hør, hvordan det går \((?P<offer>.+), "
        r"(?P<day>\d{2})\.(?P<month>\d{2})\.(?P<year>\d{4})\)"
    ),
]

OUTCOMES = {
    "Screened.": "screened",
    "Screenet.": "screened",
    "Replaced by a newer screening.": "replaced_by_newer_screening",
    "Erstattet af en nyere screening.": "replaced_by_newer_screening",
    "Given to someone else.": "given_to_someone_else",
    "Givet til en anden.": "given_to_someone_else",
}


def _first(patterns, text):
    for pattern in patterns:
        found = pattern.fullmatch(text)
        if found:
            return found
    return None


def _heading(kind: str, title: str) -> dict | None:
    if title in KIND_NAMES.get(kind, ()):
        return {}
    for fixed_kind, origin, *sentences in FIXED_HEADINGS:
        if kind == fixed_kind and title in sentences:
            return {"origin": origin}
    if kind == "check_first_meeting" and (found := _first(FIRST_MEETING_CHECK, title)):
        return {"origin": "first_meeting_check", "provider": found["provider"]}
    if kind == "after_missed_session":
        if found := _first(MISSED_FIRST_MEETING, title):
            return {"origin": "missed_first_meeting", "provider": found["provider"]}
        if found := _first(MISSED_SESSION, title):
            day = date(int(found["year"]), int(found["month"]), int(found["day"]))
            return {"origin": "missed_session", "offer": found["offer"], "date": day.isoformat()}
    return None


def task_data_from_text(kind: str, title: str, outcome: str) -> tuple[dict, str, str]:
    """(data, title, outcome) for a task whose heading or outcome Brobyg wrote as a sentence;
    what cannot be read stays as written."""
    data = {}
    try:
        heading = _heading(kind, title)
    except ValueError:  # a date that is no date
        heading = None
    if heading is not None:
        data, title = heading, ""
    if outcome in OUTCOMES:
        data, outcome = {**data, "outcome": OUTCOMES[outcome]}, ""
    return data, title, outcome


def forwards(apps, schema_editor):
    Task = apps.get_model("followups", "Task")
    OfferSession = apps.get_model("offers", "OfferSession")
    changed = []
    for task in Task.objects.select_related("match").iterator():
        data, title, outcome = task_data_from_text(task.kind, task.title, task.outcome)
        if (data, title, outcome) == ({}, task.title, task.outcome):
            continue
        if data.get("origin") == "missed_session" and task.match_id and task.match.offer_id:
            session = OfferSession.objects.filter(
                offer_id=task.match.offer_id, date=data["date"]
            ).first()
            if session is not None:
                data["session"] = str(session.pk)
        task.data, task.title, task.outcome = data, title, outcome
        changed.append(task)
        if len(changed) >= 1000:
            Task.objects.bulk_update(changed, ["data", "title", "outcome"])
            changed = []
    Task.objects.bulk_update(changed, ["data", "title", "outcome"])


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0004_task_match"),
        ("offers", "0002_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="data",
            field=models.JSONField(
                blank=True, db_default={}, default=dict, editable=False, verbose_name="data"
            ),
        ),
        migrations.AlterField(
            model_name="task",
            name="title",
            field=models.CharField(blank=True, max_length=300, verbose_name="what to do"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
