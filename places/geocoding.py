"""Where an address is. By default the postcode's centre (from the imported postcode table);
with BROBYG_GEOCODER = "dawa", the Danish address register's address search."""

import json
import logging
import urllib.parse
import urllib.request

from django.conf import settings

from places.models import Postcode

logger = logging.getLogger(__name__)


def _postcode_centre(postcode: str) -> tuple[float, float] | None:
    if not postcode:
        return None
    row = Postcode.objects.filter(code=postcode).values_list("latitude", "longitude").first()
    return tuple(row) if row else None


def _dawa(address: str, postcode: str) -> tuple[float, float] | None:
    query = urllib.parse.urlencode(
        {"q": f"{address}, {postcode}", "struktur": "mini", "per_side": 1}
    )
    url = f"{settings.BROBYG_GEOCODER_URL}?{query}"
    try:
        with urllib.request.urlopen(url, timeout=3) as response:  # noqa: S310 - URL from settings
            results = json.load(response)
        # The register's "mini" form gives x = longitude and y = latitude.
        return float(results[0]["y"]), float(results[0]["x"])
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        logger.warning("Geocoding failed, using the postcode's centre: %s", exc)
        return None


def geocode(*, address: str, postcode: str) -> tuple[float, float] | None:
    """(latitude, longitude), or None when not even the postcode is known."""
    if settings.BROBYG_GEOCODER == "dawa" and address:
        point = _dawa(address, postcode)
        if point:
            return point
    return _postcode_centre(postcode)
