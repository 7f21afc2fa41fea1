"""The words of a task that no person wrote, made when the task is read, in the reader's language.

A service stores what made the task (`data["origin"]`, a TaskOrigin) and the values its sentence
needs (a provider's name, an offer's title, a date), and how Brobyg closed it (`data["outcome"]`,
a TaskOutcome); never a sentence. A person's own words (a task's note, an outcome typed on
"Done") are kept in `title` and `outcome` and shown as written.
"""

from datetime import date

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from followups.constants import TaskKind, TaskOrigin, TaskOutcome

HEADINGS = {
    TaskOrigin.FIRST_MEETING_CHECK: _("Hear how the first meeting with {what} went"),
    TaskOrigin.PLAN_FIRST_CHECK: _(
        "Follow up on the first meeting: did the citizen go, and do they want to continue?"
    ),
    TaskOrigin.PLAN_SECOND_CHECK: _("Follow up: is the citizen still coming, and how is it going?"),
    TaskOrigin.PLAN_RESCREEN: _(
        "Last follow-up: screen again with UCLA-3 and talk about how to carry on."
    ),
    TaskOrigin.RESCREEN_THIS_WEEK: _("Screen the citizen this week"),
    TaskOrigin.MISSED_FIRST_MEETING: _(
        "Call and hear how it is going (missed the first meeting: {what})"
    ),
    TaskOrigin.MISSED_SESSION: _("Call and hear how it is going ({offer}, {date})"),
    TaskOrigin.BEFORE_SESSION: _("Call and ask: are you coming? ({offer}, {date})"),
    TaskOrigin.PLACE_FREE: _("A place is free on «{offer}» – offer it to the citizen"),
    TaskOrigin.VETTING_RENEWAL: _("Renew the certificate of {what}: it is in order until {date}"),
    TaskOrigin.VETTING_MISSING: _("Get a certificate from {what}: a match under way needs one"),
    TaskOrigin.VETTING_EXPIRED: _(
        "The certificate of {what} is not in order: no visits in a private home until it is renewed"
    ),
    TaskOrigin.APPROACH_AGAIN: _(
        "Approach the citizen again: they said “not now” on {date}, and agreed to be asked again"
    ),
    TaskOrigin.OFFER_PAUSED: _("«{offer}» is paused – find another offer for the citizen"),
    TaskOrigin.OFFER_ARCHIVED: _("«{offer}» has stopped – find another offer for the citizen"),
    TaskOrigin.OFFER_PAUSED_MATCHES: _(
        "«{offer}» is paused: {count} matched citizens need another offer, and their "
        "bridge-builders have a task about it"
    ),
    TaskOrigin.OFFER_ARCHIVED_MATCHES: _(
        "«{offer}» has stopped: {count} matched citizens need another offer, and their "
        "bridge-builders have a task about it"
    ),
    TaskOrigin.CONTACT_CONCERN: _("{what} wrote a concern after the contact on {date} – read it"),
    TaskOrigin.CONTACT_WORRIED: _(
        "{what} is worried about the citizen after the contact on {date} – read it and call"
    ),
    TaskOrigin.FIRST_MEETING_ASK_BY_PHONE: _(
        "Call {what} and ask whether the new participant came to the first meeting on {date}: "
        "there is no e-mail address to ask"
    ),
    TaskOrigin.CONTACT_MISSED_IN_A_ROW: _(
        "The agreed contacts with {what} have not happened since {date} – hear how it is going"
    ),
}

# Keys of `data` that name someone or something: taken out when the citizen is anonymised.
NAMING_KEYS = ("provider", "offer")


def _values(data: dict) -> dict:
    """The values a heading is made of; one that is missing (taken out when the citizen was
    anonymised) leaves the task with its kind's name instead."""
    values = {"what": data.get("provider"), "offer": data.get("offer"), "count": data.get("count")}
    if data.get("date"):
        values["date"] = formats.date_format(date.fromisoformat(data["date"]), "SHORT_DATE_FORMAT")
    return {name: value for name, value in values.items() if value}


def task_heading(*, kind: str, title: str, data: dict) -> str:
    """What to do: the words a person wrote, else the sentence of what made the task, else the
    kind's name."""
    if title:
        return title
    template = HEADINGS.get((data or {}).get("origin"))
    if template is not None:
        try:
            return str(template).format(**_values(data))
        except (KeyError, ValueError):
            pass
    return str(TaskKind(kind).label) if kind in TaskKind.values else ""


def task_outcome_text(*, outcome: str, data: dict) -> str:
    """What came of it: the words of the person who did it, else how Brobyg closed it."""
    if outcome:
        return outcome
    code = (data or {}).get("outcome")
    return str(TaskOutcome(code).label) if code in TaskOutcome.values else ""
