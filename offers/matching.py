"""Suggestions: for one citizen, offers, volunteers and other citizens ranked with reasons.

Hard needs are filters; everything else is a weighted score between 0 and 100 whose parts
become sentences a bridge-builder can read ("2,1 km fra hjemmet", "fælles interesse:
havearbejde"). The database narrows the candidates (active, places left, nearby postcodes,
wheelchair/transport); the ranking runs over those rows in Python, which keeps the rules in one
readable place.
"""

import math
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import BooleanField, Exists, F, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import formats, timezone
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from audit.services import audit_read_many
from core.db import json_list_contains
from offers.constants import (
    GROUP_ACTIVITY_KINDS,
    OPEN_MATCH_STATUSES,
    WEEKDAY_PLURAL,
    ActivityKind,
    Interest,
    OfferStatus,
    SuggestionKind,
    TargetGroup,
)
from offers.models import Match, MatchProfile, Offer, OfferSchedule
from offers.slots import slot_for, slot_label
from places.geo import distance_km, distance_sql
from places.selectors import postcode_get, postcodes_within
from referrals.constants import CITIZEN_LANGUAGES, OPEN_STATUSES, ConsentPurpose
from referrals.models import Citizen, ConsentRecord
from volunteers.constants import HOME_VISIT_ROLES, MATCHABLE_STATUSES, REMOTE_ROLES, VolunteerRole
from volunteers.models import Volunteer, VolunteerRequest

# How many candidate rows of each kind the database hands over at most.
CANDIDATE_LIMIT = 3000
# The database scores the candidates with the same weights first and hands over
# only the best of them; Python then ranks those exactly and writes the reasons. In a city with
# thousands of offers and volunteers nearby this keeps a suggestion list to a few milliseconds.
PRESELECT = 12


@dataclass
class Suggestion:
    kind: str
    id: object
    title: str
    subtitle: str
    score: int
    reasons: list[str] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    distance_km: float | None = None
    role: str = ""


@dataclass
class _Citizen:
    """What matching needs to know of the citizen, read once."""

    citizen: Citizen
    profile: MatchProfile
    point: tuple[float, float] | None
    languages: set[str]
    age: int
    wanted_roles: list[str]


def _km(value: float) -> str:
    return formats.number_format(round(value, 1), decimal_pos=1)


def _join(labels: list[str]) -> str:
    labels = [str(label) for label in labels]
    if len(labels) <= 1:
        return "".join(labels)
    return _("{first} and {last}").format(first=", ".join(labels[:-1]), last=labels[-1])


_LABELS: dict = {}


def _labels(values, choices) -> list[str]:
    # The choices' labels are lazy translations: read them once per language, not per row.
    key = (choices, get_language())
    lookup = _LABELS.get(key)
    if lookup is None:
        lookup = _LABELS[key] = {value: str(label) for value, label in choices.choices}
    return [lookup[v] for v in values if v in lookup]


def _weights() -> dict[str, float]:
    return settings.BROBYG_MATCH_WEIGHTS


def _context(citizen: Citizen) -> _Citizen:
    profile = MatchProfile.objects.filter(citizen=citizen).first() or MatchProfile(citizen=citizen)
    postcode = postcode_get(code=citizen.postcode)
    languages = {citizen.preferred_language, *profile.other_languages}
    wanted = list(
        VolunteerRequest.objects.filter(citizen=citizen, closed_at__isnull=True)
        .order_by("requested_on")
        .values_list("role", flat=True)
    )
    return _Citizen(
        citizen=citizen,
        profile=profile,
        point=(postcode.latitude, postcode.longitude) if postcode else None,
        languages=languages,
        age=citizen.age,
        wanted_roles=wanted,
    )


def _nearby_postcodes(ctx: _Citizen) -> list[str] | None:
    if ctx.point is None:
        return None
    return postcodes_within(lat=ctx.point[0], lon=ctx.point[1], km=ctx.profile.max_distance_km)


