from django.db import models
from django.utils.translation import gettext_lazy as _


class ReferralSource(models.TextChoices):
    GP = "gp", _("General practitioner")
    HOME_CARE = "home_care", _("Home care")
    PREVENTIVE_VISIT = "preventive_visit", _("Preventive home visit")
    HOSPITAL = "hospital", _("Hospital discharge")
    JOBCENTRE = "jobcentre", _("Jobcentre")
    HOUSING = "housing", _("Housing staff")
    RELATIVE = "relative", _("Relative")
    SELF = "self", _("The citizen themself")
    OTHER = "other", _("Other")


class LifeTransition(models.TextChoices):
    BEREAVEMENT = "bereavement", _("Bereavement")
    DIVORCE = "divorce", _("Divorce or break-up")
    RETIREMENT = "retirement", _("Retirement")
    MOVING = "moving", _("Moving")
    DISCHARGE = "discharge", _("Discharge from hospital")
    ILLNESS = "illness", _("Illness or reduced function")
    JOB_LOSS = "job_loss", _("Loss of job")
    CAREGIVING = "caregiving", _("Caring for a relative")
    OTHER = "other", _("Other")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    SOON = "soon", _("Soon (within a week)")
    URGENT = "urgent", _("Urgent (within two days)")


class ConsentMethod(models.TextChoices):
    VERBAL = "verbal", _("Verbal")
    WRITTEN = "written", _("Written")
    DIGITAL = "digital", _("Digital")
    # A MedCom message (medcom) says nothing of consent in structured form: the GP's sending it
    # is the statement, and the bridge-builder asks the citizen (docs/decisions/0015-medcom.md).
    REFERRER_STATED = (
        "referrer_stated",
        _("Stated by the referrer, to be confirmed at first contact"),
    )


# How a person gives consent, in a form or through the API: "stated by the referrer" is what a
# MedCom message carries, never what a person picks.
PERSON_CONSENT_METHODS = [
    (value, label)
    for value, label in ConsentMethod.choices
    if value != ConsentMethod.REFERRER_STATED
]


class ConsentPurpose(models.TextChoices):
    REFERRAL = "referral", _("Referral to a bridge-builder")
    SHARE_VOLUNTEER = "share_volunteer", _("Sharing with a named volunteer")
    SHARE_OFFER = "share_offer", _("Sharing with a named offer")
    REFERRER_FEEDBACK = "referrer_feedback", _("Feedback to the referrer")
    COMPANION = "companion", _("Being suggested to other citizens who want the same")


class CaseStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    CONTACTED = "contacted", _("Contacted")
    SCREENING = "screening", _("Screening")
    MATCHING = "matching", _("Matching")
    FOLLOWING_UP = "following_up", _("Following up")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [s for s in CaseStatus.values if s != CaseStatus.CLOSED]

# The steps a case may take. Closing is possible from every open status; a step back is allowed
# where the work really goes back (a match fell through, a new match after follow-up).
CASE_TRANSITIONS: dict[str, set[str]] = {
    CaseStatus.RECEIVED: {CaseStatus.CONTACTED, CaseStatus.CLOSED},
    CaseStatus.CONTACTED: {CaseStatus.SCREENING, CaseStatus.CLOSED},
    CaseStatus.SCREENING: {CaseStatus.MATCHING, CaseStatus.CLOSED},
    CaseStatus.MATCHING: {CaseStatus.FOLLOWING_UP, CaseStatus.SCREENING, CaseStatus.CLOSED},
    CaseStatus.FOLLOWING_UP: {CaseStatus.MATCHING, CaseStatus.CLOSED},
    CaseStatus.CLOSED: set(),
}


class CloseReason(models.TextChoices):
    LASTING_COMMUNITY = "lasting_community", _("In a lasting community")
    DECLINED = "declined", _("Declined")
    MOVED = "moved", _("Moved")
    OTHER_HELP = "other_help", _("Needs other help")
    DIED = "died", _("Died")
    NO_CONTACT = "no_contact", _("No contact")
    MERGED = "merged", _("Continued in the other record's case")


