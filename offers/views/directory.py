"""The public offer directory at /tilbud/: search, a list with a map, and each offer's page.

No sign-in. The list is plain HTML that works without JavaScript and without map tiles; the map
is drawn by static/js/directory-map.js from data attributes (the CSP allows no inline script).
"""

import hashlib
import logging
from urllib.parse import urlencode, urlsplit

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from core.forms import form_add_service_errors
from core.throttling import CACHE_ERRORS, limit_per_address
from offers import selectors
from offers.constants import Interest, TargetGroup, Weekday
from offers.schedules import schedule_is_over
from referrals.constants import CITIZEN_LANGUAGES

PAGE_SIZE = 20
DISTANCE_CHOICES = [2, 5, 10, 25, 50]

logger = logging.getLogger(__name__)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("E.g. walking, knitting, choir")}
        ),
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *selectors.CATEGORY_CHOICES],
    )
    area = forms.CharField(
        label=_("Postcode or town"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "placeholder": "5000"}),
    )
    km = forms.TypedChoiceField(
        label=_("Distance"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[
            ("", _("Only that area")),
            # format_lazy: the label is made in the visitor's language, not when this loads.
            *[(km, format_lazy(_("Within {km} km"), km=km)) for km in DISTANCE_CHOICES],
        ],
    )
    weekday = forms.TypedChoiceField(
        label=_("Day"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any day")), *Weekday.choices],
    )
    # "" is the order that fits the search (selectors.directory_sort): nearest first from a
    # known place, else the best match. Nearest first is offered only when there is a place.
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Best match")),
            ("relevance", _("Best match")),
            ("title", _("Name")),
            ("distance", _("Nearest first")),
        ],
    )

    def show_sorts(self, *, place_known: bool) -> None:
        """The orders that make sense for the search shown: nearest first only from a place."""
        field = self.fields["sort"]
        if place_known:
            field.choices = [
                ("", _("Nearest first")),
                ("relevance", _("Best match")),
                ("title", _("Name")),
            ]
        else:
            field.choices = [("", _("Best match")), ("title", _("Name"))]
        shown = {value for value, _label in field.choices}
        if self.is_bound and self.data.get("sort") not in shown:
            # The order asked for cannot be had here: show the one the list has.
            self.data = self.data.copy()
            self.data["sort"] = ""


def _tile_origin(tile_url: str) -> str:
    """The scheme and host the map's tiles come from, for the page's img-src."""
    parts = urlsplit(tile_url)
    host = parts.netloc.replace("{s}.", "*.")
    return f"{parts.scheme}://{host}" if parts.scheme and host else ""


def _with_map(response):
    # The tiles are the only thing the directory loads from elsewhere: allow exactly their host,
    # and only on the directory's pages.
    origin = _tile_origin(settings.BROBYG_MAP_TILE_URL)
    if origin:
        response._csp_update = {"img-src": [origin]}
    return response


def _page_context() -> dict:
    """What both public pages show besides the offers: the map's tiles and the footer's link."""
    return {
        "map_tile_url": settings.BROBYG_MAP_TILE_URL,
        "map_attribution": settings.BROBYG_MAP_ATTRIBUTION,
        "privacy_url": settings.BROBYG_PRIVACY_URL,
    }


def _ages(offer) -> str:
    low, high = offer.age_min, offer.age_max
    if low is not None and high is not None:
        return gettext("aged {low}–{high}").format(low=low, high=high)
    if low is not None:
        return gettext("aged {low} and over").format(low=low)
    if high is not None:
        return gettext("up to age {high}").format(high=high)
    return ""


def _schedules(offer) -> list[str]:
    today = timezone.localdate()
    schedules = sorted(
        (s for s in offer.schedules.all() if not schedule_is_over(s, today)),
        key=selectors.directory_schedule_sort_key,
    )
    return [selectors.directory_schedule_text(s) for s in schedules]


def _suggestions(request, area) -> list[dict]:
    """Towns close to the unknown place, each with the same search there."""
    suggestions = selectors.directory_place_suggestions(text=area.text)
    for suggestion in suggestions:
        query = request.GET.copy()
        query.pop("page", None)
        query["area"] = suggestion["name"]
        suggestion["query"] = query.urlencode()
    return suggestions


# How long a visitor's search is kept at most. A change to the offers ends it at once (the key
# holds selectors.directory_version); the time only bounds what the date changes (meeting times
# that are over, offers not confirmed for long).
KEEP_SEARCH_SECONDS = 600
KEPT_SEARCH = "directory_search"


def _kept_search_key(request) -> str | None:
    """What a kept search is found by: the search asked for, the language, the day and the
    version of the offers. None for a signed-in user."""
    if request.user.is_authenticated:
        return None
    asked = urlencode(sorted(request.GET.lists()), doseq=True)
    day = timezone.localdate().isoformat()
    return "|".join([asked, get_language() or "", day, selectors.directory_version()])


