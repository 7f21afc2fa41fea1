"""A small municipality whose right figures are known, made through the services at chosen
moments (the clock is moved with `at()`), as in real use.

January to March 2025, team "Nord" (bridge-builders) unless said otherwise:

Referrals (source, month):      January: 6 GP, 2 home care, 1 self (team Syd)
                                February: 7 GP, 5 hospital
Life transitions:               January: 4 bereavement (2 of them also retirement), the rest none
                                February: 5 bereavement, 7 none
First contact (January cases):  after 1, 2, 2, 3, 5 and 8 days; 3 never contacted
                                February: every case after 1 day
Closed (March):                 5 in a lasting community, 2 declined
Screenings (UCLA-3 score):      ten citizens first in January [9, 9, 8, 8, 7, 7, 6, 6, 5, 9],
                                again in March [5, 6, 6, 5, 5, 7, 6, 7, 5, 9]; the first of them
                                also in February (3); one more citizen (born 1990, postcode
                                5200) twice in February, ten days apart (7 and 8)
"""

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from unittest import mock

from django.utils import timezone

from referrals.services import (
    case_close,
    citizen_resolve,
    citizen_set_home_care_team,
    contact_record,
    referral_create,
)
from screening.services import screening_record
from tests.accounts.factories import TeamFactory, UserFactory
from tests.referrals.factories import bridge_team
from tests.screening.factories import ITEMS

JANUARY = timezone.make_aware(datetime(2025, 1, 10, 10, 0))
FEBRUARY = timezone.make_aware(datetime(2025, 2, 12, 10, 0))
MARCH = timezone.make_aware(datetime(2025, 3, 14, 10, 0))

FIRST_SCORES = [9, 9, 8, 8, 7, 7, 6, 6, 5, 9]
LATER_SCORES = [5, 6, 6, 5, 5, 7, 6, 7, 5, 9]

# Valid CPR numbers (modulus 11 is not required since 2007) with their birth dates.
CPR_BY_INDEX = {0: ("0101501234", date(1950, 1, 1)), 1: ("0202502345", date(1950, 2, 2))}


@contextmanager
def at(moment: datetime):
    """Run the services as if it were `moment` (created_at, contacts, screenings)."""
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


def answers_for(score: int) -> dict:
    """Three UCLA-3 answers (1–3) that add up to `score`."""
    values = [1, 1, 1]
    for i in range(score - 3):
        values[i % 3] += 1
    return dict(zip(ITEMS, values, strict=True))


@dataclass
class Municipality:
    nord: object
    syd: object
    home_care: object
    builder: object
    worker: object
    people: list = field(default_factory=list)  # every citizen: identifiers to look for

    def remember(self, citizen, cpr: str = ""):
        self.people.append(
            {
                "first_name": citizen.first_name,
                "last_name": citizen.last_name,
                "address": citizen.address,
                "phone": citizen.phone,
                "cpr": cpr,
                "birth_date": citizen.birth_date,
                "id": str(citizen.pk),
            }
        )


_serial = iter(range(1, 10_000))


def _citizen(**overrides) -> dict:
    n = next(_serial)
    data = {
        "first_name": f"Ingeborg{n}",
        "last_name": f"Skovgaard{n}",
        "birth_date": date(1950, 3, 1 + n % 27),
        "phone": f"+45 31 41 {n:04d}",
        "email": "",
        "address": f"Rosenvænget {n}",
        "postcode": "5000",
    }
    data.update(overrides)
    return data


def build() -> Municipality:
    nord = bridge_team(name="Nord")
    syd = bridge_team(name="Syd", organisation=nord.organisation)
    home = TeamFactory(home_care=True, name="Hjemmeplejen Øst", organisation=nord.organisation)
    builder = UserFactory(bridge_builder=True, team=nord)
    UserFactory(bridge_builder=True, team=syd)
    worker = UserFactory(home_care=True, team=home)
    town = Municipality(nord, syd, home, builder, worker)

    def refer(when, source, *, team=nord, transitions=(), cpr="", **citizen):
        data = _citizen(**citizen)
        if cpr:
            data["cpr"] = cpr
        with at(when):
            result = referral_create(
                citizen=data,
                source=source,
                reason="Sidder alene efter konens død, Rosenvænget er stille.",
                citizen_wishes="Vil gerne spille kort.",
                life_transitions=list(transitions),
                consent_given=True,
                consent_method="verbal",
                team=team,
            )
        town.remember(result.referral.citizen, cpr)
        return result.referral.case

    # January: 6 GP (4 bereavement, 2 of them also retirement), 2 home care, 1 self (Syd)
    january = []
    for i in range(6):
        transitions = ["bereavement"] if i < 4 else []
        if i < 2:
            transitions.append("retirement")
        cpr, born = CPR_BY_INDEX.get(i, ("", None))
        extra = {"birth_date": born} if born else {}
        january.append(refer(JANUARY, "gp", transitions=transitions, cpr=cpr, **extra))
    january += [refer(JANUARY, "home_care") for _ in range(2)]
    january.append(refer(JANUARY, "self", team=syd))
    # First contacts of January's cases after 1, 2, 2, 3, 5 and 8 days; three never.
    for case, days in zip(january, [1, 2, 2, 3, 5, 8], strict=False):
        moment = JANUARY + timedelta(days=days)
        with at(moment):
            contact_record(case=case, kind="phone", actor=town.builder, occurred_at=moment)

    # February: 7 GP, 5 hospital (5 bereavement); every case reached the next day.
    february = [
        refer(FEBRUARY, "gp", transitions=["bereavement"] if i < 5 else []) for i in range(7)
    ]
    february += [refer(FEBRUARY, "hospital") for _ in range(5)]
    for case in february:
        moment = FEBRUARY + timedelta(days=1)
        with at(moment):
            contact_record(case=case, kind="phone", actor=town.builder, occurred_at=moment)

    # March: closing 5 in a lasting community and 2 declined (all January's contacted ones
    # but the first; the sixth January case was contacted too).
    with at(MARCH):
        for case in february[:5]:
            case_close(case=case, reason="lasting_community", actor=town.builder, close_anyway=True)
        for case in february[5:7]:
            case_close(case=case, reason="declined", actor=town.builder)

    # Screenings of the citizens of January's and February's first cases.
    screened = [c.citizen for c in (january[:6] + february[:4])]
    for citizen, first, later in zip(screened, FIRST_SCORES, LATER_SCORES, strict=True):
        _screen(citizen, first, JANUARY + timedelta(days=2), town.worker)
        _screen(citizen, later, MARCH, town.worker)
    _screen(screened[0], 3, FEBRUARY, town.worker)
    # On the home-care team's list, never referred.
    with at(FEBRUARY - timedelta(days=20)):
        young = citizen_resolve(
            data=_citizen(birth_date=date(1990, 6, 1), postcode="5200"), actor=None
        ).citizen
        citizen_set_home_care_team(citizen=young, team=home, actor=None)
    town.remember(young)
    _screen(young, 7, FEBRUARY - timedelta(days=5), town.worker)
    _screen(young, 8, FEBRUARY + timedelta(days=5), town.worker)
    return town


def _screen(citizen, score, when, worker):
    with at(when):
        screening_record(
            citizen=citizen,
            answers=answers_for(score),
            screened_by=worker,
            observations="Græd, da vi talte om konen.",
            screened_at=when,
        )
