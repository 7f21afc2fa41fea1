"""Recurring contact on a running match: the dates an agreement gives, the run of missed
contacts, the volunteer's link, and what the pages show of it.

A telefonven calls every other Wednesday, a besøgsven visits weekly (DOMAIN §10; the Red Cross
telephone guide: an agreed rhythm, topics parked for next time, a way to raise a concern). The
dates are computed from the agreement, never stored (`contact_dates`, a pure function). An agreed
date that passes without a log counts as missed only GRACE_DAYS after it: until then the
volunteer may simply not have logged it yet.

The link: the volunteer or host logs each contact without an account, through a link signed with
SALT. It names the match (never the citizen) and the moment it was made; it works
BROBYG_CONTACT_LINK_DAYS from then, until a newer link is made, and only while the match runs.
The changes are in matching/services/contact.py.
"""

import calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from matching.models import ContactAgreement, ContactLogEntry, ContactOutcome, ContactRhythm, Match
from offers.constants import MatchStatus
from offers.selectors import WEEKDAY_IN_SENTENCE, directory_clock, directory_date

# Days after an agreed date before it counts as missed when nobody logged it.
GRACE_DAYS = 2
# The statuses of a match whose contact can be agreed and logged.
RUNNING = (MatchStatus.FIRST_MEETING, MatchStatus.ACTIVE)
# Part of every link already sent: it keeps the name it had when matches lived in offers.
SALT = "brobyg.offers.contact-log"
# How far back the log form offers agreed dates that are not logged yet.
LOG_WINDOW_DAYS = 60

_WEEK_OF_MONTH = {
    1: pgettext_lazy("week of the month", "First"),
    2: pgettext_lazy("week of the month", "Second"),
    3: pgettext_lazy("week of the month", "Third"),
    4: pgettext_lazy("week of the month", "Fourth"),
    -1: pgettext_lazy("week of the month", "Last"),
}


# --- The agreed dates ----------------------------------------------------------------------------


def _first_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_in_month(year: int, month: int, weekday: int, week: int) -> date:
    """The weekday in the given week of the month (1–4), or the last one (-1)."""
    if week == -1:
        last = date(year, month, calendar.monthrange(year, month)[1])
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = _first_on_or_after(date(year, month, 1), weekday)
    return first + timedelta(weeks=week - 1)


def _week_of_month(day: date) -> int:
    """1–4 for the first to fourth of its weekday in the month; a fifth counts as the last."""
    week = (day.day - 1) // 7 + 1
    return -1 if week == 5 else week


def _monthly_weeks(rhythm: str, first: date) -> tuple[int, ...]:
    week = _week_of_month(first)
    if rhythm == ContactRhythm.MONTHLY:
        return (week,)
    # Twice a month: the first and third week, or the second and fourth when it starts in one.
    return (2, 4) if week in (2, 4) else (1, 3)


