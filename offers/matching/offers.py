"""Offers ranked for a citizen: active, with places left, nearby, at times that suit."""

from django.conf import settings
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.slots import slot_for
from offers.constants import (
    OPEN_MATCH_STATUSES,
    WEEKDAY_PLURAL,
    ActivityKind,
    OfferStatus,
    SuggestionKind,
    TargetGroup,
)
from offers.matching.scoring import (
    Suggestion,
    _Citizen,
    _condition,
    _join,
    _labels,
    _PreScore,
    _Score,
    _score_distance,
    _score_interests,
    _score_schedule,
    _speaks,
)
from offers.models import Match, Offer, OfferSchedule
from referrals.constants import CITIZEN_LANGUAGES


def _prescored_offers(offers, ctx: _Citizen):
    score = _PreScore("offers_offer")
    t = score.t
    languages = sorted(ctx.languages)
    offers = offers.filter(
        _condition(
            f"CASE WHEN jsonb_array_length({t}.languages) = 0 THEN %s "
            f"ELSE {t}.languages ?| %s::text[] END",
            ["da" in ctx.languages, languages],
        )
    )
    if ctx.point is not None:
        expression, params = score.distance(ctx, remote_sql=f"{t}.is_remote")
        offers = offers.filter(
            _condition(
                f"({t}.is_remote OR {t}.latitude IS NULL OR {expression} <= %s)",
                [*params, ctx.profile.max_distance_km],
            )
        )
    else:
        score.add("distance", "0.5")
    score.overlap("activity", "activity_kinds", ctx.profile.activity_kinds)
    score.shared_count("interests", "interests", ctx.profile.interests, 2.0)
    if ctx.profile.slots:
        score.overlap("schedule", "slots", ctx.profile.slots, cast="int")
    else:
        score.add("schedule", "0.5")
    score.add(
        "age",
        f"CASE WHEN ({t}.age_min IS NULL OR {t}.age_min <= %s) "
        f"AND ({t}.age_max IS NULL OR {t}.age_max >= %s) THEN 1 ELSE 0 END",
        ctx.age,
        ctx.age,
    )
    score.overlap("target_group", "target_groups", ctx.profile.target_groups)
    score.add(
        "places",
        f"CASE WHEN {t}.capacity IS NULL THEN 1 WHEN {t}.capacity = 0 THEN 0 "
        f"ELSE ({t}.capacity - {t}.places_taken)::float / {t}.capacity END",
    )
    return score.apply(offers, order_tiebreak="title")


