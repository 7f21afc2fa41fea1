from referrals.services import citizen_resolve, citizen_set_home_care_team
from screening.services import screening_record
from tests.referrals.factories import citizen_data

ITEMS = ["lack_companionship", "left_out", "isolated"]


def home_care_citizen(*, team, **overrides):
    citizen = citizen_resolve(data=citizen_data(**overrides), actor=None).citizen
    citizen_set_home_care_team(citizen=citizen, team=team, actor=None)
    return citizen


def screen(*, citizen, by, answers=(2, 2, 2), **kwargs):
    """A complete screening; answers as a tuple in the instrument's order."""
    return screening_record(
        citizen=citizen,
        answers=dict(zip(ITEMS, answers, strict=True)),
        screened_by=by,
        **kwargs,
    ).screening
