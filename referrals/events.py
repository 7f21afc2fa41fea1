"""The lines of a case's timeline, made when they are read, in the reader's language.

A service writes a CaseEvent as its kind, which event of that kind it is (`data["action"]`, a
CaseEventAction) and the values its line is made of (`data`: ids, names, dates, scores, codes);
never a sentence, which would stay in the language of whoever was at work. Words a person typed
(a plan step) are kept in `detail` and shown as written; so is a line written before events were
data that could not be read back into data.

`event_text(event)` is `CaseEvent.text`: what the timeline shows after the kind's name.
"""

from collections.abc import Callable
from datetime import date, datetime

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from referrals.constants import CaseEventAction as Action
from referrals.constants import CaseEventKind as Kind
from referrals.constants import (
    ExitCriterionKind,
    MatchEndReason,
    NetworkKind,
    WaitingListLeaveReason,
)

# Keys of `data` that name a person or a provider: taken out when the citizen is anonymised. A
# group's name is typed by a coordinator and may name its host.
NAMING_KEYS = ("name", "provider", "group")


def _value(data: dict, key: str):
    """A value the line needs; missing or empty (anonymised), the line is not made."""
    value = data.get(key)
    if value in (None, "", []):
        raise KeyError(key)
    return value


def _day(value: str) -> str:
    return formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")


def _moment(value: str) -> str:
    return formats.date_format(
        timezone.localtime(datetime.fromisoformat(value)), "SHORT_DATETIME_FORMAT"
    )


def _end_reason(code: str) -> str:
    return str(MatchEndReason(code).label)


def _citizen_field_labels(names: list[str]) -> str:
    # The model, not the module: referrals.models builds on this one.
    citizen = apps.get_model("referrals", "Citizen")
    return ", ".join(str(citizen._meta.get_field(name).verbose_name) for name in names)


def _status(event, data) -> str:
    return f"{event.get_status_from_display()} → {event.get_status_to_display()}"


def _referral(event, data) -> str:
    referral = event.referral
    if referral is None:
        return ""
    source = str(referral.get_source_display())
    return f"{source} ({referral.referrer_name})" if referral.referrer_name else source


def _contact(event, data) -> str:
    contact = event.contact
    if contact is None:
        return ""
    kind = str(contact.get_kind_display())
    return kind if contact.reached else f"{kind} – {_('did not reach the citizen')}"


def _assignment(event, data) -> str:
    return str(event.assignee) if event.assignee_id else _("nobody")


def _consent(event, data) -> str:
    parts = [str(event.consent.get_purpose_display())] if event.consent_id else []
    if data.get("action") == Action.CONSENT_WITHDRAWN:
        parts.append(_("withdrawn"))
    elif event.detail:
        parts.append(event.detail)
    return " – ".join(parts)


def _screening(event, data) -> str:
    if "triage_how" in data:
        return _triage_colour(event, data)
    label = data.get("triage_label")
    if data.get("instrument", "ucla3") != "ucla3":
        # Another instrument (the change form, the direct question): its colour, not a score.
        name = _value(data, "instrument_name")
        return f"{name} · {label}" if label else name
    return _("UCLA-3 score %(score)s%(colour)s") % {
        "score": _value(data, "score"),
        "colour": f" · {label}" if label else "",
    }


def _triage_colour(event, data) -> str:
    """A colour set without a screening: a step of the team's procedure, or by hand (the
    reason, as the person wrote it, in `detail`)."""
    colour = _value(data, "colour_label")
    if data["triage_how"] == "procedure":
        line = _("Colour %(colour)s: %(step)s") % {"colour": colour, "step": _value(data, "step")}
    else:
        line = _("Colour %(colour)s, set by hand") % {"colour": colour}
    return f"{line} – {event.detail}" if event.detail else line


def _details_used(event, data) -> str:
    return _citizen_field_labels(_value(data, "fields"))


def _records_merged(event, data) -> str:
    return _("merged with the record made on %(date)s") % {"date": _day(_value(data, "made_on"))}


def _network_added(event, data) -> str:
    return f"{NetworkKind(data['network_kind']).label}: {_value(data, 'name')}"


def _network_removed(event, data) -> str:
    return _("removed: %(name)s") % {"name": _value(data, "name")}


def _plan_step_added(event, data) -> str:
    # A plan step is the words of the person who wrote it.
    return event.detail


def _plan_step_done(event, data) -> str:
    return _("done: %(step)s") % {"step": event.detail} if event.detail else ""


def _exit_criterion(event, data) -> str:
    template = (
        _("Exit criterion met: %(criterion)s")
        if data["action"] == Action.EXIT_CRITERION_MET
        else _("Exit criterion no longer met: %(criterion)s")
    )
    return template % {"criterion": ExitCriterionKind(_value(data, "criterion")).label}


def _first_meeting_planned(event, data) -> str:
    return _("First meeting with {what}: {when}").format(
        what=_value(data, "provider"), when=_moment(_value(data, "at"))
    )