def _rank_offers(ctx: _Citizen, nearby: list[str] | None) -> list[Suggestion]:
    citizen = ctx.citizen
    offers = Offer.objects.filter(status=OfferStatus.ACTIVE).filter(
        Q(capacity__isnull=True) | Q(places_taken__lt=F("capacity"))
    )
    if citizen.needs_mobility:
        offers = offers.filter(Q(wheelchair_accessible=True) | Q(is_remote=True))
    if citizen.needs_hearing:
        offers = offers.filter(hearing_loop=True)
    if citizen.needs_transport:
        offers = offers.filter(Q(transport_offered=True) | Q(is_remote=True))
    if nearby is not None:
        offers = offers.filter(Q(is_remote=True) | Q(postcode__in=nearby))
    taken = Match.objects.filter(
        citizen=citizen, status__in=OPEN_MATCH_STATUSES, offer__isnull=False
    ).values("offer_id")
    offers = offers.exclude(pk__in=taken)
    offers = _prescored_offers(offers, ctx)
    rows = offers.values_list(
        "id",
        "title",
        "organisation__name",
        "activity_kinds",
        "interests",
        "target_groups",
        "age_min",
        "age_max",
        "latitude",
        "longitude",
        "slots",
        "languages",
        "capacity",
        "places_taken",
        "is_remote",
        "is_group",
        "accompaniment_possible",
        "transport_offered",
        "wheelchair_accessible",
    )
    wished_kinds = set(ctx.profile.activity_kinds)
    suggestions = []
    fitting_slots = {}
    for (
        pk,
        title,
        organisation,
        kinds,
        interests,
        groups,
        age_min,
        age_max,
        lat,
        lon,
        slots,
        languages,
        capacity,
        places_taken,
        remote,
        _is_group,
        accompaniment,
        transport,
        wheelchair,
    ) in rows:
        can_take_part, other_languages = _speaks(ctx, languages)
        if not can_take_part:
            continue
        score = _Score()
        km = _score_distance(score, ctx, (lat, lon), remote, "offer")
        if km is not None and km > ctx.profile.max_distance_km:
            continue
        kinds_wished = [k for k in kinds or [] if k in wished_kinds]
        score.add("activity", 1 if kinds_wished else 0)
        if kinds_wished:
            score.reasons.append(
                _("what the citizen would like: {what}").format(
                    what=_join(_labels(kinds_wished, ActivityKind)).lower()
                )
            )
        _score_interests(score, ctx, interests)
        fitting_slots[pk] = _score_schedule(score, ctx, slots)
        in_range = (age_min is None or ctx.age >= age_min) and (
            age_max is None or ctx.age <= age_max
        )
        score.add("age", 1 if in_range else 0)
        if not in_range:
            score.cautions.append(
                _("meant for ages {low}–{high}").format(
                    low=age_min if age_min is not None else 0,
                    high=age_max if age_max is not None else "",
                )
            )
        shared_groups = [g for g in ctx.profile.target_groups if g in set(groups or [])]
        score.add("target_group", 1 if shared_groups else 0)
        if shared_groups:
            score.reasons.append(
                _("for {who}").format(who=_join(_labels(shared_groups, TargetGroup)).lower())
            )
        if capacity is None:
            score.add("places", 1)
        else:
            left = capacity - places_taken
            score.add("places", left / capacity if capacity else 0)
            if left <= 3:
                score.cautions.append(
                    _("only one place left") if left == 1 else _("{n} places left").format(n=left)
                )
        if citizen.needs_mobility and wheelchair:
            score.reasons.append(_("wheelchair access"))
        if citizen.needs_transport and transport:
            score.reasons.append(_("transport is offered"))
        if other_languages:
            score.reasons.append(
                _("in {languages}").format(
                    languages=_join(_labels(other_languages, _LanguageChoices)).lower()
                )
            )
        if accompaniment:
            score.reasons.append(_("someone can go along the first time"))
        suggestions.append(
            Suggestion(
                kind=SuggestionKind.OFFER,
                id=pk,
                title=title,
                subtitle=organisation,
                score=score.value,
                reasons=score.reasons,
                cautions=score.cautions,
                distance_km=km,
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.distance_km or 0, s.title))
    top = suggestions[: settings.BROBYG_SUGGESTIONS_PER_KIND]
    _add_schedule_reasons(top, fitting_slots)
    return top


class _LanguageChoices:
    choices = CITIZEN_LANGUAGES


def _add_schedule_reasons(top: list[Suggestion], fitting_slots: dict) -> None:
    """'Tuesdays at 14.00 suit': read the meeting times of the few offers that are shown."""
    wanted = {s.id: set(fitting_slots.get(s.id) or []) for s in top}
    if not any(wanted.values()):
        return
    today = timezone.localdate()
    times: dict = {}
    for schedule in OfferSchedule.objects.filter(offer_id__in=[k for k, v in wanted.items() if v]):
        if schedule.date is not None and schedule.date < today:
            continue
        day = schedule.weekday if schedule.date is None else schedule.date.weekday()
        if slot_for(day, schedule.starts_at) in wanted[schedule.offer_id]:
            times.setdefault(schedule.offer_id, []).append((day, schedule))
    for suggestion in top:
        entries = sorted(times.get(suggestion.id, []), key=lambda e: (e[0], e[1].starts_at))
        if not entries:
            continue
        day, schedule = entries[0]
        at = formats.time_format(schedule.starts_at, "H.i")
        if schedule.date is None:
            text = _("{days} at {time} suit the citizen").format(
                days=str(WEEKDAY_PLURAL[day]).lower(), time=at
            )
        else:
            text = _("{date} at {time} suits the citizen").format(
                date=formats.date_format(schedule.date, "j. F"), time=at
            )
        suggestion.reasons.insert(1, text)
