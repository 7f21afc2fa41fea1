from django.db import models
from django.utils.translation import gettext_lazy as _


class DirectAnswer(models.TextChoices):
    """The direct question: "Sker det, at du er alene, selvom du mest har lyst til at være
    sammen med andre?" """

    OFTEN = "often", _("Often")
    SOMETIMES = "sometimes", _("Some of the time")
    NO = "no", _("No")


class ScreeningSetting(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    GP = "gp", _("At the GP")
    PHONE = "phone", _("By phone")
    CENTRE = "centre", _("At a centre")


# A score at or above this is "signs of severe loneliness" in the national health profile.
SEVERE_LONELINESS_SCORE = 7

# UCLA-3: the instrument whose score the board, the score chart and the statistics follow.
DEFAULT_INSTRUMENT = "ucla3"


class InstrumentStatus(models.TextChoices):
    """A version of an instrument is written as a draft, put in use (the one new screenings use),
    and retired when the next version is put in use; screenings keep the version they used."""

    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("In use")
    RETIRED = "retired", _("Retired")


class HomeHelpSource(models.TextChoices):
    """Where a citizen's hours of home help came from."""

    ENTERED = "entered", _("Entered")
    IMPORT = "import", _("Imported")


class QualityFlag(models.TextChoices):
    """Why a screening is put before the team's ambassador (nøgleperson) for a second look:
    "det er nemmest blot at svare nej" (Holstebro)."""

    ALL_LOWEST_FIRST = "all_lowest_first", _("“Hardly ever” to every question, first screening")
    SCORE_JUMP = "score_jump", _("The score changed by 4 or more since the last screening")


class QualityOutcome(models.TextChoices):
    FINE = "fine", _("Checked – fine")
    TALK_TO_SCREENER = "talk_to_screener", _("Talk to the screener")


class TriageHow(models.TextChoices):
    """How a citizen's triage colour on a team came to be (TriageState.how)."""

    SCREENING = "screening", _("By a screening")
    PROCEDURE = "procedure", _("By the team's procedure")
    INSTRUMENT = "instrument", _("By another instrument")
    HAND = "hand", _("Set by hand")


class InstrumentKind(models.TextChoices):
    """How an instrument's answers give a colour (its definition's "kind"): the sum of the
    scores, coloured by the scheme's score ranges (UCLA-3), or rules from answers to colours
    (the change form, the direct question)."""

    SCORE = "score", _("Score")
    RULE = "rule", _("Rule: answers give a colour")
