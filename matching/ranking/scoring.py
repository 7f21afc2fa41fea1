"""What every ranking shares: the citizen's context, the score and its reasons, and the database's
preselection with the same weights.

A score is made of parts (the citizen's wish, interests, distance, time, target group, …), each
a value from -1 to 1 times its weight (BROBYG_MATCH_WEIGHTS), shown as points out of 100. A part
is written once for the database and once for Python (`Part`), side by side, so the preselection
and the ranking cannot drift apart."""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import BooleanField, CharField, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import formats
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from core.slots import slot_label
from matching.models import MatchProfile
from matching.ranking.groups import Groups, citizen_groups
from matching.ranking.stems import Wish
from offers.constants import Interest
from places.geo import distance_km, distance_sql
from places.selectors import postcode_get, postcodes_within
from referrals.constants import OPEN_STATUSES
from referrals.models import Citizen, Referral
from volunteers.models import VolunteerRequest

# How many candidate rows of each kind the database hands over at most.
CANDIDATE_LIMIT = 3000
# The database scores the candidates with the same weights first and hands over
# only the best of them; Python then ranks those exactly and writes the reasons. In a city with
# thousands of offers and volunteers nearby this keeps a suggestion list to a few milliseconds.
PRESELECT = 12

# What the "why" list calls each part of the score.
_PART = "part of a suggestion's score"
PART_LABELS = {
    "wish": pgettext_lazy(_PART, "the wish"),
    "interests": pgettext_lazy(_PART, "interests"),
    "activity": pgettext_lazy(_PART, "what they would like"),
    "distance": pgettext_lazy(_PART, "distance"),
    "schedule": pgettext_lazy(_PART, "time"),
    "age": pgettext_lazy(_PART, "age"),
    "target_group": pgettext_lazy(_PART, "target group"),
    "places": pgettext_lazy(_PART, "places"),
    "practical": pgettext_lazy(_PART, "practical help"),
    "hearing": pgettext_lazy(_PART, "hearing"),
    "language": pgettext_lazy(_PART, "language"),
    "load": pgettext_lazy(_PART, "room for more"),
}


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
    # What the score is made of: (the part, its points out of 100), in the reader's language.
    breakdown: list[tuple[str, int]] = field(default_factory=list)
    # A full offer: shown with its waiting list, proposed only when a place is free.
    full: bool = False


