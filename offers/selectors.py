"""Reads of offers and matches: the public directory (/tilbud/ and GET /api/v1/offers/), the
coordinator's own offers, and the matches each person may see.

Anyone may search the directory without signing in and sees the public, active offers. Staff who
may view offers also see the active offers that are kept internal. Paused and archived offers are
never in the directory: it lists what a citizen can join now.
"""

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Power, Sqrt
from django.http import Http404
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from accounts.constants import Role
from accounts.models import Organisation, User
from accounts.selectors import user_team_ids
from core.db import json_list_contains
from offers.constants import (
    ActivityKind,
    Frequency,
    OfferStatus,
    Strategy,
    UnmetNeedStatus,
)
from offers.directory_search import (
    MAX_WORDS,
    SearchWords,
    search_words,
    search_words_read,
    text_search,
)
from offers.models import DirectoryChange, Offer, OfferSchedule, UnmetNeed, offer_stale_before
from offers.schedules import schedules_current, schedules_on_weekday
from places.geo import KM_PER_DEGREE, bounding_box
from places.models import Postcode
from referrals.constants import OPEN_STATUSES

# The directory's one category filter: the five strategies first, then what people do.
CATEGORY_CHOICES = [
    (gettext_lazy("Kind of help"), Strategy.choices),
    (gettext_lazy("What you do"), ActivityKind.choices),
]
CATEGORY_VALUES = {*Strategy.values, *ActivityKind.values}

# The furthest a directory search reaches around a place.
MAX_DISTANCE_KM = 200

# "relevance": the best match to the words first; "distance": nearest the place first.
DIRECTORY_SORTS = ("relevance", "title", "distance")

# How many towns an unknown place suggests at most, and how alike their names must be
# (pg_trgm's word_similarity, 0–1).
PLACE_SUGGESTIONS = 5
PLACE_SIMILARITY = 0.3

# How many different words a directory search looks for at most.
DIRECTORY_MAX_WORDS = MAX_WORDS

# How many offers the map shows at most (the list pages through all of them).
MAP_POINTS_LIMIT = 500


def directory_shows_internal(*, user) -> bool:
    """Staff who may view offers also find the offers that are not published."""
    return bool(user is not None and user.is_authenticated and user.has_perm("offers.view_offer"))


def directory_offers(*, user) -> QuerySet[Offer]:
    """Every offer the caller may find in the directory."""
    offers = Offer.objects.filter(status=OfferStatus.ACTIVE, organisation__is_active=True)
    if not directory_shows_internal(user=user):
        offers = offers.filter(is_public=True)
    return offers


@dataclass(frozen=True)
class Area:
    """Where a visitor searches: a postcode, or a town with one or more postcodes."""

    text: str
    codes: list[str] = field(default_factory=list)
    centre: tuple[float, float] | None = None
    label: str = ""

    @property
    def known(self) -> bool:
        """A postcode or town of the postcode table: somewhere the search can be about."""
        return self.centre is not None


# "5200", or "5200 Odense V" as the directory itself writes a place.
_POSTCODE_FIRST = re.compile(r"^(\d{4})(?:\s|$)")


def directory_area(*, text: str) -> Area | None:
    """The postcode or town a visitor typed, with the centre to measure distances from. A place
    the postcode table does not know has no centre (`known` is False)."""
    text = " ".join((text or "").split())
    if not text:
        return None
    if code := _POSTCODE_FIRST.match(text):
        postcode = Postcode.objects.filter(code=code.group(1)).first()
        if postcode is None:
            return Area(text=text, label=text)
        return Area(
            text=text,
            codes=[postcode.code],
            centre=(postcode.latitude, postcode.longitude),
            label=str(postcode),
        )
    postcodes = list(Postcode.objects.filter(name__icontains=text).order_by("code")[:50])
    if not postcodes:
        return Area(text=text, label=text)
    # A town with several postcodes ("Odense") is measured from its first, usually the centre.
    first = postcodes[0]
    return Area(
        text=text,
        codes=[p.code for p in postcodes],
        centre=(first.latitude, first.longitude),
        label=first.name if len(postcodes) == 1 else text,
    )


def _trigrams_available() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm')")
        return cursor.fetchone()[0]