def _speaks(ctx: _Citizen, languages: list[str]) -> tuple[bool, list[str]]:
    """Whether the citizen can take part, and the shared languages other than Danish."""
    offered = set(languages or ["da"])
    shared = ctx.languages & offered
    if "da" in ctx.languages and "da" in offered:
        return True, sorted(shared - {"da"})
    return bool(shared), sorted(shared - {"da"})


class _Score:
    def __init__(self):
        self.total = 0.0
        self.possible = 0.0
        self.reasons: list[str] = []
        self.cautions: list[str] = []

    def add(self, part: str, value: float) -> None:
        weight = _weights().get(part, 0)
        self.total += weight * max(0.0, min(1.0, value))
        self.possible += weight

    @property
    def value(self) -> int:
        return round(100 * self.total / self.possible) if self.possible else 0


def _score_distance(score: _Score, ctx: _Citizen, point, remote: bool, where: str) -> float | None:
    if remote:
        score.add("distance", 1)
        score.reasons.append(_("By phone or online: no travelling"))
        return None
    if ctx.point is None or point[0] is None:
        score.add("distance", 0.5)
        score.cautions.append(_("Distance unknown: the postcode is missing"))
        return None
    km = distance_km(ctx.point[0], ctx.point[1], point[0], point[1])
    score.add("distance", 1 - km / max(ctx.profile.max_distance_km, 1))
    if km <= ctx.profile.max_distance_km:
        score.reasons.append(
            _("{km} km from home").format(km=_km(km))
            if where == "offer"
            else _("lives {km} km away").format(km=_km(km))
        )
    else:
        score.cautions.append(
            _("{km} km away: further than the citizen will go").format(km=_km(km))
        )
    return km


def _score_interests(score: _Score, ctx: _Citizen, interests: list[str]) -> None:
    shared = [i for i in ctx.profile.interests if i in set(interests or [])]
    score.add("interests", len(shared) / 2 if shared else 0)
    if shared:
        labels = _labels(shared, Interest)
        if len(labels) == 1:
            score.reasons.append(_("shared interest: {what}").format(what=labels[0]))
        else:
            score.reasons.append(_("shared interests: {what}").format(what=_join(labels)))


def _score_schedule(score: _Score, ctx: _Citizen, slots: list[int]) -> list[int]:
    if not ctx.profile.slots:
        score.add("schedule", 0.5)
        return []
    fitting = sorted(set(slots or []) & set(ctx.profile.slots))
    score.add("schedule", 1 if fitting else 0)
    if slots and not fitting:
        score.cautions.append(
            _("Meets {when}: the citizen is not free then").format(
                when=_join([slot_label(s) for s in sorted(slots)[:2]]).lower()
            )
        )
    return fitting


def _condition(sql: str, params: list) -> RawSQL:
    """A WHERE condition in SQL (for jsonb operators the ORM does not spell)."""
    return RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 - values are params


class _PreScore:
    """The weighted score as one SQL expression over a table's columns (PostgreSQL)."""

    def __init__(self, table: str):
        self.t = f'"{table}"'
        self.terms: list[str] = []
        self.params: list = []

    def add(self, part: str, sql: str, *params) -> None:
        self.terms.append(f"%s * ({sql})")
        self.params += [_weights().get(part, 0), *params]

    def overlap(self, part: str, column: str, values, *, cast: str = "") -> None:
        """1 when the JSON list `column` shares a value with `values`, else 0."""
        if not values:
            return
        element = "x::int" if cast == "int" else "x"
        self.add(
            part,
            # Table and column names are this module's constants; values go in as parameters.
            f"CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements_text({self.t}.{column}) x "  # noqa: S608
            f"WHERE {element} = ANY(%s)) THEN 1 ELSE 0 END",
            list(values),
        )

    def shared_count(self, part: str, column: str, values, per_full: float) -> None:
        if not values:
            return
        self.add(
            part,
            f"least(1.0, (SELECT count(*) FROM jsonb_array_elements_text({self.t}.{column}) x "  # noqa: S608
            f"WHERE x = ANY(%s)) / {per_full})",
            list(values),
        )

    def distance(self, ctx: "_Citizen", remote_sql: str = "false") -> tuple[str, list]:
        """Adds the distance part; returns the distance expression for a filter."""
        lat, lon = ctx.point
        expression = distance_sql(f"{self.t}.latitude", f"{self.t}.longitude")
        params = [lat, lon, math.cos(math.radians(lat))]
        self.add(
            "distance",
            f"CASE WHEN {remote_sql} THEN 1 WHEN {self.t}.latitude IS NULL THEN 0.5 "
            f"ELSE greatest(0, 1 - {expression} / %s) END",
            *params,
            max(ctx.profile.max_distance_km, 1),
        )
        return expression, params

    def apply(self, queryset, *, order_tiebreak: str):
        sql = " + ".join(self.terms) or "0"
        prescore = RawSQL(sql, self.params)  # noqa: S611 - values are parameters
        return queryset.annotate(prescore=prescore).order_by("-prescore", order_tiebreak)[
            :PRESELECT
        ]


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


