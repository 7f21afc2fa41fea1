"""The target groups a citizen is in, is not in, or might be in, from what Brobyg knows.

An offer aimed at older people is not for a 25-year-old, and a language café for people new in
Denmark is not for a Danish widow of 92: the age, the language, the referrals' life transitions
and what the bridge-builder ticked say which groups the citizen belongs to and, as plainly, which
they do not. What nobody said (whether someone is a carer, or lives with a mental illness) is not
known either way, and an offer for that group is neither a fit nor a misfit.
"""

from dataclasses import dataclass

from offers.constants import TargetGroup
from referrals.constants import LifeTransition

# What has happened to the citizen -> the group they now belong to. Moving house says nothing about
# being new in Denmark, and illness or a divorce is no target group of its own. The ranking and
# the matching form's first values (wishes.py) both read this.
TRANSITION_GROUPS = {
    LifeTransition.BEREAVEMENT: TargetGroup.BEREAVED,
    LifeTransition.RETIREMENT: TargetGroup.NEWLY_RETIRED,
    LifeTransition.CAREGIVING: TargetGroup.CARERS,
}

# Ages: (in the group from, to) and (surely not below, surely not above). Between the two, an
# offer for the group is neither fit nor misfit: "unge" stretches to 30 in many associations, and
# some offers for older people start at 60.
AGE_GROUPS = {
    TargetGroup.YOUNG: ((0, 30), (0, 35)),
    TargetGroup.SENIORS: ((65, 200), (55, 200)),
    TargetGroup.NEWLY_RETIRED: ((64, 70), (58, 75)),
}


# Groups that say something about the citizen's situation, not only their age or sex: an offer
# for the bereaved fits a widower better than one for "older people" fits any 74-year-old.
SITUATION_GROUPS = {
    TargetGroup.BEREAVED,
    TargetGroup.CARERS,
    TargetGroup.NEWLY_RETIRED,
    TargetGroup.NEW_IN_DENMARK,
    TargetGroup.DISABILITY,
    TargetGroup.MENTAL_HEALTH,
}


def transition_groups(transitions) -> set[str]:
    """The target groups the life transitions put the citizen in."""
    return {TRANSITION_GROUPS[t] for t in transitions or () if t in TRANSITION_GROUPS}


@dataclass(frozen=True)
class Groups:
    inside: frozenset[str]
    outside: frozenset[str]
    # Those of `inside` known from the citizen's situation (a life transition, the language,
    # a wheelchair, or ticked by the bridge-builder), not guessed from the age.
    situation: frozenset[str] = frozenset()


def citizen_groups(
    *,
    age: int,
    language: str,
    transitions,
    explicit,
    needs_mobility: bool = False,
) -> Groups:
    """The groups the citizen is known to be in and known not to be in."""
    inside = {g for g in explicit if g != TargetGroup.EVERYONE}
    inside |= transition_groups(transitions)
    known = set(inside)
    outside = set()
    for group, ((low, high), (surely_low, surely_high)) in AGE_GROUPS.items():
        if low <= age <= high:
            inside.add(group)
        elif not surely_low <= age <= surely_high:
            outside.add(group)
    if language and language != "da":
        inside.add(TargetGroup.NEW_IN_DENMARK)
        known.add(TargetGroup.NEW_IN_DENMARK)
    else:
        outside.add(TargetGroup.NEW_IN_DENMARK)
    if needs_mobility:
        inside.add(TargetGroup.DISABILITY)
        known.add(TargetGroup.DISABILITY)
    # Only the bridge-builder says whether an offer for men or for women is the citizen's.
    if TargetGroup.MEN in inside:
        outside.add(TargetGroup.WOMEN)
    if TargetGroup.WOMEN in inside:
        outside.add(TargetGroup.MEN)
    # What the citizen is in, they are in: a newly retired man of 57 is newly retired.
    inside = {str(g) for g in inside}
    return Groups(
        frozenset(inside),
        frozenset(str(g) for g in outside) - inside,
        frozenset(str(g) for g in known if g in SITUATION_GROUPS),
    )
