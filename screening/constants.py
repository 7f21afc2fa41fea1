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
