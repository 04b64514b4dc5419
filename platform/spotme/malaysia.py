"""Malaysian reference data used across the platform."""

from django.db import models


class State(models.TextChoices):
    """The 16 states and federal territories, coded as the `holidays` package's subdivisions."""

    JOHOR = "01", "Johor"
    KEDAH = "02", "Kedah"
    KELANTAN = "03", "Kelantan"
    MELAKA = "04", "Melaka"
    NEGERI_SEMBILAN = "05", "Negeri Sembilan"
    PAHANG = "06", "Pahang"
    PULAU_PINANG = "07", "Pulau Pinang"
    PERAK = "08", "Perak"
    PERLIS = "09", "Perlis"
    SELANGOR = "10", "Selangor"
    TERENGGANU = "11", "Terengganu"
    SABAH = "12", "Sabah"
    SARAWAK = "13", "Sarawak"
    KUALA_LUMPUR = "14", "W.P. Kuala Lumpur"
    LABUAN = "15", "W.P. Labuan"
    PUTRAJAYA = "16", "W.P. Putrajaya"


DEFAULT_TIMEZONE = "Asia/Kuala_Lumpur"


# --- where a map pin may be -------------------------------------------------------------------------
# Office locations and movement locations are places in Malaysia. A typed coordinate outside these
# boxes is a typo (longitude 10.33 instead of 100.33 lands in the Mediterranean), so it is refused.
# Two latitude/longitude boxes, each the territory plus a margin of roughly the exclusive economic zone
# (offshore platforms, islands such as Layang-Layang at 7.37° N 113.84° E):
#   Peninsular Malaysia (Perlis to Johor, Langkawi, Pulau Tioman):   0.80–7.60° N,  99.40–105.00° E
#   Borneo: Sarawak, Labuan and Sabah (Tanjung Datu to Semporna
#   and the Sulu Sea islands):                                      0.80–7.60° N, 109.40–119.50° E
# The boxes are deliberately coarse (they also cover Singapore, southern Thailand's coast and parts of
# Kalimantan): they catch wrong digits and swapped fields, not a border dispute.
MALAYSIA_BOXES = (
    # (south, north, west, east) in decimal degrees
    (0.80, 7.60, 99.40, 105.00),
    (0.80, 7.60, 109.40, 119.50),
)


def in_malaysia(latitude, longitude) -> bool:
    """Whether a coordinate is inside one of MALAYSIA_BOXES (Decimal, float or str)."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        return False
    return any(s <= lat <= n and w <= lon <= e for s, n, w, e in MALAYSIA_BOXES)


def check_in_malaysia(latitude, longitude, field: str = "latitude") -> None:
    """Raise a ValidationError (on `field`) unless the coordinate is in Malaysia. Both None: no pin."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext

    if latitude is None and longitude is None:
        return
    if not in_malaysia(latitude, longitude):
        raise ValidationError(
            {
                field: ValidationError(
                    gettext(
                        "This location (%(lat)s, %(lon)s) is outside Malaysia. Check the latitude and "
                        "longitude: Kuala Lumpur, for example, is 3.139, 101.687."
                    )
                    % {"lat": latitude, "lon": longitude},
                    code="outside_malaysia",
                )
            }
        )