def directory_place_suggestions(*, text: str) -> list[dict]:
    """Towns whose name is close to a place nobody knows ("Odnse": Odense), best first, as
    {"name": ...}. With pg_trgm, by trigram word similarity; without it, the towns beginning
    with the same three letters. A town with several postcodes ("Odense C", "Odense V") is
    suggested once, by the name they share, which finds them all."""
    text = " ".join((text or "").split())
    if not text or text[:4].isdigit():
        return []
    if _trigrams_available():
        names = (
            Postcode.objects.annotate(
                score=Func(Value(text), F("name"), function="word_similarity")
            )
            .filter(score__gte=PLACE_SIMILARITY)
            .order_by("-score", "name")
            .values_list("name", flat=True)
        )
    else:
        names = Postcode.objects.filter(name__istartswith=text[:3]).values_list("name", flat=True)
    names = list(dict.fromkeys(names[:50]))
    suggestions = []
    for name in names:
        town = name.split()[0]
        shared = town != name and sum(other.split()[0] == town for other in names) > 1
        suggestion = town if shared else name
        if suggestion not in suggestions:
            suggestions.append(suggestion)
    return [{"name": name} for name in suggestions[:PLACE_SUGGESTIONS]]


def directory_sort(*, sort: str = "", q: str = "", area: Area | None = None) -> str:
    """The order a search is shown in. Nearest first only from a known place (and there by
    default); the best match to the words first when there are words; else by title."""
    if area is not None and area.known and sort in ("", "distance"):
        return "distance"
    if sort == "title" or not search_words(q):
        return "title"
    return "relevance"


def _public_place() -> dict:
    """Where the public may see an offer is (`public_latitude`, `public_longitude`): an offer in
    a private home at its postcode's centre, never at the door; any other at its own place."""
    # directory_postcode_latitude/longitude (offers/migrations/0012_directory_full_text_search):
    # a look-up the planner knows to be cheap, where a subquery would be counted for every offer.
    return {
        name: Case(
            When(
                in_private_home=True,
                then=Func(F("postcode"), function=f"directory_postcode_{column}"),
            ),
            default=F(column),
            output_field=FloatField(),
        )
        for name, column in (("public_latitude", "latitude"), ("public_longitude", "longitude"))
    }


def _distance_km(lat: float, lon: float):
    """The distance from (lat, lon) in km, as places.geo.distance_km computes it, in SQL, to
    where the public may see the offer is (`_public_place`)."""
    cos_lat = math.cos(math.radians(lat))
    distance = Value(KM_PER_DEGREE) * Sqrt(
        Power(F("public_latitude") - Value(lat), 2)
        + Power((F("public_longitude") - Value(lon)) * Value(cos_lat), 2)
    )
    # An offer by phone or online has no distance: it is as near as the citizen's phone.
    return Case(
        When(Q(is_remote=True) | Q(public_latitude__isnull=True), then=Value(None)),
        default=distance,
        output_field=FloatField(),
    )


def _unknown_place(area: Area) -> ValidationError:
    return ValidationError(
        {
            "area": _(
                "We do not know the place «{place}» – search for a postcode or a town."
            ).format(place=area.text)
        }
    )


def directory_search_words(*, q: str) -> SearchWords:
    """What of the words typed the directory searches for, and which it leaves out."""
    return search_words_read(q)


def directory_search(
    *,
    user,
    q: str = "",
    category: str = "",
    area: Area | None = None,
    km: int | None = None,
    weekday: int | None = None,
    sort: str = "",
) -> QuerySet[Offer]:
    """The offers matching a visitor's search, with `distance_km` when a place is known, sorted
    as directory_sort says. The words are matched by offers.directory_search.

    Offers by phone or online match every place. Raises ValidationError naming the filter when
    a filter cannot be used (an unknown category, a place the postcode table does not know).
    """
    _shown, found = _directory_search(
        user=user, q=q, category=category, area=area, km=km, weekday=weekday, sort=sort
    )
    return found


def directory_found(
    *,
    user,
    q: str = "",
    category: str = "",
    area: Area | None = None,
    km: int | None = None,
    weekday: int | None = None,
    sort: str = "",
) -> "DirectoryFound":
    """The offers of directory_search, found once, for a list with its count, a page and a map
    (directory_map_points)."""
    shown, found = _directory_search(
        user=user, q=q, category=category, area=area, km=km, weekday=weekday, sort=sort
    )
    return DirectoryFound(found=found, shown=shown, once=bool(search_words(q)))


