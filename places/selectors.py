from places.geo import bounding_box
from places.models import Postcode


def postcode_get(*, code: str) -> Postcode | None:
    if not code:
        return None
    return Postcode.objects.filter(code=code).first()


def postcodes_within(*, lat: float, lon: float, km: float) -> list[str]:
    """The codes of postcodes whose centre lies within `km` (a box, trimmed by the caller)."""
    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, km)
    return list(
        Postcode.objects.filter(
            latitude__range=(min_lat, max_lat), longitude__range=(min_lon, max_lon)
        ).values_list("code", flat=True)
    )
