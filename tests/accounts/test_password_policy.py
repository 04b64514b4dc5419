"""The password policy: Django's validators (length 10, not common, not all digits, not like the
account) and ours: at least one letter and one digit."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.fixtures.agencies import ADMIN_A, PASSWORD


@pytest.mark.parametrize("password", ["Kata-Laluan-Panjang", "9876543210123", "--------------"])
def test_a_letter_and_a_digit_are_required(password):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert "password_letter_and_digit" in [e.code for e in exc.value.error_list]


@pytest.mark.parametrize("password", ["Kata-Laluan-2026", "tukarlaluan7x", PASSWORD])
def test_good_passwords_pass(password):
    validate_password(password)


def test_the_rule_is_explained_and_its_message_shown(agency_a, client_en):
    with translation.override("en"):  # outside a request the default language (Malay) is active
        assert (
            "Your password must contain at least one letter and one digit."
            in password_validators_help_texts()
        )
    with translation.override("ms"):
        assert (
            "Kata laluan anda mesti mengandungi sekurang-kurangnya satu huruf dan satu digit."
            in password_validators_help_texts()
        )
    client = client_en(agency_a)
    client.login_as(ADMIN_A, PASSWORD)
    page = client.get("/password/change/").content.decode()
    assert "at least one letter and one digit" in page
    response = client.post(
        "/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Kata-Laluan-Panjang",
            "new_password2": "Kata-Laluan-Panjang",
        },
    )
    assert response.status_code == 200
    assert "This password must contain at least one letter and one digit." in response.content.decode()