def _directory_search(
    *,
    user,
    q: str,
    category: str,
    area: Area | None,
    km: int | None,
    weekday: int | None,
    sort: str,
) -> tuple[QuerySet[Offer], QuerySet[Offer]]:
    """Every offer the caller may find, with what the directory shows of each (`shown`), and
    those of them the search finds, sorted (`found`)."""
    if category and category not in CATEGORY_VALUES:
        raise ValidationError({"category": _("Choose one of the categories.")})
    if weekday is not None and weekday not in range(7):
        raise ValidationError({"weekday": _("Choose a day of the week.")})
    if sort and sort not in DIRECTORY_SORTS:
        raise ValidationError({"sort": _("Sort by relevance, title or distance.")})
    if km is not None and area is None:
        raise ValidationError({"km": _("Give a postcode or town to measure the distance from.")})
    if area is not None and not area.known:
        # Never "1 offer in Xyzby" when the one is by phone: say the place is unknown.
        raise _unknown_place(area)
    if km is not None and not 0 < km <= MAX_DISTANCE_KM:
        raise ValidationError(
            {"km": _("Give a distance from 1 to {km} km.").format(km=MAX_DISTANCE_KM)}
        )

    shown = (
        directory_offers(user=user)
        .select_related("organisation")
        .prefetch_related("schedules")
        .annotate(**_public_place())
    )
    if area is not None:
        shown = shown.annotate(distance_km=_distance_km(*area.centre))
    else:
        shown = shown.annotate(distance_km=Value(None, output_field=FloatField()))
    offers = shown
    words = text_search(q)
    for word in words.filters:
        offers = offers.filter(word)
    if category in Strategy.values:
        offers = offers.filter(strategy=category)
    elif category:
        offers = offers.filter(json_list_contains("activity_kinds", category))
    if weekday is not None:
        # The stored weekdays narrow by index; a meeting time still to come on the day decides.
        meets = OfferSchedule.objects.filter(
            schedules_current(timezone.localdate()),
            schedules_on_weekday(weekday),
            offer=OuterRef("pk"),
        )
        offers = offers.filter(json_list_contains("weekdays", weekday), Exists(meets))
    if area is not None:
        if km is not None:
            min_lat, max_lat, min_lon, max_lon = bounding_box(*area.centre, km)
            # The box lets the database narrow the rows before the exact distance is measured.
            nearby = Q(latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon))
            offers = offers.filter(Q(is_remote=True) | (nearby & Q(distance_km__lte=km)))
        else:
            in_place = Q(postcode__in=area.codes)
            if not area.text[:4].isdigit():
                in_place |= Q(city__icontains=area.text)
            offers = offers.filter(Q(is_remote=True) | in_place)

    sorted_by = directory_sort(sort=sort, q=q, area=area)
    if sorted_by == "distance":
        return shown, offers.order_by(F("distance_km").asc(nulls_last=True), "title", "pk")
    if sorted_by == "relevance":
        return shown, offers.annotate(relevance=words.rank).order_by("-relevance", "title", "pk")
    return shown, offers.order_by("title", "pk")


def _on_map() -> ExpressionWrapper:
    """The offer has a place the public may see on the map."""
    return ExpressionWrapper(
        Q(is_remote=False, public_latitude__isnull=False, public_longitude__isnull=False),
        output_field=BooleanField(),
    )


_MAP_FIELDS = (
    "id",
    "title",
    "address",
    "postcode",
    "city",
    "in_private_home",
    "public_latitude",
    "public_longitude",
)


