"""Bounds on what people type, shared by the services, the web forms and the API.

Each rule lives here once, so a form and a serializer for the same thing say the same, and the
service that stores the value checks it too (an import or a management command has no form).
"""

import re
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Free text. A database text column has no limit of its own; these are what a person reads.
LONG_TEXT_MAX = 5000  # a reason, observations, a note on a case, an offer's description
SHORT_TEXT_MAX = 300  # a one-line note, an outcome in a sentence or two
SEARCH_MAX = 100  # a search box

# Dates.
EARLIEST_BIRTH_DATE = date(1900, 1, 1)
# A tablet's clock may run a little ahead of the server's.
CLOCK_SKEW = timedelta(minutes=10)
# A tablet may keep a screening offline for a while, but not for more than a year.
SCREENING_MAX_AGE = timedelta(days=365)
# Follow-up is about the coming weeks and months; a task further ahead is a typo.
TASK_DUE_MAX_AHEAD = timedelta(days=2 * 365)


def long_text(limit: int = LONG_TEXT_MAX) -> MaxLengthValidator:
    """A length limit for a free text, for a service to check what a form or serializer field
    checks with `max_length` (the same message as Django's, translated already)."""
    return MaxLengthValidator(limit)


def validate_birth_date(value: date | None) -> None:
    if value is None:
        return
    if value < EARLIEST_BIRTH_DATE:
        raise ValidationError(
            _("The date of birth cannot be before 1900."), code="birth_date_too_early"
        )
    if value > timezone.localdate():
        raise ValidationError(_("The date of birth is in the future."), code="future")


def validate_screened_at(value: datetime | None) -> None:
    if value is None:
        return
    now = timezone.now()
    if value > now + CLOCK_SKEW:
        raise ValidationError(_("A screening cannot be in the future."), code="future")
    if value < now - SCREENING_MAX_AGE:
        raise ValidationError(
            _("A screening cannot be more than a year old. Check the date."), code="too_old"
        )


def validate_task_due(value: date | None) -> None:
    """A task made now: due today or later, and within the next two years."""
    if value is None:
        return
    today = timezone.localdate()
    if value < today:
        raise ValidationError(_("The date has passed."), code="past")
    if value > today + TASK_DUE_MAX_AHEAD:
        raise ValidationError(_("Give a date within the next two years."), code="too_far_ahead")


def validate_meeting_date(value: date | datetime | None) -> None:
    """A meeting that took place within the last year or is planned within the next two."""
    if value is None:
        return
    day = timezone.localdate(value) if isinstance(value, datetime) else value
    today = timezone.localdate()
    if not today - timedelta(days=365) <= day <= today + TASK_DUE_MAX_AHEAD:
        raise ValidationError(
            _("Give a date within the last year or the next two years."), code="out_of_range"
        )


# A phone number as people write it: digits, spaces, hyphens and brackets, with a + only in
# front of a country code. A Danish number has 8 digits (+45 before them is fine); a number
# abroad starts with + and its country code, at most 15 digits in all (the ITU's E.164).
PHONE_CHARACTERS = re.compile(r"\+?[0-9 ()-]+")
DANISH_PHONE_DIGITS = 8
PHONE_MAX_DIGITS = 15
PHONE_INVALID = _(
    "Write the phone number with 8 digits, or with + and the country code for a number abroad."
)


def validate_phone(value: str | None) -> None:
    """A phone number a person can be called on: every form and serializer with a phone field
    uses this one rule. Empty is left to the field (most phone numbers are optional)."""
    text = (value or "").strip()
    if not text:
        return
    if not PHONE_CHARACTERS.fullmatch(text):
        raise ValidationError(PHONE_INVALID, code="phone")
    digits = re.sub(r"[^0-9]", "", text)
    if not text.startswith("+"):
        valid = len(digits) == DANISH_PHONE_DIGITS
    elif digits.startswith("45"):
        valid = len(digits) == 2 + DANISH_PHONE_DIGITS
    else:
        # A country code (1–3 digits) and a number of at least a few digits.
        valid = DANISH_PHONE_DIGITS <= len(digits) <= PHONE_MAX_DIGITS
    if not valid:
        raise ValidationError(PHONE_INVALID, code="phone")


def strip_nul(text: str) -> str:
    """A search without NUL characters: PostgreSQL refuses a NUL in a query, and no stored text
    can contain one, so the character can only ever make a search fail."""
    return (text or "").replace("\x00", "")


def clean_choice_list(values, allowed: set, field: str) -> list[str]:
    """A list of choices (an offer's interests, a volunteer's roles) without repeats, in the
    order given; a value that is not a choice is refused under `field`."""
    values = list(dict.fromkeys(values or []))
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise ValidationError(
            {field: _("Unknown value: {values}.").format(values=", ".join(map(str, unknown)))}
        )
    return values