def _prescored_volunteers(volunteers, ctx: _Citizen, wanted: list[str]):
    score = _PreScore("volunteers_volunteer")
    t = score.t
    home = [r for r in wanted if r in HOME_VISIT_ROLES]
    other = [r for r in wanted if r not in HOME_VISIT_ROLES]
    volunteers = volunteers.filter(
        _condition(
            f"({t}.roles ?| %s::text[] OR ({t}.roles ?| %s::text[] "
            f"AND {t}.vetting_seen_on IS NOT NULL AND {t}.vetting_renewal_due >= %s))",
            [other, home, timezone.localdate()],
        ),
        _condition(
            f"CASE WHEN jsonb_array_length({t}.languages) = 0 THEN %s "
            f"ELSE {t}.languages ?| %s::text[] END",
            ["da" in ctx.languages, sorted(ctx.languages)],
        ),
    )
    if ctx.point is not None:
        score.distance(ctx)
    score.shared_count("interests", "interests", ctx.profile.interests, 2.0)
    if ctx.profile.slots:
        score.overlap("schedule", "slots", ctx.profile.slots, cast="int")
    score.add("load", f'({t}.capacity - {t}."load")::float / {t}.capacity')
    return score.apply(volunteers, order_tiebreak="first_name")


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


def _vetting_valid(seen: date | None, renewal: date | None, today: date) -> bool:
    return bool(seen and renewal and renewal >= today)


