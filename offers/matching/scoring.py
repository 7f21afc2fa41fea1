"""What every ranking shares: the citizen's context, the score and its reasons, and the database's
preselection with the same weights."""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.slots import slot_label
from offers.constants import Interest
from offers.models import MatchProfile
from places.geo import distance_km, distance_sql
from places.selectors import postcode_get, postcodes_within
from referrals.models import Citizen
from volunteers.models import VolunteerRequest

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
