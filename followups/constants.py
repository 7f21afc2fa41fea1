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