class DirectoryFound(Sequence):
    """The offers a search found, in order: a list for the Paginator, and the map's points
    (directory_map_points).

    A search with words is done once, in one query that lists the offers' ids in order (and
    which of them go on the map); the count, the page and the map are read from those ids by
    their primary key. So a search of words that find many offers costs the database one
    search, not one for the count, one for the page and one for the map. Without words each
    is a cheap query of its own, and listing every id would cost more."""

    def __init__(self, *, found: QuerySet[Offer], shown: QuerySet[Offer], once: bool):
        self.found = found
        self.shown = shown
        self.ids: list | None = None
        self.map_ids: list = []
        if once:
            rows = found.prefetch_related(None).annotate(on_map=_on_map())
            self.ids = []
            for pk, on_map in rows.values_list("pk", "on_map"):
                self.ids.append(pk)
                if on_map and len(self.map_ids) < MAP_POINTS_LIMIT:
                    self.map_ids.append(pk)

    def __len__(self) -> int:
        return self.found.count() if self.ids is None else len(self.ids)

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1 or None][0]
        if self.ids is None:
            return list(self.found[index])
        ids = self.ids[index]
        offers = {offer.pk: offer for offer in self.shown.filter(pk__in=ids).order_by()}
        # An offer archived since the search is no longer shown.
        return [offers[pk] for pk in ids if pk in offers]


def directory_map_points(found: DirectoryFound) -> list[dict]:
    """Where the offers of a search are, for the map: one query, however many offers, in the
    search's order. An offer in a private home is at its postcode's centre, with no address."""
    if found.ids is None:
        rows = (
            found.found.prefetch_related(None)
            .filter(is_remote=False, public_latitude__isnull=False, public_longitude__isnull=False)
            .values(*_MAP_FIELDS)[:MAP_POINTS_LIMIT]
        )
        return [directory_map_point(row) for row in rows]
    rows = found.shown.prefetch_related(None).filter(pk__in=found.map_ids).order_by()
    by_id = {row["id"]: row for row in rows.values(*_MAP_FIELDS)}
    return [directory_map_point(by_id[pk]) for pk in found.map_ids if pk in by_id]