def _rank_volunteers(ctx: _Citizen, nearby: list[str] | None) -> list[Suggestion]:
    citizen = ctx.citizen
    wanted = ctx.wanted_roles or [r for r in VolunteerRole.values if r != VolunteerRole.HOST]
    base = Volunteer.objects.filter(status__in=MATCHABLE_STATUSES, load__lt=F("capacity"))
    taken = Match.objects.filter(
        citizen=citizen, status__in=OPEN_MATCH_STATUSES, volunteer__isnull=False
    ).values("volunteer_id")
    base = base.exclude(pk__in=taken)
    columns = (
        "id",
        "first_name",
        "last_name",
        "roles",
        "interests",
        "languages",
        "slots",
        "latitude",
        "longitude",
        "capacity",
        "load",
        "vetting_seen_on",
        "vetting_renewal_due",
    )
    near = base if nearby is None else base.filter(postcode__in=nearby)
    near = _prescored_volunteers(near, ctx, wanted)
    rows = list(near.values_list(*columns))
    if nearby is not None and any(role in REMOTE_ROLES for role in wanted):
        # Phone friends can be anywhere: the least busy of them, wherever they live.
        seen = {row[0] for row in rows}
        remote = (
            base.exclude(postcode__in=nearby)
            .filter(json_list_contains("roles", VolunteerRole.PHONE_FRIEND))
            .order_by("load", "created_at")
            .values_list(*columns)[:PRESELECT]
        )
        rows += [row for row in remote if row[0] not in seen]
    today = timezone.localdate()
    role_labels = dict(VolunteerRole.choices)
    suggestions = []
    for (
        pk,
        first_name,
        last_name,
        roles,
        interests,
        languages,
        slots,
        lat,
        lon,
        capacity,
        load,
        seen,
        renewal,
    ) in rows:
        vetted = _vetting_valid(seen, renewal, today)
        # The first wanted role the volunteer can take: home visits only with valid vetting.
        role = next(
            (r for r in wanted if r in (roles or []) and (vetted or r not in HOME_VISIT_ROLES)),
            None,
        )
        if role is None:
            continue
        can_talk, other_languages = _speaks(ctx, languages)
        if not can_talk:
            continue
        score = _Score()
        remote = role in REMOTE_ROLES
        km = _score_distance(score, ctx, (lat, lon), remote, "volunteer")
        if km is not None and km > ctx.profile.max_distance_km:
            continue
        score.reasons.insert(0, _("can be a {role}").format(role=role_labels[role].lower()))
        _score_interests(score, ctx, interests)
        fitting = _score_schedule(score, ctx, slots)
        if fitting:
            score.reasons.append(
                _("free {when}").format(when=_join([slot_label(s) for s in fitting[:2]]).lower())
            )
        score.add("load", (capacity - load) / capacity)
        left = capacity - load
        score.reasons.append(
            _("room for one more citizen")
            if left == 1
            else _("room for {n} more citizens").format(n=left)
        )
        if role in HOME_VISIT_ROLES:
            score.reasons.append(
                _("certificate in order until {date}").format(
                    date=formats.date_format(renewal, "SHORT_DATE_FORMAT")
                )
            )
        if other_languages:
            score.reasons.append(
                _("speaks {languages}").format(
                    languages=_join(_labels(other_languages, _LanguageChoices)).lower()
                )
            )
        suggestions.append(
            Suggestion(
                kind=SuggestionKind.VOLUNTEER,
                id=pk,
                title=f"{first_name} {last_name}",
                subtitle=str(role_labels[role]),
                score=score.value,
                reasons=score.reasons,
                cautions=score.cautions,
                distance_km=km,
                role=role,
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.distance_km or 0, s.title))
    return suggestions[: settings.BROBYG_SUGGESTIONS_PER_KIND]


def _rank_citizens(ctx: _Citizen, nearby: list[str] | None, visible) -> list[Suggestion]:
    """Other citizens nearby who would like the same group activity: they may go together.
    Only citizens who agreed to it (consent for companion matching) are suggested, and only
    to a citizen who agreed too."""
    kinds = set(ctx.profile.activity_kinds) & GROUP_ACTIVITY_KINDS
    if not kinds or nearby is None or visible is None:
        return []
    opted_in = ConsentRecord.objects.filter(
        purpose=ConsentPurpose.COMPANION, withdrawn_at__isnull=True
    )
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
        km = _score_distance(score, ctx, point or (None, None), False, "citizen")
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
            )
        )
    suggestions.sort(key=lambda s: (-s.score, s.distance_km or 0))
    return suggestions[: settings.BROBYG_SUGGESTIONS_PER_KIND]


def suggestions_for(*, citizen: Citizen, visible_citizens=None) -> dict[str, list[Suggestion]]:
    """Ranked offers, volunteers and like-minded citizens for one citizen, each with reasons.

    `visible_citizens` is the caller's scope for other citizens (None: no citizens)."""
    ctx = _context(citizen)
    nearby = _nearby_postcodes(ctx)
    return {
        SuggestionKind.OFFER: _rank_offers(ctx, nearby),
        SuggestionKind.VOLUNTEER: _rank_volunteers(ctx, nearby),
        SuggestionKind.CITIZEN: _rank_citizens(ctx, nearby, visible_citizens),
    }


def companions_read(*, actor, suggestions: list[Suggestion], request=None) -> None:
    """Showing another citizen as a possible companion shows their name, age and wishes: a read
    of their record, logged under each of them."""
    audit_read_many(
        actor=actor,
        objs=[Citizen(pk=s.id) for s in suggestions if s.kind == SuggestionKind.CITIZEN],
        request=request,
    )


def suggestions_ranked(groups: dict[str, list[Suggestion]]) -> list[Suggestion]:
    """The groups as one list, best first (the API's shape)."""
    return sorted(
        (s for group in groups.values() for s in group),
        key=lambda s: (-s.score, s.kind, str(s.title)),
    )
