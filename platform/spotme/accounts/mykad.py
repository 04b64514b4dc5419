"""MyKad (Malaysian identity card) number validation.

A MyKad number has 12 digits, YYMMDD-PB-###G: a date of birth, a place-of-birth code and a serial.
We check the digits, that the date part is a real calendar date, and that the place-of-birth
code is one the National Registration Department issues (01-16 and 21-59 for states, 60-99 for
countries, excluding the unassigned 17-20, 69, 73, 80, 81, 94-97).
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_DIGITS = re.compile(r"^\d{12}$")
_UNASSIGNED_PLACE_CODES = {17, 18, 19, 20, 69, 73, 80, 81, 94, 95, 96, 97}


def normalise_mykad(value: str) -> str:
    """Strip the dashes and spaces people type (e.g. 900101-10-5555)."""
    return re.sub(r"[\s-]", "", value or "")


def mykad_birth_date(number: str) -> datetime.date | None:
    yy, mm, dd = int(number[0:2]), int(number[2:4]), int(number[4:6])
    today = datetime.date.today()
    century = 2000 if 2000 + yy <= today.year else 1900
    try:
        return datetime.date(century + yy, mm, dd)
    except ValueError:
        return None


def validate_mykad(value: str) -> None:
    number = normalise_mykad(value)
    if not _DIGITS.match(number):
        raise ValidationError(_("A MyKad number has exactly 12 digits."), code="mykad_digits")
    if mykad_birth_date(number) is None:
        raise ValidationError(
            _("The first six digits of a MyKad number must be a valid date of birth (YYMMDD)."),
            code="mykad_date",
        )
    place = int(number[6:8])
    if place == 0 or place in _UNASSIGNED_PLACE_CODES:
        raise ValidationError(
            _("Digits 7 and 8 of a MyKad number must be a valid place-of-birth code."), code="mykad_place"
        )
