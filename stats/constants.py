from django.db import models
from django.utils.translation import gettext_lazy as _

from referrals.constants import AgeBand


class Interval(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")


# The age bands of the national health profile, which the statistics can be narrowed to.
FILTER_AGE_BANDS = [
    AgeBand.BAND_16_29,
    AgeBand.BAND_30_49,
    AgeBand.BAND_50_64,
    AgeBand.BAND_65_79,
    AgeBand.BAND_80,
]

# A later screening counts as a follow-up of the first only this many days after it or more:
# two screenings at the same visit are a retest, not an outcome.
FOLLOW_UP_MIN_DAYS = 28

# An improvement in UCLA-3 of this many points or more counts as "improved".
IMPROVED_BY = 2

# The longest period one request may cover, in months.
MAX_MONTHS = 120
