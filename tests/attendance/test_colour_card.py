"""Every transition of the default colour-card table (SPEC.md), and per-agency thresholds."""

import pytest

from tenant_apps.attendance.rules import Colour, ColourThresholds, next_colour

K, H, M = Colour.KUNING, Colour.HIJAU, Colour.MERAH


@pytest.mark.parametrize(
    ("current", "count", "expected"),
    [
        (K, 0, K),
        (K, 1, K),
        (K, 2, K),
        (K, 3, H),
        (K, 7, H),
        (H, 0, K),
        (H, 1, K),
        (H, 2, H),
        (H, 3, M),
        (H, 9, M),
        (M, 0, H),
        (M, 1, M),
        (M, 4, M),
    ],
)
def test_default_transitions(current, count, expected):
    assert next_colour(current, count) == expected


def test_agency_thresholds():
    strict = ColourThresholds(yellow_to_green=1, green_to_red=2, green_stays=1, red_stays=1)
    assert next_colour(K, 1, strict) == H
    assert next_colour(H, 2, strict) == M
    assert next_colour(H, 1, strict) == H
    assert next_colour(H, 0, strict) == K
