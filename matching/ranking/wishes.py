"""What the referrals say the citizen wants, as the first values of the matching form.

A GP's social referral says what the citizen would like ("vil gerne synge i kor") and what has
happened to them (bereavement, retirement, becoming a carer). Until the bridge-builder saves the
citizen's matching profile, the form starts from that: the wishes in the referrer's words, the
target groups the life transitions point to, and the interests and kinds of activity that plain
words in the wishes name. Nothing is saved here; the bridge-builder checks it with the citizen.

The word table is small and cautious on purpose: a wrong tick steers the suggestions away from
what the citizen wants, a missing one is added in a tap. Each pattern names whole words (Danish
first, the English a referrer might write), so "kort" (short) is not a choir, "dansk" is not
dancing and "gå til foredrag" is not a walk.
"""

import re
from collections.abc import Iterable

from core.validators import LONG_TEXT_MAX
from matching.ranking.groups import transition_groups
from offers.constants import ActivityKind, Interest, TargetGroup

# New in the country: said in words, in the wishes or in the reason for the referral. Not the
# ranking's "danish" word family (stems.py): there "lære dansk" finds a language café, here
# "taler dansk" must not make a Dane new in Denmark.
NEW_IN_DENMARK = re.compile(
    r"\b(?:ny|nye|nyankommen|nyankomne)\s+i\s+danmark\b"
    r"|\b(?:flyttet|flyttede|kom|kommet)\s+til\s+danmark\b"
    r"|\b(?:new|newly arrived)\s+(?:in|to)\s+denmark\b"
    r"|\b(?:moved|came|come|arrived)\s+to\s+denmark\b"
)

# Words in the wishes -> the interests and kinds of activity they plainly name. Not the ranking's
# word families (stems.py), which cast a wider net on purpose: an offer that merely mentions
# "snak" or "mad" may still be worth showing, but a tick here is a claim about the citizen. The
# families also tick meals and cooking together, leave yarn without an interest and name no
# kinds of activity.
WISH_WORDS: list[tuple[re.Pattern, list[Interest], list[ActivityKind]]] = [
    (
        re.compile(r"\bkor(?:et|ene|sang\w*)?\b|\bsyng\w*|\bsang\b|\bchoir\w*|\bsing(?:ing)?\b"),
        [Interest.SINGING, Interest.MUSIC],
        [ActivityKind.CULTURE],
    ),
    (
        re.compile(r"\bmusik\w*|\bmusic\w*"),
        [Interest.MUSIC],
        [ActivityKind.CULTURE],
    ),
    (
        re.compile(r"\bstrik\w*|\bhækl\w*|\bhåndarbejd\w*|\bsyklub\w*|\bknit\w*|\bcrochet\w*"),
        [Interest.CRAFTS],
        [ActivityKind.CRAFTS],
    ),
    (
        re.compile(
            r"\bgå(?:r)?\s+(?:en\s+)?tur(?:e|en|ene)?\b|\bgåtur\w*|\bgå-?(?:klub|gruppe)\w*"
            r"|\bvandr(?:e|er|ing|inger|eture?)\b|\bwalk(?:s|ing)?\b|\bhik(?:e|es|ing)\b"
        ),
        [Interest.WALKING],
        [ActivityKind.NATURE],
    ),
    (
        re.compile(
            r"\bnatur(?:en|oplevelse\w*)?\b|\bnature\b|\budeliv\w*|\bfriluft\w*"
            r"|\bskov(?:en|ture?)?\b"
        ),
        [Interest.NATURE],
        [ActivityKind.NATURE],
    ),
    (
        re.compile(r"\bhavearbejd\w*|\bkolonihave\w*|\bnyttehave\w*|\bfælleshave\w*|\bgarden\w*"),
        [Interest.GARDENING],
        [ActivityKind.NATURE],
    ),
    (
        re.compile(r"\bdans(?:e|er|ede|en|ing|eskole\w*|ehold\w*)?\b|\bdanc(?:e|es|ing)\b"),
        [Interest.DANCING],
        [ActivityKind.EXERCISE],
    ),
    (
        re.compile(r"\bsvøm\w*|\bswim\w*"),
        [Interest.SWIMMING],
        [ActivityKind.EXERCISE],
    ),
    (
        re.compile(r"\bmotion\w*|\bgymnastik\w*|\byoga\b|\bexercis\w*"),
        [Interest.EXERCISE],
        [ActivityKind.EXERCISE],
    ),
    (
        re.compile(
            r"\bkortspil\w*|\bspille\s+kort\b|\bbrætspil\w*|\bwhist\b|\bbridge\b|\bskak\b"
            r"|\bcards\b|\bboard\s+games?\b"
        ),
        [Interest.CARDS],
        [],
    ),
    (
        re.compile(r"\bmale\b|\bmaleri\w*|\btegne\b|\btegning\w*|\bpaint\w*|\bdrawing\b"),
        [Interest.ART],
        [ActivityKind.ART],
    ),
    (
        re.compile(r"\bsnedker\w*|\btræarbejd\w*|\bsnitte\w*|\bwoodwork\w*"),
        [Interest.WOODWORK],
        [ActivityKind.CRAFTS],
    ),
    (
        re.compile(r"\blave\s+mad\b|\bmadlavning\b|\bbage\b|\bbagning\b|\bcooking\b|\bbaking\b"),
        [Interest.COOKING],
        [ActivityKind.FOOD],
    ),
    (
        re.compile(
            r"\bspise\s+sammen\b|\bfællesspisning\w*|\bspiseklub\w*|\bspiseven\w*"
            r"|\beat(?:ing)?\s+together\b"
        ),
        [Interest.MEALS],
        [ActivityKind.FOOD],
    ),
    (
        re.compile(r"\blæse\b|\blæsning\b|\bbøger\b|\blæsekreds\w*|\bbogklub\w*|\breading\b"),
        [Interest.READING],
        [ActivityKind.CULTURE],
    ),
    (
        re.compile(r"\blokalhistori\w*|\blocal\s+history\b"),
        [Interest.HISTORY],
        [ActivityKind.CULTURE],
    ),
    (
        re.compile(r"\bfilm\w*|\bbiograf\w*|\bcinema\b"),
        [Interest.FILM],
        [ActivityKind.CULTURE],
    ),
    (
        re.compile(r"\bcomputer\w*|\bipad\w*|\bsmartphone\w*|\bmitid\b"),
        [Interest.DIGITAL],
        [ActivityKind.DIGITAL],
    ),
    (
        re.compile(r"\bfiske\b|\bfisketur\w*|\blystfisk\w*|\bfishing\b"),
        [Interest.FISHING],
        [ActivityKind.NATURE],
    ),
    (
        re.compile(r"\bhund(?:en|e|ene)?\b|\bdyrene\b|\bdogs?\b|\banimals\b"),
        [Interest.ANIMALS],
        [],
    ),
    (
        re.compile(r"\budflugt\w*|\bbustur\w*|\boutings?\b|\bexcursion\w*"),
        [Interest.TRIPS],
        [ActivityKind.TRIPS],
    ),
    (
        re.compile(r"\bkaffe\w*|\bcoffee\b"),
        [Interest.COFFEE],
        [],
    ),
    (
        re.compile(r"\bkirke\w*|\bgudstjeneste\w*|\bchurch\w*"),
        [Interest.FAITH],
        [],
    ),
    (
        re.compile(r"\bbesøgsven\w*|\bvisiting\s+friend\b"),
        [],
        [ActivityKind.VISITING_FRIEND],
    ),
    (
        re.compile(r"\bhjælpe\s+andre\b|\bgøre\s+noget\s+for\s+andre\b|\bhelp(?:ing)?\s+others\b"),
        [Interest.VOLUNTEERING],
        [ActivityKind.VOLUNTEERING],
    ),
]


