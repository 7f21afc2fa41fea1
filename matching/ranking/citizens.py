"""Other citizens who might go along to the same group activity: only those who agreed to it."""

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.utils.text import format_lazy
from django.utils.translation import gettext as _

from core.slots import slot_label
from matching.models import MatchProfile
from matching.ranking.scoring import (
    CANDIDATE_LIMIT,
    Suggestion,
    _Citizen,
    _join,
    _labels,
    _Score,
    _score_distance,
    _score_schedule,
)
from offers.constants import GROUP_ACTIVITY_KINDS, ActivityKind, Interest, SuggestionKind
from places.selectors import postcode_get
from referrals.constants import OPEN_STATUSES, ConsentPurpose
from referrals.models import ConsentRecord


def _rank_citizens(ctx: _Citizen, nearby: list[str] | None, visible) -> list[Suggestion]:
    """Other citizens nearby who would like the same group activity: they may go together.
    Only citizens who agreed to it (consent for companion matching) are suggested, and only
    to a citizen who agreed too."""
    kinds = set(ctx.profile.activity_kinds) & GROUP_ACTIVITY_KINDS
    if not kinds or nearby is None or visible is None:
        return []
    opted_in = ConsentRecord.objects.active().filter(purpose=ConsentPurpose.COMPANION)
    profiles = (
        MatchProfile.objects.filter(
            # Being shown to another citizen needs each citizen's own yes: the one the
            # suggestions are for (else nobody is shown to them), and every one suggested.
            Exists(opted_in.filter(citizen_id=ctx.citizen.pk)),
            Exists(opted_in.filter(citizen_id=OuterRef("citizen_id"))),
            citizen__in=visible,
            citizen__postcode__in=nearby,
            citizen__cases__status__in=OPEN_STATUSES,
        )
        .exclude(citizen=ctx.citizen)
        .select_related("citizen")
        .distinct()[:CANDIDATE_LIMIT]
    )
    points = {}
    suggestions = []
    for profile in profiles:
        shared = [k for k in profile.activity_kinds if k in kinds]
        if not shared:
            continue
        other = profile.citizen
        if other.postcode not in points:
            postcode = postcode_get(code=other.postcode)
            points[other.postcode] = (postcode.latitude, postcode.longitude) if postcode else None
        point = points[other.postcode]
        score = _Score()
        km = _score_distance(score, ctx, point or (None, None), False, "citizen", other.postcode)
        if km is not None and km > ctx.profile.max_distance_km:
            continue
        score.add("activity", 1)
        score.reasons.append(
            _("would also like {what}").format(what=_join(_labels(shared, ActivityKind)).lower())
        )
        shared_interests = [i for i in ctx.profile.interests if i in set(profile.interests)]
        score.add("interests", len(shared_interests) / 2)
        if shared_interests:
            score.reasons.append(
                _("shared interests: {what}").format(
                    what=_join(_labels(shared_interests, Interest))
                )
            )
        fitting = _score_schedule(score, ctx, profile.slots)
        if fitting:
            score.reasons.append(
                _("both free {when}").format(when=_join([slot_label(s) for s in fitting[:2]]))
            )
        age_gap = abs(other.age - ctx.age)
        score.add("age", max(0, 1 - age_gap / 30))
        suggestions.append(
            Suggestion(
                kind=SuggestionKind.CITIZEN,
                id=other.pk,
                title=f"{other.first_name} {other.last_name[:1]}.",
                subtitle=format_lazy(_("{age} years"), age=other.age),
                score=score.value,
                reasons=score.reasons,
                cautions=score.cautions,
                distance_km=km,
                breakdown=score.breakdown,
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.distance_km or 0))
    return suggestions[: settings.BROBYG_SUGGESTIONS_PER_KIND]
