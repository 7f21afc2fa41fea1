"""A municipality cut fine: three bridge-builder teams, four districts, five age bands and six
months (January to June 2025), with a hundred-odd citizens spread over them at random (a fixed
seed), so that nearly every cell a filter can narrow to holds 0 to 4. Made through the services
at chosen moments, as in real use. What the differencing attack and the small-count test run on.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.utils import timezone

from referrals.constants import CloseReason, LifeTransition, ReferralSource
from referrals.services import case_close, contact_record, referral_create
from tests.accounts.factories import UserFactory
from tests.referrals.factories import bridge_team
from tests.stats.dataset import _screen, at

MONTHS = [date(2025, month, 1) for month in range(1, 7)]
DISTRICTS = ["5000", "5200", "5210", "5220"]
# A birth year for each filter age band, as of 2025.
BIRTH_YEARS = {"16-29": 2000, "30-49": 1985, "50-64": 1968, "65-79": 1952, "80+": 1938}
SOURCES = [
    ReferralSource.GP,
    ReferralSource.HOME_CARE,
    ReferralSource.HOSPITAL,
    ReferralSource.RELATIVE,
    ReferralSource.SELF,
]
TRANSITIONS = [LifeTransition.BEREAVEMENT, LifeTransition.RETIREMENT]
REASONS = [CloseReason.LASTING_COMMUNITY, CloseReason.DECLINED, CloseReason.MOVED]


@dataclass
class FineMunicipality:
    teams: list
    months: list = field(default_factory=lambda: list(MONTHS))
    districts: list = field(default_factory=lambda: list(DISTRICTS))
    age_bands: list = field(default_factory=lambda: list(BIRTH_YEARS))


def _moment(month: date, rng: random.Random) -> datetime:
    """A moment in the first three weeks of `month`, on a weekday morning."""
    day = month + timedelta(days=rng.randrange(0, 20))
    return timezone.make_aware(datetime(day.year, day.month, day.day, 9 + rng.randrange(0, 6)))


def build(*, citizens: int = 110, seed: int = 2025) -> FineMunicipality:
    rng = random.Random(seed)
    teams = [bridge_team(name=name) for name in ("Nord", "Syd", "Vest")]
    builders = {team.pk: UserFactory(bridge_builder=True, team=team) for team in teams}
    for n in range(citizens):
        team = rng.choice(teams)
        builder = builders[team.pk]
        band = rng.choice(list(BIRTH_YEARS))
        month_index = rng.randrange(len(MONTHS))
        referred = _moment(MONTHS[month_index], rng)
        with at(referred):
            case = referral_create(
                citizen={
                    "first_name": f"Fin{n}",
                    "last_name": "Skov",
                    "birth_date": date(BIRTH_YEARS[band], 1 + rng.randrange(12), 15),
                    "phone": f"+45 40 50 {n:04d}",
                    "email": "",
                    "address": f"Engvej {n}",
                    "postcode": rng.choice(DISTRICTS),
                },
                source=rng.choice(SOURCES),
                reason="Alene.",
                life_transitions=[t for t in TRANSITIONS if rng.random() < 0.3],
                consent_given=True,
                consent_method="verbal",
                team=team,
            ).referral.case
        if rng.random() < 0.75:
            reached = referred + timedelta(days=1 + rng.randrange(9))
            with at(reached):
                contact_record(case=case, kind="phone", actor=builder, occurred_at=reached)
        # Screened once or twice while the case is open, from the month of the referral on.
        last = referred
        for _ in range(1 + (rng.random() < 0.4)):
            later = rng.randrange(month_index, len(MONTHS))
            when = max(_moment(MONTHS[later], rng), last + timedelta(days=1))
            if when.month > MONTHS[-1].month or when.year != 2025:
                break
            _screen(case.citizen, rng.randint(3, 9), when, builder)
            last = when
        # Some cases close after their last screening, in the month after it or later.
        if rng.random() < 0.35 and last.month < MONTHS[-1].month:
            closing = _moment(MONTHS[rng.randrange(last.month, len(MONTHS))], rng)
            with at(max(closing, last + timedelta(days=1), referred + timedelta(days=11))):
                case_close(case=case, reason=rng.choice(REASONS), actor=builder, close_anyway=True)
    return FineMunicipality(teams=teams)