def profile_initial_from_referrals(referrals: Iterable) -> dict:
    """The matching form's first values from a case's referrals: only the fields they say
    something about, so an empty dict means the referrals say nothing to fill in.

    The wishes of several referrals are joined, newest first, each once; lists follow the order
    of their choices, as the form shows them."""
    referrals = sorted(referrals, key=lambda r: r.created_at, reverse=True)
    wishes = _unique(r.citizen_wishes.strip() for r in referrals if r.citizen_wishes.strip())
    text = "\n\n".join(wishes)
    said = " ".join([*wishes, *(r.reason or "" for r in referrals)]).lower()
    wished = text.lower()

    target_groups = {g for r in referrals for g in transition_groups(r.life_transitions)}
    if NEW_IN_DENMARK.search(said):
        target_groups.add(TargetGroup.NEW_IN_DENMARK)
    interests, activity_kinds = set(), set()
    for pattern, their_interests, their_kinds in WISH_WORDS:
        if pattern.search(wished):
            interests.update(their_interests)
            activity_kinds.update(their_kinds)

    initial = {
        # The form takes so much; the newest wishes come first, so it is the oldest that is cut.
        "wishes": text[:LONG_TEXT_MAX].rstrip(),
        "target_groups": _in_order(target_groups, TargetGroup),
        "interests": _in_order(interests, Interest),
        "activity_kinds": _in_order(activity_kinds, ActivityKind),
    }
    return {name: value for name, value in initial.items() if value}


def _unique(texts: Iterable[str]) -> list[str]:
    seen, unique = set(), []
    for text in texts:
        if text not in seen:
            seen.add(text)
            unique.append(text)
    return unique


def _in_order(values: set, choices) -> list[str]:
    return [value for value in choices.values if value in values]