def _match_ended(event, data) -> str:
    return _("Ended: {what} ({why})").format(
        what=_value(data, "provider"), why=_end_reason(_value(data, "reason"))
    )


def _waiting_list_left(event, data) -> str:
    return _("Off the waiting list for {what} ({why})").format(
        what=_value(data, "provider"),
        why=WaitingListLeaveReason(_value(data, "reason")).label,
    )


def _group_left(event, data) -> str:
    if data.get("reason"):
        return _("Left the group «{group}» on {what}, and the match ended ({why})").format(
            group=_value(data, "group"),
            what=_value(data, "provider"),
            why=_end_reason(data["reason"]),
        )
    return _("Left the group «{group}» on {what}").format(
        group=_value(data, "group"), what=_value(data, "provider")
    )


def _group_volunteer(event, data) -> str:
    joined = data["action"] == Action.GROUP_VOLUNTEER_JOINED
    if data.get("host"):
        template = (
            _("{name} hosts the group «{group}»")
            if joined
            else _("{name} no longer hosts the group «{group}»")
        )
    else:
        template = (
            _("{name} joined the group «{group}»")
            if joined
            else _("{name} left the group «{group}»")
        )
    return template.format(name=_value(data, "name"), group=_value(data, "group"))


def _group_ended(event, data) -> str:
    if data.get("reason"):
        return _("The group «{group}» ended, and the match with it ({why})").format(
            group=_value(data, "group"), why=_end_reason(data["reason"])
        )
    return _("The group «{group}» ended; the match goes on").format(group=_value(data, "group"))


def _about_provider(template) -> Callable[[object, dict], str]:
    return lambda event, data: str(template).format(what=_value(data, "provider"))


# Kinds whose line is the same whatever happened (or is made from the rows the event links to).
KIND_LINES: dict[str, Callable[[object, dict], str]] = {
    Kind.STATUS: _status,
    Kind.REFERRAL: _referral,
    Kind.CONTACT: _contact,
    Kind.ASSIGNMENT: _assignment,
    Kind.CONSENT: _consent,
    Kind.SCREENING: _screening,
}

# The line of each event of a kind that has several, made in the reader's language.
ACTION_LINES: dict[str, Callable[[object, dict], str]] = {
    Action.DETAILS_USED: _details_used,
    Action.RECORDS_MERGED: _records_merged,
    Action.CONSENT_WITHDRAWN: _consent,
    Action.NETWORK_ADDED: _network_added,
    Action.NETWORK_REMOVED: _network_removed,
    Action.PLAN_STEP_ADDED: _plan_step_added,
    Action.PLAN_STEP_DONE: _plan_step_done,
    Action.EXIT_CRITERION_MET: _exit_criterion,
    Action.EXIT_CRITERION_UNMET: _exit_criterion,
    Action.MATCH_PROPOSED: _about_provider(gettext_lazy("Proposed: {what}")),
    Action.MATCH_ACCEPTED: _about_provider(gettext_lazy("The citizen said yes to {what}")),
    Action.MATCH_CONFIRMED: _about_provider(gettext_lazy("{what} confirmed the request")),
    Action.MATCH_DECLINED: _about_provider(gettext_lazy("{what} declined the request")),
    Action.FIRST_MEETING_PLANNED: _first_meeting_planned,
    Action.FIRST_MEETING_HELD: _about_provider(gettext_lazy("First meeting held: {what}")),
    Action.FIRST_MEETING_MISSED: _about_provider(
        gettext_lazy("The citizen did not come to the first meeting: {what}")
    ),
    Action.MATCH_ENDED: _match_ended,
    Action.WAITING_LIST_JOINED: _about_provider(gettext_lazy("On the waiting list for {what}")),
    Action.WAITING_LIST_PLACE_FREE: _about_provider(
        gettext_lazy("A place came free on {what}: offer it to the citizen")
    ),
    Action.WAITING_LIST_LEFT: _waiting_list_left,
    Action.GROUP_JOINED: lambda event, data: _("Joined the group «{group}» on {what}").format(
        group=_value(data, "group"), what=_value(data, "provider")
    ),
    Action.GROUP_LEFT: _group_left,
    Action.GROUP_VOLUNTEER_JOINED: _group_volunteer,
    Action.GROUP_VOLUNTEER_LEFT: _group_volunteer,
    Action.GROUP_ENDED: _group_ended,
}


def event_text(event) -> str:
    """The line after the kind's name, in the active language; what a person typed as typed.
    Empty when there is nothing to add to the kind's name (a note shows its own text)."""
    data = event.data or {}
    line = ACTION_LINES.get(data.get("action")) or KIND_LINES.get(event.kind)
    text = ""
    if line is not None:
        try:
            text = line(event, data)
        except (KeyError, ValueError, TypeError, FieldDoesNotExist):
            # Values taken out when the citizen was anonymised, or a row older than its data.
            text = ""
    return text or event.detail
