"""Offers ranked for a citizen: active, in season, nearby or by phone for one who would, at times
that suit, each with the parts of its score (matching/ranking/parts.py) and their reasons.

Hard limits filter: a wheelchair user sees only offers with wheelchair access, and a citizen who
would not take part by phone or online sees no offer that is only that. Everything a person can
solve (a lift, someone to go along, an interpreter) and a hearing loop are parts of the score,
with a caution saying what to arrange. A full offer is shown, lower, with its waiting list.
"""

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from core.slots import slot_for
from matching.models import Match, OfferWaitingListEntry
from matching.ranking import scoring
from matching.ranking.parts import OFFER_PARTS
from matching.ranking.scoring import (
    Suggestion,
    _Citizen,
    _condition,
    _join,
    _labels,
    _PreScore,
    _Score,
    _speaks,
    distance_expression,
    score_parts,
)
from offers.constants import OPEN_MATCH_STATUSES, WEEKDAY_PLURAL, OfferStatus, SuggestionKind
from offers.models import Offer, OfferSchedule
from referrals.constants import CITIZEN_LANGUAGES

# An offer whose meetings all begin further ahead than this is not suggested yet.
SEASON_AHEAD = timedelta(weeks=8)
# How many times the preselection is asked again when offers out of season took its places.
_SEASON_ROUNDS = 3

COLUMNS = (
    "id",
    "title",
    "description",
    "organisation__name",
    "activity_kinds",
    "interests",
    "target_groups",
    "age_min",
    "age_max",
    "latitude",
    "longitude",
    "postcode",
    "slots",
    "languages",
    "capacity",
    "places_taken",
    "is_remote",
    "accompaniment_possible",
    "transport_offered",
    "wheelchair_accessible",
    "hearing_loop",
)


def _candidates(ctx: _Citizen, nearby: list[str] | None):
    """The offers the citizen could take part in at all: the hard limits, as filters."""
    citizen = ctx.citizen
    t = '"offers_offer"'
    offers = Offer.objects.filter(status=OfferStatus.ACTIVE)
    if not ctx.profile.accepts_remote:
        offers = offers.filter(is_remote=False)
    if citizen.needs_mobility:
        offers = offers.filter(Q(wheelchair_accessible=True) | Q(is_remote=True))
    if nearby is not None:
        offers = offers.filter(Q(is_remote=True) | Q(postcode__in=nearby))
    if not ctx.needs_language_help:
        # At home in Danish: the offer must be in a language the citizen speaks (no languages
        # given: Danish). Otherwise the language is a part of the score (an interpreter).
        offers = offers.filter(
            _condition(
                f"CASE WHEN jsonb_array_length({t}.languages) = 0 THEN %s "
                f"ELSE {t}.languages ?| %s::text[] END",
                ["da" in ctx.languages, sorted(ctx.languages)],
            )
        )
    if ctx.point is not None:
        expression, params = distance_expression(t, ctx)
        offers = offers.filter(
            _condition(
                f"({t}.is_remote OR {t}.latitude IS NULL OR {expression} <= %s)",
                [*params, ctx.profile.max_distance_km],
            )
        )
    taken = Match.objects.filter(
        citizen=citizen, status__in=OPEN_MATCH_STATUSES, offer__isnull=False
    ).values("offer_id")
    return offers.exclude(pk__in=taken)


def _prescored_offers(offers, ctx: _Citizen):
    score = _PreScore("offers_offer")
    score.add_parts(OFFER_PARTS, ctx)
    return score.apply(offers, order_tiebreak="title")


def _offer_rows(queryset) -> list[dict]:
    return list(queryset.values(*COLUMNS, "prescore"))


def _score_offer(ctx: _Citizen, row: dict) -> _Score:
    return score_parts(OFFER_PARTS, ctx, row)


def _season(schedules: list[OfferSchedule], today: date) -> tuple[bool, date | None]:
    """Whether the offer meets now or soon, and the day it starts if that is still ahead. An
    offer without meeting times (a mentor, a visiting friend) is always in season."""
    if not schedules:
        return True, None
    horizon = today + SEASON_AHEAD
    starts = []
    for schedule in schedules:
        if schedule.date is not None:
            if today <= schedule.date <= horizon:
                starts.append(schedule.date)
            continue
        if schedule.valid_until is not None and schedule.valid_until < today:
            continue
        if schedule.valid_from is not None and schedule.valid_from > horizon:
            continue
        if schedule.valid_from is None or schedule.valid_from <= today:
            return True, None
        starts.append(schedule.valid_from)
    if not starts:
        return False, None
    first = min(starts)
    return True, first if first > today else None


def _schedules_of(offer_ids) -> dict:
    found: dict = {}
    for schedule in OfferSchedule.objects.filter(offer_id__in=list(offer_ids)).order_by():
        found.setdefault(schedule.offer_id, []).append(schedule)
    return found


