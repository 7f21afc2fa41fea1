"""The demo's unmet needs: what the bridge-builders could not find an offer for."""

from accounts.models import User
from offers.constants import ActivityKind
from offers.models import UnmetNeed
from offers.services import unmet_need_record
from referrals.demo import CITIZENS
from referrals.identity import name_key
from referrals.models import Case


def seed_unmet_needs() -> None:
    """What the bridge-builders could not find an offer for: a writing group like "Fortæl for
    Livet", and a men's walking group outside the centre. Idempotent."""
    if UnmetNeed.objects.exists():
        return
    builder = User.objects.filter(username="brobygger").first()
    wishes = {
        "Birthe": (ActivityKind.CULTURE, "En skrivegruppe om livshistorier, som Fortæl for Livet"),
        "Ahmad": (ActivityKind.EXERCISE, "En gågruppe for mænd i Odense SØ, om formiddagen"),
    }
    for first, last, birth, *_rest in CITIZENS:
        if first not in wishes or builder is None:
            continue
        case = (
            Case.objects.filter(citizen__name_key=name_key(first, last), citizen__birth_date=birth)
            .exclude(status="closed")
            .first()
        )
        if case is not None:
            category, wanted = wishes[first]
            unmet_need_record(case=case, category=category, wanted=wanted, actor=builder)
