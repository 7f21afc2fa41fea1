from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    CALL_CITIZEN = "call_citizen", _("Call the citizen")
    CHECK_FIRST_MEETING = "check_first_meeting", _("Check the first meeting")
    RESCREEN = "rescreen", _("Screen again")
    TRIAGE_NEXT_STEP = "triage_next_step", _("The triage colour's next step")
    CALL_BEFORE_SESSION = "call_before_session", _("Call before a group session")
    AFTER_MISSED_SESSION = "after_missed_session", _("After a missed session")
    OTHER = "other", _("Other")


class TaskOrigin(models.TextChoices):
    """What made a task that no person wrote (its `data`'s "origin"): its heading is made from it
    when read, in the reader's language (followups/events.py)."""

    FIRST_MEETING_CHECK = "first_meeting_check", _("A first meeting was planned")
    PLAN_FIRST_CHECK = "plan_first_check", _("The follow-up plan's first check")
    PLAN_SECOND_CHECK = "plan_second_check", _("The follow-up plan's second check")
    PLAN_RESCREEN = "plan_rescreen", _("The follow-up plan's re-screening")
    RESCREEN_THIS_WEEK = "rescreen_this_week", _("Given at the board meeting")
    MISSED_FIRST_MEETING = "missed_first_meeting", _("The citizen missed the first meeting")
    MISSED_SESSION = "missed_session", _("The citizen missed a session")


class TaskOutcome(models.TextChoices):
    """How a task was done when Brobyg closed it, not a person (its `data`'s "outcome")."""

    SCREENED = "screened", _("Screened.")
    REPLACED_BY_NEWER_SCREENING = "replaced_by_newer_screening", _("Replaced by a newer screening.")
    GIVEN_TO_SOMEONE_ELSE = "given_to_someone_else", _("Given to someone else.")


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", _("The day before")
    DUE = "due", _("On the day")
    DIGEST = "digest", _("Daily digest")
    ESCALATION = "escalation", _("Overdue, to the team lead")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    CLAIMED = "claimed", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not needed")