class ExitCriterionKind(models.TextChoices):
    """When a bridge-builder's role may end: the citizen carries on without them (seed 002's
    "klare afslutningskriterier"). Ticked on the case's plan; closing a case as "in a lasting
    community" with any of them unticked needs an explicit "close anyway"."""

    IN_A_COMMUNITY = "in_a_community", _("Comes regularly to a community")
    CONTACT_PERSON = "contact_person", _("Has a contact person in the community")
    TRANSPORT = "transport", _("Can get there on their own, or transport is arranged")
    KNOWS_WHOM_TO_CALL = "knows_whom_to_call", _("Knows whom to contact if it comes to a halt")
    FOLLOW_UP_DONE = "follow_up_done", _("The follow-up after 3 months is done")


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone call")
    HOME_VISIT = "home_visit", _("Home visit")
    MEETING = "meeting", _("Meeting")
    VIDEO = "video", _("Video call")
    WRITTEN = "written", _("Letter, e-mail or text")


class NetworkKind(models.TextChoices):
    FAMILY = "family", _("Family")
    FRIEND = "friend", _("Friend")
    NEIGHBOUR = "neighbour", _("Neighbour")
    PROFESSIONAL = "professional", _("Professional")
    OTHER = "other", _("Other")


class Closeness(models.IntegerChoices):
    CLOSE = 3, _("Close")
    SOME = 2, _("Some contact")
    DISTANT = 1, _("Distant or lost")


class CaseEventKind(models.TextChoices):
    REFERRAL = "referral", _("Referral")
    STATUS = "status", _("Status changed")
    ASSIGNMENT = "assignment", _("Assigned")
    CONTACT = "contact", _("Contact")
    NOTE = "note", _("Note")
    NETWORK = "network", _("Network")
    PLAN = "plan", _("Plan")
    CONSENT = "consent", _("Consent")
    SCREENING = "screening", _("Screening")
    MATCH = "match", _("Match")
    IDENTITY = "identity", _("Records merged or details taken over")


class CaseEventAction(models.TextChoices):
    """Which of a kind's events a timeline line is, where a kind has several (its `data`'s
    "action"). The line's sentence is made from it when read: referrals/events.py."""

    DETAILS_USED = "details_used", _("The referrer's details taken over")
    RECORDS_MERGED = "records_merged", _("Two records merged")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
    NETWORK_ADDED = "network_added", _("Person added to the network")
    NETWORK_REMOVED = "network_removed", _("Person removed from the network")
    PLAN_STEP_ADDED = "plan_step_added", _("Plan step added")
    PLAN_STEP_DONE = "plan_step_done", _("Plan step done")
    EXIT_CRITERION_MET = "exit_criterion_met", _("Exit criterion ticked")
    EXIT_CRITERION_UNMET = "exit_criterion_unmet", _("Exit criterion unticked")
    MATCH_PROPOSED = "match_proposed", _("Match proposed")
    MATCH_ACCEPTED = "match_accepted", _("The citizen said yes")
    MATCH_CONFIRMED = "match_confirmed", _("The provider confirmed")
    MATCH_DECLINED = "match_declined", _("The provider declined")
    FIRST_MEETING_PLANNED = "first_meeting_planned", _("First meeting planned")
    FIRST_MEETING_HELD = "first_meeting_held", _("First meeting held")
    FIRST_MEETING_MISSED = "first_meeting_missed", _("First meeting missed")
    MATCH_ENDED = "match_ended", _("Match ended")
    WAITING_LIST_JOINED = "waiting_list_joined", _("Put on an offer's waiting list")
    WAITING_LIST_PLACE_FREE = "waiting_list_place_free", _("A place came free on an offer")
    WAITING_LIST_LEFT = "waiting_list_left", _("Taken off an offer's waiting list")
    GROUP_JOINED = "group_joined", _("Joined a group on an offer")
    GROUP_LEFT = "group_left", _("Left a group on an offer")
    GROUP_VOLUNTEER_JOINED = "group_volunteer_joined", _("A volunteer joined the citizen's group")
    GROUP_VOLUNTEER_LEFT = "group_volunteer_left", _("A volunteer left the citizen's group")
    GROUP_ENDED = "group_ended", _("The citizen's group ended")