@dataclass
class _Citizen:
    """What matching needs to know of the citizen, read once."""

    citizen: Citizen
    profile: MatchProfile
    point: tuple[float, float] | None
    languages: set[str]
    age: int
    wanted_roles: list[str]
    transitions: list[str] = field(default_factory=list)
    wish: Wish = field(default_factory=lambda: Wish.read(""))
    groups: Groups = field(default_factory=lambda: Groups(frozenset(), frozenset()))

    @property
    def needs_language_help(self) -> bool:
        """Not at home in Danish: an offer in another language needs an interpreter."""
        return "da" not in self.languages or self.citizen.needs_interpreter

    @property
    def own_languages(self) -> set[str]:
        """The languages other than Danish the citizen speaks."""
        return self.languages - {"da"}


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
    """The citizen's wishes, the volunteers they wait for and what their open case's referrals
    say (what they want, what has happened to them), in one query."""
    referrals = Referral.objects.filter(
        citizen=OuterRef("pk"), case__status__in=OPEN_STATUSES
    ).order_by("created_at")
    row = (
        Citizen.objects.filter(pk=citizen.pk)
        .select_related("match_profile")
        .annotate(
            wanted=ArraySubquery(
                VolunteerRequest.objects.filter(citizen=OuterRef("pk"), closed_at__isnull=True)
                .order_by("requested_on")
                .values("role")
            ),
            referral_wishes=ArraySubquery(
                referrals.exclude(citizen_wishes="").values("citizen_wishes")
            ),
            transitions=ArraySubquery(
                referrals.annotate(
                    transition=RawSQL(
                        "jsonb_array_elements_text(life_transitions)", [], output_field=CharField()
                    )
                ).values("transition")
            ),
        )
        .first()
    )
    profile = getattr(row, "match_profile", None) or MatchProfile(citizen=citizen)
    postcode = postcode_get(code=citizen.postcode)
    languages = {citizen.preferred_language, *profile.other_languages}
    transitions = sorted(set(row.transitions)) if row else []
    wishes = [profile.wishes, *(row.referral_wishes if row else [])]
    return _Citizen(
        citizen=citizen,
        profile=profile,
        point=(postcode.latitude, postcode.longitude) if postcode else None,
        languages=languages,
        age=citizen.age,
        wanted_roles=list(row.wanted) if row else [],
        transitions=transitions,
        wish=Wish.read("\n".join(w.strip() for w in wishes if w and w.strip())),
        groups=citizen_groups(
            age=citizen.age,
            language=citizen.preferred_language,
            transitions=transitions,
            explicit=profile.target_groups,
            needs_mobility=citizen.needs_mobility,
        ),
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
        self.parts: list[tuple[str, float]] = []

    def add(self, part: str, value: float) -> None:
        """A part's value, from -1 (speaks against) to 1 (fits), times its weight."""
        weight = _weights().get(part, 0)
        weighted = weight * max(-1.0, min(1.0, value))
        self.total += weighted
        self.possible += weight
        self.parts.append((part, weighted))

    @property
    def value(self) -> int:
        return max(0, round(100 * self.total / self.possible)) if self.possible else 0

    @property
    def breakdown(self) -> list[tuple[str, int]]:
        """Each part's points out of 100, in the reader's language; they add up to the score
        (give or take the rounding of each)."""
        if not self.possible:
            return []
        points = [
            (str(PART_LABELS.get(part, part)), round(100 * weighted / self.possible))
            for part, weighted in self.parts
            if _weights().get(part, 0)
        ]
        return [(label, p) for label, p in points if p]


def _distance_reason(score: _Score, ctx: _Citizen, km: float, where: str, same_area: bool):
    if same_area:
        score.reasons.append(
            _("in the citizen's own area")
            if where == "offer"
            else _("lives in the citizen's own area")
        )
    elif km <= ctx.profile.max_distance_km:
        score.reasons.append(
            _("{km} km from home").format(km=_km(km))
            if where == "offer"
            else _("lives {km} km away").format(km=_km(km))
        )
    else:
        score.cautions.append(
            _("{km} km away: further than the citizen will go").format(km=_km(km))
        )


# Contact by phone or online is a way in, not a community to go to: it counts as near, not as
# next door.
REMOTE_DISTANCE = 0.6


def distance_value(ctx: "_Citizen", km: float) -> float:
    """Near enough hardly matters (2 km or 4 in town), the edge of how far the citizen will go
    does: 1 at home, 0.75 halfway, 0 at the limit."""
    return max(0.0, 1 - (km / max(ctx.profile.max_distance_km, 1)) ** 2)


def _score_distance(
    score: _Score, ctx: _Citizen, point, remote: bool, where: str, postcode: str = ""
) -> float | None:
    if remote:
        score.add("distance", REMOTE_DISTANCE)
        score.reasons.append(_("By phone or online: no travelling"))
        return None
    if ctx.point is None or point[0] is None:
        score.add("distance", 0.5)
        score.cautions.append(_("Distance unknown: the postcode is missing"))
        return None
    km = distance_km(ctx.point[0], ctx.point[1], point[0], point[1])
    score.add("distance", distance_value(ctx, km))
    _distance_reason(
        score, ctx, km, where, same_area=bool(postcode) and postcode == ctx.citizen.postcode
    )
    return km


def _interests_reason(ctx: _Citizen, interests: list[str]) -> str:
    shared = [i for i in ctx.profile.interests if i in set(interests or [])]
    labels = _labels(shared, Interest)
    if not labels:
        return ""
    if len(labels) == 1:
        return _("shared interest: {what}").format(what=labels[0])
    return _("shared interests: {what}").format(what=_join(labels))


def _score_interests(score: _Score, ctx: _Citizen, interests: list[str]) -> None:
    shared = [i for i in ctx.profile.interests if i in set(interests or [])]
    score.add("interests", len(shared) / 2 if shared else 0)
    reason = _interests_reason(ctx, interests)
    if reason:
        score.reasons.append(reason)


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


class Part:
    """One part of the score, written twice side by side: `sql` is its value (-1 to 1) as SQL
    over the table's row for the database's preselection, `value` the same for a row read, and
    `explain` says it in words. `applies` leaves out a part that says nothing about this citizen
    (no interests given: every offer would score the same), in both."""

    key = ""

    def applies(self, ctx: _Citizen) -> bool:
        return True

    def sql(self, ctx: _Citizen, t: str) -> tuple[str, list]:
        raise NotImplementedError

    def value(self, ctx: _Citizen, row: dict) -> float:
        raise NotImplementedError

    def explain(self, ctx: _Citizen, row: dict, value: float, score: _Score) -> None:
        """Reasons and cautions for the row (none by default)."""


def score_parts(parts: list[Part], ctx: _Citizen, row: dict) -> _Score:
    score = _Score()
    for part in parts:
        if part.applies(ctx):
            value = part.value(ctx, row)
            score.add(part.key, value)
            part.explain(ctx, row, value, score)
    return score


class _PreScore:
    """The weighted score as one SQL expression over a table's columns (PostgreSQL)."""

    def __init__(self, table: str):
        self.t = f'"{table}"'
        self.terms: list[str] = []
        self.params: list = []

    def add(self, part: str, sql: str, *params) -> None:
        self.terms.append(f"%s * ({sql})")
        self.params += [_weights().get(part, 0), *params]

    def add_parts(self, parts: list[Part], ctx: _Citizen) -> None:
        for part in parts:
            if part.applies(ctx):
                sql, params = part.sql(ctx, self.t)
                self.add(part.key, sql, *params)

    def overlap(self, part: str, column: str, values, *, cast: str = "") -> None:
        """1 when the JSON list `column` shares a value with `values`, else 0."""
        if not values:
            return
        sql, params = overlap_sql(self.t, column, values, cast=cast)
        self.add(part, sql, *params)

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
        expression, params = self.distance_expression(ctx)
        sql, value_params = distance_value_sql(self.t, ctx, expression, params, remote_sql)
        self.add("distance", sql, *value_params)
        return expression, params

    def distance_expression(self, ctx: "_Citizen") -> tuple[str, list]:
        return distance_expression(self.t, ctx)

    def apply(self, queryset, *, order_tiebreak: str):
        sql = " + ".join(self.terms) or "0"
        prescore = RawSQL(sql, self.params)  # noqa: S611 - values are parameters
        return queryset.annotate(prescore=prescore).order_by("-prescore", order_tiebreak)[
            :PRESELECT
        ]


def distance_expression(t: str, ctx: _Citizen) -> tuple[str, list]:
    """The distance in km from the citizen's postcode centre to the row's place, as SQL."""
    lat, lon = ctx.point
    expression = distance_sql(f"{t}.latitude", f"{t}.longitude")
    return expression, [lat, lon, math.cos(math.radians(lat))]


def overlap_sql(t: str, column: str, values, *, cast: str = "") -> tuple[str, list]:
    element = "x::int" if cast == "int" else "x"
    return (
        # Table and column names are this module's constants; values go in as parameters.
        f"CASE WHEN EXISTS (SELECT 1 FROM jsonb_array_elements_text({t}.{column}) x "  # noqa: S608
        f"WHERE {element} = ANY(%s)) THEN 1 ELSE 0 END",
        [list(values)],
    )


def distance_value_sql(t: str, ctx, expression: str, params: list, remote_sql: str):
    return (
        f"CASE WHEN {remote_sql} THEN %s WHEN {t}.latitude IS NULL THEN 0.5 "
        f"ELSE greatest(0, 1 - power({expression} / %s, 2)) END",
        [REMOTE_DISTANCE, *params, max(ctx.profile.max_distance_km, 1)],
    )
