from django.db import models
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    CALL_CITIZEN = "call_citizen", _("Call the citizen")
    CHECK_FIRST_MEETING = "check_first_meeting", _("Check the first meeting")
    RESCREEN = "rescreen", _("Screen again")
    TRIAGE_NEXT_STEP = "triage_next_step", _("The triage colour's next step")
    CALL_BEFORE_SESSION = "call_before_session", _("Call before a group session")
    AFTER_MISSED_SESSION = "after_missed_session", _("After a missed session")
    CERTIFICATE = "certificate", _("A volunteer's certificate")
    FIND_ANOTHER_OFFER = "find_another_offer", _("Find another offer for the citizen")
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
    BEFORE_SESSION = "before_session", _("A session of a group offer is coming up")
    PLACE_FREE = "place_free", _("A place came free on an offer the citizen waits for")
    # A volunteer's certificate (volunteers/vetting.py): the first two are the coordinator's,
    # about the volunteer and no citizen; the last is the bridge-builder's, about a match.
    VETTING_RENEWAL = "vetting_renewal", _("A volunteer's certificate is about to run out")
    VETTING_MISSING = "vetting_missing", _("A match needs a certificate the volunteer lacks")
    VETTING_EXPIRED = "vetting_expired", _("The certificate a match needs is not in order")
    # The citizen said "not now" when the case was closed: the date to ask again.
    APPROACH_AGAIN = "approach_again", _("The citizen said “not now”")
    # An offer a citizen is matched with was paused or stopped: the bridge-builder's task, and
    # the task of the offer's other coordinators (about the offer, naming no citizen).
    OFFER_PAUSED = "offer_paused", _("The offer was paused")
    OFFER_ARCHIVED = "offer_archived", _("The offer stopped")
    OFFER_PAUSED_MATCHES = "offer_paused_matches", _("An offer with matched citizens was paused")
    OFFER_ARCHIVED_MATCHES = "offer_archived_matches", _("An offer with matched citizens stopped")
    # Recurring contact on a match (matching/services/contact.py): a concern the volunteer or host
    # logged, with or without "I am worried", and agreed contacts missed in a row.
    CONTACT_CONCERN = "contact_concern", _("A volunteer logged a concern after a contact")
    CONTACT_WORRIED = "contact_worried", _("A volunteer is worried after a contact")
    CONTACT_MISSED_IN_A_ROW = "contact_missed_in_a_row", _("Agreed contacts missed in a row")
    # After a first meeting the offer or volunteer is asked by e-mail whether the citizen came;
    # with no address to write to, someone asks by phone (matching/confirmation.py).
    FIRST_MEETING_ASK_BY_PHONE = (
        "first_meeting_ask_by_phone",
        _("No e-mail address to ask whether the citizen came"),
    )


class TaskOutcome(models.TextChoices):
    """How a task was done when Brobyg closed it, not a person (its `data`'s "outcome")."""

    SCREENED = "screened", _("Screened.")
    REPLACED_BY_NEWER_SCREENING = "replaced_by_newer_screening", _("Replaced by a newer screening.")
    REPLACED_BY_NEW_COLOUR = "replaced_by_new_colour", _("Replaced by the citizen's new colour.")
    GIVEN_TO_SOMEONE_ELSE = "given_to_someone_else", _("Given to someone else.")
    OFFER_PROPOSED = "offer_proposed", _("The offer was proposed.")
    OFF_WAITING_LIST = "off_waiting_list", _("Taken off the waiting list.")
    CERTIFICATE_RENEWED = "certificate_renewed", _("The certificate is in order again.")
    REFERRED = "referred", _("The citizen was referred to a bridge-builder.")
    CASE_CLOSED = "case_closed", _("Ended when the case was closed.")
    MATCH_ENDED = "match_ended", _("Ended with the match.")


class ReminderKind(models.TextChoices):
    DAY_BEFORE = "day_before", _("The day before")
    DUE = "due", _("On the day")
    DIGEST = "digest", _("Daily digest")
    ESCALATION = "escalation", _("Overdue, to the team lead")
    # A task nobody holds, to its team's leads (or members, without one): someone takes it.
    UNASSIGNED = "unassigned", _("Nobody holds it, to the team")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    CLAIMED = "claimed", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    SKIPPED = "skipped", _("Not needed")