def directory_map_point(row) -> dict:
    """One offer on the map (a values() row or an offer of directory_offer_get)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    address = "" if get("in_private_home") else get("address")
    return {
        "id": str(get("id")),
        "title": get("title"),
        "place": ", ".join(
            part for part in (address, f"{get('postcode')} {get('city')}".strip()) if part
        ),
        "lat": round(get("public_latitude"), 5),
        "lng": round(get("public_longitude"), 5),
    }


def directory_version() -> str:
    """What the public directory shows changes with, as one short text, in one read of a small
    table: the changes of the offers, their meeting times or the organisations (DirectoryChange,
    written by the database in the changing transaction), how many are kept and the latest.
    Saving, pausing, archiving or deleting any of them changes it, however it is done, so a kept
    search (offers.views.directory) is never shown after it; the count also moves when a change
    that got its row earlier commits after a later one."""
    latest = DirectoryChange.objects.aggregate(n=Count("pk"), latest=Max("pk"))
    return f"{latest['n']}@{latest['latest'] or 0}"


def directory_offer_get(*, user, offer_id) -> Offer:
    """One offer of the directory with all a newcomer needs to know, or 404."""
    try:
        return (
            directory_offers(user=user)
            .select_related("organisation")
            .prefetch_related("schedules", "organisation__contacts")
            .annotate(**_public_place())
            .get(pk=offer_id)
        )
    except (Offer.DoesNotExist, ValueError, ValidationError):
        raise Http404 from None


# --- Meeting times in words ---------------------------------------------------------------------

# Weekdays as they stand inside a sentence ("Every Tuesday"; in Danish "Hver tirsdag").
WEEKDAY_IN_SENTENCE = [
    pgettext_lazy("weekday inside a sentence", "Monday"),
    pgettext_lazy("weekday inside a sentence", "Tuesday"),
    pgettext_lazy("weekday inside a sentence", "Wednesday"),
    pgettext_lazy("weekday inside a sentence", "Thursday"),
    pgettext_lazy("weekday inside a sentence", "Friday"),
    pgettext_lazy("weekday inside a sentence", "Saturday"),
    pgettext_lazy("weekday inside a sentence", "Sunday"),
]

_WEEK_OF_MONTH = {
    1: pgettext_lazy("week of the month", "First"),
    2: pgettext_lazy("week of the month", "Second"),
    3: pgettext_lazy("week of the month", "Third"),
    4: pgettext_lazy("week of the month", "Fourth"),
    -1: pgettext_lazy("week of the month", "Last"),
}


def directory_clock(at: time) -> str:
    """14.00 in Danish, 14:00 in English."""
    separator = "." if (get_language() or "da").startswith("da") else ":"
    return f"{at.hour:02d}{separator}{at.minute:02d}"


def directory_date(on: date, *, weekday: bool = False) -> str:
    """A date as a Danish reader writes it: '3. marts 2026', or 'Tirsdag 3. marts 2026'."""
    if weekday:
        return capfirst(formats.date_format(on, pgettext_lazy("date with weekday", "l j F Y")))
    return formats.date_format(on, "DATE_FORMAT")


def directory_schedule_text(schedule: OfferSchedule) -> str:
    """'Every Tuesday at 14.00–16.00', 'First Monday of the month at 10.00' in the UI language."""
    if schedule.frequency == Frequency.ONCE:
        when = directory_date(schedule.date, weekday=True)
    else:
        day = WEEKDAY_IN_SENTENCE[schedule.weekday]
        if schedule.frequency == Frequency.WEEKLY:
            when = _("Every {weekday}").format(weekday=day)
        elif schedule.frequency == Frequency.BIWEEKLY:
            when = _("Every other {weekday}").format(weekday=day)
        elif schedule.week_of_month in _WEEK_OF_MONTH:
            when = _("{ordinal} {weekday} of the month").format(
                ordinal=_WEEK_OF_MONTH[schedule.week_of_month], weekday=day
            )
        else:
            when = _("One {weekday} a month").format(weekday=day)
    if schedule.ends_at:
        text = _("{when} at {start}–{end}").format(
            when=when,
            start=directory_clock(schedule.starts_at),
            end=directory_clock(schedule.ends_at),
        )
    else:
        text = _("{when} at {start}").format(when=when, start=directory_clock(schedule.starts_at))
    if schedule.frequency != Frequency.ONCE:
        valid_from, valid_until = schedule.valid_from, schedule.valid_until
        if valid_from and valid_until:
            period = _("from {start} until {end}").format(
                start=directory_date(valid_from), end=directory_date(valid_until)
            )
        elif valid_from:
            period = _("from {start}").format(start=directory_date(valid_from))
        elif valid_until:
            period = _("until {end}").format(end=directory_date(valid_until))
        else:
            period = ""
        if period:
            text = f"{text} ({period})"
    return text


def directory_schedule_sort_key(schedule: OfferSchedule) -> tuple:
    """Single dates in date order after the recurring meetings in weekday order."""
    if schedule.frequency == Frequency.ONCE:
        return (1, schedule.date.toordinal(), schedule.starts_at)
    return (0, schedule.weekday, schedule.starts_at)


# --- Coordinators' offers and matches ------------------------------------------------------


def offers_managed_by(*, user: User) -> QuerySet[Offer]:
    """A coordinator manages the offers their teams coordinate and their organisations run."""
    if not (user.is_authenticated and user.has_perm("offers.change_offer")):
        return Offer.objects.none()
    if user.is_superuser or user.has_role(Role.ADMIN):
        return Offer.objects.all()
    team_ids = user_team_ids(user)
    return Offer.objects.filter(
        Q(team_id__in=team_ids) | Q(organisation__teams__id__in=team_ids)
    ).distinct()


def offer_managed_get(*, user: User, offer_id) -> Offer:
    try:
        return offers_managed_by(user=user).select_related("organisation", "team").get(pk=offer_id)
    except (Offer.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def offer_search(offers: QuerySet[Offer], *, q="", status="", sort="title") -> QuerySet[Offer]:
    """The coordinator's list: every word must match title, organisation, postcode or town."""
    for word in q.split():
        offers = offers.filter(
            Q(title__icontains=word)
            | Q(organisation__name__icontains=word)
            | Q(postcode=word)
            | Q(city__icontains=word)
        )
    if status in OfferStatus.values:
        offers = offers.filter(status=status)
    orderings = {"title": ["title", "id"], "confirmed": ["last_confirmed_on", "id"]}
    return offers.select_related("organisation").order_by(*orderings.get(sort, orderings["title"]))


def offers_stale_for(*, user: User) -> QuerySet[Offer]:
    """The coordinator's active offers nobody has confirmed for BROBYG_OFFER_STALE_MONTHS."""
    return offers_managed_by(user=user).filter(
        status=OfferStatus.ACTIVE, last_confirmed_on__lt=offer_stale_before()
    )


