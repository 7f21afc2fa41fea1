from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Shared with the apps below offers, and defined there: the week's days and parts (core.slots,
# volunteers say when they are free in them), the interests volunteers have too, and why a
# match ended (the case's timeline says it).
from core.slots import PartOfDay as PartOfDay
from core.slots import Weekday as Weekday
from referrals.constants import Interest as Interest
from referrals.constants import MatchEndReason as MatchEndReason
from referrals.constants import MatchStatus as MatchStatus
from referrals.constants import SuggestionKind as SuggestionKind


class Strategy(models.TextChoices):
    """The five intervention strategies: the top level of the offer taxonomy."""

    SOCIAL_NETWORK = "social_network", _("Social network")
    PERSONAL_SUPPORT = "personal_support", _("Personal social support")
    SKILLS_TRAINING = "skills_training", _("Social and emotional skills training")
    PSYCHOLOGICAL_TREATMENT = "psychological_treatment", _("Psychological treatment")
    PSYCHOEDUCATION = "psychoeducation", _("Psychoeducation")


class ActivityKind(models.TextChoices):
    """What people do together: the second level of the taxonomy."""

    NATURE = "nature", _("Nature and outdoor life")
    EXERCISE = "exercise", _("Sport and exercise")
    ART = "art", _("Art and creativity")
    CULTURE = "culture", _("Culture, music and reading")
    FOOD = "food", _("Food and meals together")
    CRAFTS = "crafts", _("Crafts and making things")
    DIGITAL = "digital", _("Digital help and games")
    TRIPS = "trips", _("Trips and outings")
    PEER_GROUP = "peer_group", _("Peer group")
    SELF_HELP = "self_help", _("Self-help group")
    VOLUNTEERING = "volunteering", _("Doing something for others")
    NETWORK_CAFE = "network_cafe", _("Network café")
    # A community where people practise being with others (øvefællesskab), often hosted by a
    # bridge-builder on the way to a community of its own.
    PRACTICE_COMMUNITY = "practice_community", _("Practice community")
    VISITING_FRIEND = "visiting_friend", _("Visiting friend")
    MENTOR = "mentor", _("Mentor")
    COURSE = "course", _("Course")
    COUNSELLING = "counselling", _("Counselling and talks")


# Activity kinds where people meet as a group: citizens who want the same may go together.
GROUP_ACTIVITY_KINDS = {
    ActivityKind.NATURE,
    ActivityKind.EXERCISE,
    ActivityKind.FOOD,
    ActivityKind.TRIPS,
    ActivityKind.NETWORK_CAFE,
    ActivityKind.PRACTICE_COMMUNITY,
    ActivityKind.PEER_GROUP,
    ActivityKind.CRAFTS,
    ActivityKind.CULTURE,
}

# The offers a bridge-builder may create and host themself: a network café or a practice
# community of their own team. Such a community is theirs, not yet "a lasting community".
BRIDGE_BUILDER_HOSTED_KINDS = {ActivityKind.NETWORK_CAFE, ActivityKind.PRACTICE_COMMUNITY}


class TargetGroup(models.TextChoices):
    SENIORS = "seniors", _("Older people")
    YOUNG = "young", _("Young people")
    BEREAVED = "bereaved", _("Bereaved")
    NEWLY_RETIRED = "newly_retired", _("Newly retired")
    CARERS = "carers", _("Relatives and carers")
    DISABILITY = "disability", _("People with a disability")
    MENTAL_HEALTH = "mental_health", _("People with mental health problems")
    NEW_IN_DENMARK = "new_in_denmark", _("New in Denmark")
    MEN = "men", _("Men")
    WOMEN = "women", _("Women")
    EVERYONE = "everyone", _("Everyone")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Every week")
    BIWEEKLY = "biweekly", _("Every other week")
    MONTHLY = "monthly", _("Monthly")
    ONCE = "once", _("On a date")


# "On Tuesdays", for the reasons a person reads.
WEEKDAY_PLURAL = [
    _("Mondays"),
    _("Tuesdays"),
    _("Wednesdays"),
    _("Thursdays"),
    _("Fridays"),
    _("Saturdays"),
    _("Sundays"),
]


class OfferStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    ARCHIVED = "archived", _("Archived")
    # Imported without a coordinating team or a place: in no directory and no matching until a
    # coordinator has looked at it (offers.hsds.review).
    FOR_REVIEW = "for_review", _("To be reviewed")


class PriceKind(models.TextChoices):
    FREE = "free", _("Free")
    PAID = "paid", _("Costs money")


OPEN_MATCH_STATUSES = [
    MatchStatus.PROPOSED,
    MatchStatus.ACCEPTED,
    MatchStatus.FIRST_MEETING,
    MatchStatus.ACTIVE,
]


class UnmetNeedStatus(models.TextChoices):
    """Where an unmet need stands: open until it is met or the course ends."""

    # "Open" as a state, not the verb (the page's button to open something is also "Open").
    OPEN = "open", pgettext_lazy("unmet need", "Open")
    MET = "met", pgettext_lazy("unmet need", "Met")
    ENDED = "ended", _("Ended with the course")


# The coordinators' list of unmet needs: the groups by area and category, and the wishes.
UNMET_NEED_GROUP_SORTS = {
    "count": _("Most needs first"),
    "area": _("Area"),
    "category": _("Category"),
    "oldest": _("Waited longest"),
}
UNMET_NEED_WISH_ORDERS = {
    "newest": _("Newest first"),
    "oldest": _("Oldest first"),
    "area": _("Area"),
    "category": _("Category"),
}