@require_GET
@limit_per_address(
    scope="directory", rate_setting="BROBYG_DIRECTORY_PAGE_THROTTLE", signed_in_per_user=True
)
def directory_list(request):
    # A visitor's search is kept (the form, the results and the map) for the next visitor who
    # makes it, until what the directory shows changes; staff, who also find internal offers,
    # always search afresh.
    kept_key = _kept_search_key(request)
    search, keep = _kept_search(kept_key)
    if search is None:
        search = render_to_string("offers/directory/_search.html", _search(request), request)
        if keep:
            _keep_search(kept_key, search)
    context = {"search": mark_safe(search), **_page_context()}  # noqa: S308 - our own HTML
    return _with_map(render(request, "offers/directory/list.html", context))


def _kept_search(key: str | None) -> tuple[str | None, bool]:
    """The kept HTML of a search, if any, and whether it may be kept: not for staff, and not
    while the cache cannot be reached (the visitor searches afresh; decision 0009)."""
    if key is None:
        return None, False
    try:
        return cache.get(_kept_search_cache_key(key)), True
    except CACHE_ERRORS as exc:
        logger.warning("The directory searches afresh: the cache is unreachable (%s)", exc)
        return None, False


def _keep_search(key: str, html: str) -> None:
    try:
        cache.set(_kept_search_cache_key(key), html, KEEP_SEARCH_SECONDS)
    except CACHE_ERRORS as exc:
        logger.warning("A directory search was not kept: the cache is unreachable (%s)", exc)


def _kept_search_cache_key(key: str) -> str:
    return f"{KEPT_SEARCH}:{hashlib.sha256(key.encode()).hexdigest()}"


def _search(request) -> dict:
    """The search's form, results and map."""
    form = DirectoryFilterForm(request.GET or None)
    form.is_valid()
    filters = getattr(form, "cleaned_data", {})
    q = filters.get("q") or ""
    sort = filters.get("sort") or ""
    area = None
    place_suggestions = []
    try:
        area = selectors.directory_area(text=filters.get("area") or "")
        offers = selectors.directory_found(
            user=request.user,
            q=q,
            category=filters.get("category") or "",
            area=area,
            km=filters.get("km"),
            weekday=filters.get("weekday"),
            sort=sort,
        )
    except ValidationError as exc:
        # The search still shows what it can: everything but the filter that cannot be used.
        form_add_service_errors(form, exc)
        if area is not None and not area.known:
            place_suggestions = _suggestions(request, area)
        area = None
        offers = selectors.directory_found(
            user=request.user,
            q=q,
            category=filters.get("category") or "",
            weekday=filters.get("weekday"),
            sort="title" if sort == "title" else "",
        )
    form.show_sorts(place_known=area is not None)
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    for offer in page:
        offer.schedule_texts = _schedules(offer)
    query = request.GET.copy()
    query.pop("page", None)
    map_points = selectors.directory_map_points(offers)
    words = selectors.directory_search_words(q=q)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "words_too_common": words.too_common,
        "words_beyond_limit": words.beyond_limit,
        "max_words": selectors.DIRECTORY_MAX_WORDS,
        "area": area,
        "place_suggestions": place_suggestions,
        "sorted_by": selectors.directory_sort(sort=sort, q=q, area=area),
        "map_points": map_points,
        # Each point links to its offer (the map's pattern, not an address in every point).
        "map_links": True,
        "map_centre": area.centre if area and area.centre else None,
        **_page_context(),
    }
    return context


@require_GET
@limit_per_address(
    scope="directory", rate_setting="BROBYG_DIRECTORY_PAGE_THROTTLE", signed_in_per_user=True
)
def directory_offer(request, offer_id):
    offer = selectors.directory_offer_get(user=request.user, offer_id=offer_id)
    schedule_texts = _schedules(offer)
    languages = dict(CITIZEN_LANGUAGES)
    target_groups = dict(TargetGroup.choices)
    interests = dict(Interest.choices)
    place = " ".join(part for part in (offer.postcode, offer.city) if part)
    # An offer in someone's home shows its postcode and town only: the address is given to
    # those who sign up.
    address = "" if offer.in_private_home else offer.address
    map_link = ""
    if not offer.is_remote and (address or place):
        map_link = "https://www.openstreetmap.org/search?" + urlencode(
            {"query": ", ".join(part for part in (address, place, "Danmark") if part)}
        )
    context = {
        "offer": offer,
        "schedule_texts": schedule_texts,
        # It had meeting times, and all are over: not "by appointment".
        "meetings_over": not schedule_texts and bool(offer.schedules.all()),
        "address": address,
        "place": place,
        "map_link": map_link,
        "map_points": []
        if offer.is_remote or offer.public_latitude is None
        else [selectors.directory_map_point(offer)],
        "languages": [languages[code] for code in offer.languages if code in languages],
        "audience": [
            *[target_groups[g] for g in offer.target_groups if g in target_groups],
            *([_ages(offer)] if _ages(offer) else []),
        ],
        "interests": [interests[i] for i in offer.interests if i in interests],
        "contacts": list(offer.organisation.contacts.all()),
        "last_confirmed": selectors.directory_date(offer.last_confirmed_on),
        # The search the visitor came from, so that "Back" shows the same results.
        "back_query": request.GET.get("soegning", ""),
        **_page_context(),
    }
    return _with_map(render(request, "offers/directory/offer.html", context))
