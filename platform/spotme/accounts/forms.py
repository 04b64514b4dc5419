from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .mykad import normalise_mykad


class MyKadAuthenticationForm(AuthenticationForm):
    """Agency login: the username is the officer's 12-digit MyKad number (dashes allowed)."""

    username = forms.CharField(
        label=_("MyKad number"),
        max_length=14,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The MyKad number or password is incorrect."),
    }

    def clean_username(self) -> str:
        return normalise_mykad(self.cleaned_data["username"])


class OperatorAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("The username or password is incorrect."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
