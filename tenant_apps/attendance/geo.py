"""Matching a position to the office sites (geofences)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine): accurate to well under a metre at office scales."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Match:
    site: object | None
    inside: bool
    distance_m: int | None


def match_site(lat: float, lon: float, accuracy_m: float | None, sites: Iterable) -> Match:
    """The nearest site, and whether the position is inside it. The reported accuracy is given the
    benefit of the doubt up to 100 m: a phone at the edge of the circle with a wide fix counts as
    inside, a fix worse than that does not stretch the office."""
    best, best_distance = None, None
    for site in sites:
        d = distance_m(lat, lon, float(site.latitude), float(site.longitude))
        if best_distance is None or d - site.radius_m < best_distance - best.radius_m:
            best, best_distance = site, d
    if best is None:
        return Match(None, False, None)
    slack = min(float(accuracy_m or 0), 100.0)
    return Match(best, best_distance <= best.radius_m + slack, int(round(best_distance)))
