"""Password rules beyond Django's own (length, similarity, common and all-digit passwords)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class LetterAndDigitValidator:
    """At least one letter and one digit: rules out long words and long numbers alike."""

    def validate(self, password: str, user=None) -> None:
        if not (any(c.isalpha() for c in password) and any(c.isdigit() for c in password)):
            raise ValidationError(
                _("This password must contain at least one letter and one digit."),
                code="password_letter_and_digit",
            )

    def get_help_text(self) -> str:
        return _("Your password must contain at least one letter and one digit.")