def organisations_managed_by(*, user: User) -> QuerySet[Organisation]:
    """The organisations a coordinator may add offers for: their teams' own, and those whose
    offers their teams coordinate."""
    active = Organisation.objects.filter(is_active=True)
    if user.is_superuser:
        return active
    team_ids = user_team_ids(user)
    return active.filter(Q(teams__id__in=team_ids) | Q(offers__team_id__in=team_ids)).distinct()


# --- Unmet needs ----------------------------------------------------------------------------------


def unmet_needs_of_case(*, case) -> list[UnmetNeed]:
    """The case's unmet needs, open first, for the case page (whose read is logged already)."""
    needs = list(
        UnmetNeed.objects.filter(case=case)
        .select_related("recorded_by", "met_by")
        .order_by(F("met_at").desc(nulls_first=True), "-created_at")
    )
    for need in needs:
        need.case = case
    return needs


def unmet_need_of_case_get(*, case, need_id) -> UnmetNeed:
    """One need of a case the caller has already been allowed to see, or 404."""
    try:
        need = UnmetNeed.objects.get(case=case, pk=need_id)
    except (UnmetNeed.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    need.case = case
    return need


def _unmet_needs(*, area: str = "", category: str = "", status: str = "") -> QuerySet[UnmetNeed]:
    needs = UnmetNeed.objects.all()
    open_case = Q(case__status__in=OPEN_STATUSES)
    if status == UnmetNeedStatus.OPEN:
        needs = needs.filter(open_case, met_at__isnull=True)
    elif status == UnmetNeedStatus.MET:
        needs = needs.filter(met_at__isnull=False)
    elif status == UnmetNeedStatus.ENDED:
        needs = needs.filter(met_at__isnull=True).exclude(open_case)
    if area:
        needs = needs.filter(postcode=area)
    if category:
        needs = needs.filter(category=category)
    return needs


@dataclass
class UnmetNeedGroup:
    """The needs of one category in one area: how many, and since when the oldest waits."""

    postcode: str
    area: str
    category: str
    category_label: str
    count: int
    oldest: object


def unmet_needs_by_area(
    *, user: User, area: str = "", category: str = "", status: str = "", sort: str = "count"
) -> list[UnmetNeedGroup]:
    """Unmet needs counted by area and category: what the coordinators plan offers from and
    the admin sees. Counts only, nothing about anyone."""
    if not user.has_perm("offers.view_unmet_need_summary"):
        raise PermissionDenied
    rows = list(
        _unmet_needs(area=area, category=category, status=status)
        .values("postcode", "category")
        .annotate(count=Count("id"), oldest=Min("created_at"))
        .order_by()
    )
    names = dict(
        Postcode.objects.filter(
            code__in={r["postcode"] for r in rows if r["postcode"]}
        ).values_list("code", "name")
    )
    labels = dict(ActivityKind.choices)
    groups = [
        UnmetNeedGroup(
            postcode=r["postcode"],
            area=_area_label(r["postcode"], names),
            category=r["category"],
            category_label=str(labels.get(r["category"], r["category"])),
            count=r["count"],
            oldest=r["oldest"],
        )
        for r in rows
    ]
    keys = {
        "count": lambda g: (-g.count, g.postcode, g.category_label),
        "area": lambda g: (g.postcode or "~", g.category_label),
        "category": lambda g: (g.category_label, g.postcode),
        "oldest": lambda g: (g.oldest, g.postcode),
    }
    return sorted(groups, key=keys.get(sort, keys["count"]))


def _area_label(postcode: str, names: dict) -> str:
    if not postcode:
        return str(_("Unknown area"))
    return f"{postcode} {names[postcode]}" if postcode in names else postcode


def unmet_need_wishes(
    *, user: User, area: str = "", category: str = "", status: str = "", order: str = "newest"
) -> QuerySet[UnmetNeed]:
    """What was wanted, for the coordinators who plan offers: the wish, its category, area and
    date, never who wanted it. Each one shown is a read of that citizen's data (log it)."""
    if not user.has_perm("offers.view_unmetneed"):
        return UnmetNeed.objects.none()
    orderings = {
        "newest": ["-created_at", "id"],
        "oldest": ["created_at", "id"],
        "area": ["postcode", "-created_at", "id"],
        "category": ["category", "-created_at", "id"],
    }
    return (
        _unmet_needs(area=area, category=category, status=status)
        .select_related("case")
        .order_by(*orderings.get(order, orderings["newest"]))
    )