def _months(start: date, end: date):
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def contact_dates(
    *,
    rhythm: str,
    weekday: int,
    starts_on: date,
    ends_on: date | None = None,
    date_from: date,
    date_to: date,
) -> list[date]:
    """The agreed dates from `date_from` to `date_to` (both included), oldest first.

    The first is the agreed weekday on or after `starts_on`; every other week counts fortnights
    from it (the anchor), whatever `date_from` is. Monthly keeps the week of the month of the
    first time (a fifth counts as the last); twice a month is the first and third (or second and
    fourth) of the weekday in each month. Nothing after `ends_on`."""
    first = _first_on_or_after(starts_on, weekday)
    last = min(date_to, ends_on) if ends_on else date_to
    if last < first or last < date_from:
        return []
    if rhythm in (ContactRhythm.WEEKLY, ContactRhythm.BIWEEKLY):
        step = 7 if rhythm == ContactRhythm.WEEKLY else 14
        if date_from > first:
            # Whole steps from the anchor to the first date in the window.
            day = first + timedelta(days=-(-(date_from - first).days // step) * step)
        else:
            day = first
        dates = []
        while day <= last:
            dates.append(day)
            day += timedelta(days=step)
        return dates
    if rhythm not in (ContactRhythm.MONTHLY, ContactRhythm.TWICE_MONTHLY):
        raise ValueError(f"unknown rhythm {rhythm!r}")
    weeks = _monthly_weeks(rhythm, first)
    dates = []
    for year, month in _months(max(first, date_from), last):
        for week in weeks:
            day = _weekday_in_month(year, month, weekday, week)
            if max(first, date_from) <= day <= last:
                dates.append(day)
    return sorted(dates)


def agreement_last_day(agreement: ContactAgreement, match: Match | None = None) -> date | None:
    """The agreement's last day: its own end, the day before the agreement that replaced it, or
    the day the match ended, whichever comes first (None: no end yet)."""
    match = match or agreement.match
    ends = [agreement.ends_on]
    if agreement.replaced_on:
        ends.append(agreement.replaced_on - timedelta(days=1))
    if match.ended_at:
        ends.append(timezone.localdate(match.ended_at))
    ends = [day for day in ends if day is not None]
    return min(ends) if ends else None


def agreement_dates(
    agreement: ContactAgreement, *, date_from: date, date_to: date, match: Match | None = None
) -> list[date]:
    return contact_dates(
        rhythm=agreement.rhythm,
        weekday=agreement.weekday,
        starts_on=agreement.starts_on,
        ends_on=agreement_last_day(agreement, match),
        date_from=date_from,
        date_to=date_to,
    )


def agreed_dates(agreements, *, date_from: date, date_to: date, match: Match) -> list[date]:
    """The dates of all of a match's agreements (which never overlap), oldest first."""
    return sorted(
        {
            day
            for agreement in agreements
            for day in agreement_dates(agreement, date_from=date_from, date_to=date_to, match=match)
        }
    )


def missed_run(
    *, agreed: list[date], entries: list[tuple], today: date, grace: int = GRACE_DAYS
) -> list[date]:
    """The contacts missed in a row up to today, oldest first: empty after a contact that
    happened.

    `entries` are the logged contacts as (agreed date or None, date, outcome). An agreed date
    nobody logged counts as missed once `grace` days have passed; before that it neither adds to
    the run nor ends it."""
    logged = {expected for expected, _on, _outcome in entries if expected is not None}
    events = [
        (expected or on, outcome == ContactOutcome.MISSED) for expected, on, outcome in entries
    ]
    events += [(day, True) for day in agreed if day not in logged and (today - day).days > grace]
    # On one day, a contact that happened counts after one that was missed.
    events.sort(key=lambda event: (event[0], not event[1]))
    run: list[date] = []
    for day, missed in events:
        run = [*run, day] if missed else []
    return run


# --- In words ------------------------------------------------------------------------------------


def agreement_when(agreement: ContactAgreement) -> str:
    """'Every other Wednesday at 10.00' in the reader's language."""
    day = WEEKDAY_IN_SENTENCE[agreement.weekday]
    if agreement.rhythm == ContactRhythm.WEEKLY:
        when = _("Every {weekday}").format(weekday=day)
    elif agreement.rhythm == ContactRhythm.BIWEEKLY:
        when = _("Every other {weekday}").format(weekday=day)
    else:
        first = _first_on_or_after(agreement.starts_on, agreement.weekday)
        weeks = _monthly_weeks(agreement.rhythm, first)
        if agreement.rhythm == ContactRhythm.MONTHLY:
            when = _("{ordinal} {weekday} of the month").format(
                ordinal=_WEEK_OF_MONTH[weeks[0]], weekday=day
            )
        elif weeks == (2, 4):
            when = _("The second and fourth {weekday} of the month").format(weekday=day)
        else:
            when = _("The first and third {weekday} of the month").format(weekday=day)
    if agreement.at is not None:
        when = _("{when} at {start}").format(when=when, start=directory_clock(agreement.at))
    return when


def agreement_period(agreement: ContactAgreement) -> str:
    start = directory_date(agreement.starts_on)
    if agreement.ends_on:
        return _("from {start} until {end}").format(
            start=start, end=directory_date(agreement.ends_on)
        )
    return _("from {start}").format(start=start)


# --- The volunteer's link ------------------------------------------------------------------------


class ContactLinkError(Exception):
    """The link is forged, another match's, expired, replaced by a newer one, or its match has
    ended. `status` is the answer's: 404 for a link that never was, 410 for one that was."""

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.message = message
        self.status = status


def contact_link_token(agreement: ContactAgreement) -> str:
    return signing.dumps(
        {"match": str(agreement.match_id), "made": agreement.link_issued_at.isoformat()},
        salt=SALT,
    )


def contact_link_path(agreement: ContactAgreement) -> str:
    return reverse(
        "matching:contact_link", args=[agreement.match_id, contact_link_token(agreement)]
    )


def contact_link_url(agreement: ContactAgreement) -> str:
    return settings.BROBYG_BASE_URL + contact_link_path(agreement)


def contact_link_expires_at(agreement: ContactAgreement) -> datetime | None:
    if agreement.link_issued_at is None:
        return None
    return agreement.link_issued_at + timedelta(days=settings.BROBYG_CONTACT_LINK_DAYS)


def contact_link_agreement(*, match_id, token: str) -> ContactAgreement:
    """The current agreement of the match the link is for, if the link may still be used."""
    invalid = _("The link is not valid. Check that all of it was copied.")
    max_age = timedelta(days=settings.BROBYG_CONTACT_LINK_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ContactLinkError(
            _("The link has expired. Ask the coordinator for a new one."), 410
        ) from None
    except signing.BadSignature:
        raise ContactLinkError(invalid, 404) from None
    # A link for one match opens no other, whatever address it is pasted into.
    if not isinstance(data, dict) or data.get("match") != str(match_id):
        raise ContactLinkError(invalid, 404)
    agreement = (
        ContactAgreement.objects.select_related(
            "match__citizen", "match__offer", "match__volunteer"
        )
        .filter(match_id=match_id, replaced_on__isnull=True)
        .first()
    )
    if agreement is None or agreement.link_issued_at is None:
        raise ContactLinkError(invalid, 404)
    if agreement.match.status not in RUNNING:
        raise ContactLinkError(_("The match is not under way now, so the link does not work."), 410)
    if agreement.link_issued_at.isoformat() != data.get("made"):
        raise ContactLinkError(_("A newer link has been made. Use that one."), 410)
    if contact_link_expires_at(agreement) < timezone.now():
        raise ContactLinkError(_("The link has expired. Ask the coordinator for a new one."), 410)
    return agreement


# --- What the pages show -------------------------------------------------------------------------


def match_takes_agreement(match: Match) -> bool:
    """A running match one to one: with a volunteer, or with an offer that is not a group."""
    if match.status not in RUNNING:
        return False
    return match.volunteer_id is not None or not match.offer.is_group


@dataclass
class ContactOverview:
    """A match's agreement and contacts, as the case page, the contact pages and the link show
    them. The caller has already been allowed to see the match."""

    match: Match
    agreement: ContactAgreement | None = None
    agreements: list = field(default_factory=list)
    # The last contacts, newest first.
    entries: list = field(default_factory=list)
    # Topics parked since the last contact that happened (its own included), oldest first.
    parked: list = field(default_factory=list)
    # The latest contacts that raised a concern, newest first.
    concerns: list = field(default_factory=list)
    # Agreed dates past the grace days that nobody logged, newest first.
    not_logged: list = field(default_factory=list)
    # Agreed dates the log form offers: not logged yet, not in the future, newest first.
    open_dates: list = field(default_factory=list)
    next_dates: list = field(default_factory=list)
    missed_in_a_row: int = 0

    @property
    def when(self) -> str:
        return agreement_when(self.agreement) if self.agreement else ""

    @property
    def period(self) -> str:
        return agreement_period(self.agreement) if self.agreement else ""


def _overview(
    match: Match, agreements: list, entries: list, *, today: date, entries_shown: int
) -> ContactOverview:
    overview = ContactOverview(match=match, agreements=agreements)
    if not agreements:
        return overview
    for row in (*agreements, *entries):
        row.match = match
    overview.agreement = next((a for a in agreements if a.is_current), None)
    agreed = agreed_dates(agreements, date_from=agreements[0].starts_on, date_to=today, match=match)
    logged = {entry.expected_on for entry in entries if entry.expected_on}
    unlogged = [day for day in reversed(agreed) if day not in logged]
    overview.entries = entries[:entries_shown]
    overview.not_logged = [day for day in unlogged if (today - day).days > GRACE_DAYS]
    overview.open_dates = [day for day in unlogged if (today - day).days <= LOG_WINDOW_DAYS]
    if overview.agreement is not None:
        overview.next_dates = agreement_dates(
            overview.agreement,
            date_from=today + timedelta(days=1),
            date_to=today + timedelta(days=120),
            match=match,
        )[:3]
    # The topics parked at the last contact that happened, and at any missed since.
    last_done = next((e for e in entries if e.outcome == ContactOutcome.DONE), None)
    since = (last_done.on, last_done.created_at) if last_done else None
    overview.parked = [
        entry
        for entry in reversed(entries)
        if entry.topics_next_time and (since is None or (entry.on, entry.created_at) >= since)
    ]
    overview.concerns = [entry for entry in entries if entry.has_concern][:entries_shown]
    overview.missed_in_a_row = len(
        missed_run(
            agreed=agreed,
            entries=[(e.expected_on, e.on, e.outcome) for e in entries],
            today=today,
        )
    )
    return overview


def contact_overviews(
    matches, *, today: date | None = None, entries_shown: int = 5
) -> list[ContactOverview]:
    """An overview of each match, in the order given: two queries however many matches (none
    without matches, one when none has an agreement)."""
    matches = list(matches)
    if not matches:
        return []
    today = today or timezone.localdate()
    agreements = defaultdict(list)
    for agreement in ContactAgreement.objects.filter(match_id__in=[m.pk for m in matches]).order_by(
        "starts_on", "created_at"
    ):
        agreements[agreement.match_id].append(agreement)
    entries = defaultdict(list)
    if agreements:
        for entry in (
            ContactLogEntry.objects.filter(match_id__in=list(agreements))
            .select_related("recorded_by")
            .order_by("-on", "-created_at")
        ):
            entries[entry.match_id].append(entry)
    return [
        _overview(
            match,
            agreements[match.pk],
            entries[match.pk],
            today=today,
            entries_shown=entries_shown,
        )
        for match in matches
    ]


def contact_overview(
    *, match: Match, today: date | None = None, entries_shown: int = 5
) -> ContactOverview:
    return contact_overviews([match], today=today, entries_shown=entries_shown)[0]


def overview_for_provider(overview: ContactOverview, *, viewer=None) -> ContactOverview:
    """The overview as the offer's or volunteer's side may see it (the coordinator's page, the
    volunteer's link; `match.shared` marked): without the citizen's consent to share with them,
    the words a bridge-builder logged (topics, concerns) stay on the case. Only what the provider
    side wrote itself — by the link, or by the `viewer` — keeps its text; dates and outcomes
    stay. The entries are changed in memory only, never saved."""
    if overview.match.shared:
        return overview
    for entry in overview.entries + overview.parked + overview.concerns:
        if not (entry.by_link or (viewer is not None and entry.recorded_by_id == viewer.pk)):
            entry.topics_next_time = entry.concern = ""
            entry.worried = False
    overview.parked = [entry for entry in overview.parked if entry.topics_next_time]
    overview.concerns = [entry for entry in overview.concerns if entry.has_concern]
    return overview


def case_contact_overviews(*, case, matches) -> list[ContactOverview]:
    """The case page's block: each running one-to-one match of the case, with its agreement if
    it has one. The case page's read is logged already; these are the same citizen's."""
    return contact_overviews(
        m for m in matches if m.case_id == case.pk and match_takes_agreement(m)
    )


def volunteer_contact_agreements(*, matches) -> list[ContactOverview]:
    """The volunteer's page: their running matches (`matches`, the page's open matches, marked
    with what the volunteer may know of each citizen) that have a current agreement."""
    overviews = contact_overviews((m for m in matches if m.status in RUNNING), entries_shown=1)
    return [
        overview_for_provider(overview) for overview in overviews if overview.agreement is not None
    ]


def entry_logged_by(entry: ContactLogEntry) -> str:
    """Who logged a contact: the person in Brobyg, or the volunteer or host by their link."""
    if entry.by_link:
        return _("{provider}, by link").format(provider=entry.match.provider)
    return str(entry.recorded_by)
