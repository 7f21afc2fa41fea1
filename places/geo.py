"""Distances between places in Denmark, from postcode centres or coordinates.

Denmark spans a few hundred kilometres, so an equirectangular approximation is well within the
precision of a postcode centre and is cheap enough to compute inside a SQL ORDER BY.
"""

import math

KM_PER_DEGREE = 111.2


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    mean_lat = math.radians((lat1 + lat2) / 2)
    dx = (lon2 - lon1) * math.cos(mean_lat)
    dy = lat2 - lat1
    return KM_PER_DEGREE * math.hypot(dx, dy)


def bounding_box(lat: float, lon: float, km: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) of a square that holds every point within `km`."""
    dlat = km / KM_PER_DEGREE
    dlon = km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def distance_sql(lat_column: str, lon_column: str) -> str:
    """A SQL expression for the distance in km from (%s, %s) with cos(lat) as a third parameter."""
    return (
        f"({KM_PER_DEGREE} * sqrt(power({lat_column} - %s, 2)"
        f" + power(({lon_column} - %s) * %s, 2)))"
    )