def _time_reason(schedules: list[OfferSchedule], fitting: list[int], today: date) -> str:
    """'Tuesdays at 14.00 suit the citizen': the first meeting time in a slot the citizen is
    free."""
    entries = []
    for schedule in schedules:
        if schedule.date is not None and schedule.date < today:
            continue
        if schedule.valid_until is not None and schedule.valid_until < today:
            continue
        day = schedule.weekday if schedule.date is None else schedule.date.weekday()
        if slot_for(day, schedule.starts_at) in fitting:
            entries.append((day, schedule.starts_at, schedule))
    if not entries:
        return ""
    day, _at, schedule = min(entries, key=lambda e: (e[0], e[1]))
    at = formats.time_format(schedule.starts_at, "H.i")
    if schedule.date is None:
        return _("{days} at {time} suit the citizen").format(
            days=str(WEEKDAY_PLURAL[day]).lower(), time=at
        )
    return _("{date} at {time} suits the citizen").format(
        date=formats.date_format(schedule.date, "j. F"), time=at
    )


def _in_season(ctx: _Citizen, offers, today: date) -> list[dict]:
    """The preselection's best rows that meet now or soon, each with its schedules. Offers out
    of season are dropped; when they took places in the preselection, it is asked again without
    them (rarely: most offers meet all year)."""
    wanted = settings.BROBYG_SUGGESTIONS_PER_KIND
    rows: list[dict] = []
    seen: set = set()
    for _round in range(_SEASON_ROUNDS):
        batch = _offer_rows(_prescored_offers(offers.exclude(pk__in=seen) if seen else offers, ctx))
        schedules = _schedules_of(row["id"] for row in batch) if batch else {}
        dropped = False
        for row in batch:
            seen.add(row["id"])
            row["schedules"] = schedules.get(row["id"], [])
            in_season, row["starts"] = _season(row["schedules"], today)
            if in_season:
                rows.append(row)
            else:
                dropped = True
        if not dropped or len(rows) >= wanted or len(batch) < scoring.PRESELECT:
            break
    return rows


def _waiting_counts(offer_ids) -> dict:
    """How many citizens wait for each of the offers (those that are full): one query, made
    only when a full offer is shown."""
    if not offer_ids:
        return {}
    return dict(
        OfferWaitingListEntry.objects.filter(offer_id__in=list(offer_ids), left_at__isnull=True)
        .order_by()
        .values("offer_id")
        .annotate(n=Count("pk"))
        .values_list("offer_id", "n")
    )


class _LanguageChoices:
    choices = CITIZEN_LANGUAGES


def _suggestion(ctx: _Citizen, row: dict, today: date) -> Suggestion | None:
    can_take_part, other_languages = _speaks(ctx, row["languages"])
    if not can_take_part and not ctx.needs_language_help:
        return None
    if row["schedules"] and ctx.profile.slots:
        fitting = sorted(set(row["slots"] or []) & set(ctx.profile.slots))
        row["time_reason"] = _time_reason(row["schedules"], fitting, today)
    score = _score_offer(ctx, row)
    if row["km"] is not None and row["km"] > ctx.profile.max_distance_km:
        return None
    if ctx.citizen.needs_mobility and row["wheelchair_accessible"]:
        score.reasons.append(_("wheelchair access"))
    if other_languages:
        score.reasons.append(
            _("in {languages}").format(
                languages=_join(_labels(other_languages, _LanguageChoices)).lower()
            )
        )
    if row["accompaniment_possible"]:
        score.reasons.append(_("someone can go along the first time"))
    if row["starts"]:
        score.reasons.append(
            _("starts {date}").format(date=formats.date_format(row["starts"], "j. F"))
        )
    capacity = row["capacity"]
    return Suggestion(
        kind=SuggestionKind.OFFER,
        id=row["id"],
        title=row["title"],
        subtitle=row["organisation__name"],
        score=score.value,
        reasons=score.reasons,
        cautions=score.cautions,
        distance_km=row["km"],
        breakdown=score.breakdown,
        full=capacity is not None and row["places_taken"] >= capacity,
    )


def _rank_offers(ctx: _Citizen, nearby: list[str] | None) -> list[Suggestion]:
    today = timezone.localdate()
    rows = _in_season(ctx, _candidates(ctx, nearby), today)
    suggestions = [s for s in (_suggestion(ctx, row, today) for row in rows) if s is not None]
    suggestions.sort(key=lambda s: (-s.score, s.distance_km or 0, s.title))
    top = suggestions[: settings.BROBYG_SUGGESTIONS_PER_KIND]
    waiting = _waiting_counts([s.id for s in top if s.full])
    for suggestion in top:
        if suggestion.full:
            n = waiting.get(suggestion.id, 0)
            suggestion.cautions.insert(
                0, _("Full – {n} on the waiting list").format(n=n) if n else _("Full")
            )
    return top