class Interest(models.TextChoices):
    """What a citizen likes to do; offers and volunteers use the same words, so they can meet.
    Here, below both, like the languages a person speaks (CITIZEN_LANGUAGES)."""

    GARDENING = "gardening", _("gardening")
    WALKING = "walking", _("walks")
    NATURE = "nature", _("nature")
    EXERCISE = "exercise", _("exercise")
    DANCING = "dancing", _("dancing")
    SWIMMING = "swimming", _("swimming")
    CARDS = "cards", _("cards and board games")
    MUSIC = "music", _("music")
    SINGING = "singing", _("singing")
    ART = "art", _("painting and drawing")
    CRAFTS = "crafts", _("crafts")
    WOODWORK = "woodwork", _("woodwork")
    COOKING = "cooking", _("cooking")
    MEALS = "meals", _("eating together")
    READING = "reading", _("books and reading")
    HISTORY = "history", _("local history")
    FILM = "film", _("film")
    DIGITAL = "digital", _("computers and phones")
    FISHING = "fishing", _("fishing")
    ANIMALS = "animals", _("dogs and animals")
    TRIPS = "trips", _("trips")
    COFFEE = "coffee", _("coffee and a chat")
    FAITH = "faith", _("church and faith")
    VOLUNTEERING = "volunteering", _("helping others")


# Why a match with an offer or a volunteer ended (matching.Match.end_reason). Here, not in matching:
# the case's timeline says it too (referrals/events.py), and matching builds on referrals.
class MatchEndReason(models.TextChoices):
    LASTING = "lasting", _("A lasting community: no more support needed")
    CITIZEN_DECLINED = "citizen_declined", _("The citizen said no")
    PROVIDER_DECLINED = "provider_declined", _("The offer or volunteer said no")
    NO_SHOW = "no_show", _("The citizen did not come")
    NOT_A_FIT = "not_a_fit", _("Not a good fit")
    OFFER_ENDED = "offer_ended", _("The offer stopped")
    MOVED = "moved", _("Moved")
    OTHER = "other", _("Other")


# Why a citizen left a full offer's waiting list (matching.OfferWaitingListEntry.left_reason).
# Here, not in matching, for the same reason as MatchEndReason: the timeline says it too.
class WaitingListLeaveReason(models.TextChoices):
    PLACE_OFFERED = "place_offered", _("A place was offered")
    NO_LONGER_WANTED = "no_longer_wanted", _("No longer wanted")
    CASE_CLOSED = "case_closed", _("The case was closed")


class AgeBand(models.TextChoices):
    """The age bands of the national health profile."""

    UNDER_16 = "0-15", _("Under 16")
    BAND_16_29 = "16-29", "16–29"
    BAND_30_49 = "30-49", "30–49"
    BAND_50_64 = "50-64", "50–64"
    BAND_65_79 = "65-79", "65–79"
    BAND_80 = "80+", "80+"


CITIZEN_LANGUAGES = [
    ("da", _("Danish")),
    ("en", _("English")),
    ("de", _("German")),
    ("pl", _("Polish")),
    ("uk", _("Ukrainian")),
    ("ro", _("Romanian")),
    ("tr", _("Turkish")),
    ("ar", _("Arabic")),
    ("so", _("Somali")),
    ("fa", _("Persian")),
    ("ur", _("Urdu")),
    ("ti", _("Tigrinya")),
    ("other", _("Other")),
]


class AccessRequestStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for an answer")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To be judged")
    MERGED = "merged", _("Merged")
    DISTINCT = "distinct", _("Not the same person")


# Contact details a referral brings that the team may take into the citizen's record.
FILLABLE_FIELDS = ["phone", "email", "address", "postcode", "city"]


# What identifies a citizen, and what each field becomes when a record stops identifying anyone
# (anonymised after retention, erased, or merged into the other record of the same person).
# A new identifying field on Citizen belongs here, so that every one of those paths empties it.
CITIZEN_IDENTIFYING_CLEARED = {
    "first_name": "",
    "last_name": "",
    "name_key": "",
    "phone": "",
    "email": "",
    "address": "",
    "city": "",
    "needs_mobility": False,
    "needs_hearing": False,
    "needs_transport": False,
    "needs_interpreter": False,
    "cpr_encrypted": "",
    "cpr_hash": None,
    "home_care_team": None,
}


# A match's steps and the kinds of suggestion: matching (offers) works with them, and the case
# page and the citizen's API in referrals show them.
class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACCEPTED = "accepted", _("The citizen said yes")
    FIRST_MEETING = "first_meeting", _("First meeting planned")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class SuggestionKind(models.TextChoices):
    OFFER = "offer", _("Offer")
    VOLUNTEER = "volunteer", _("Volunteer")
    CITIZEN = "citizen", _("Citizen with the same wish")
