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


def login_form_class(request):
    """Operators log in with a username on the apex; agency people with their MyKad number."""
    if request.tenant.is_public:
        return OperatorAuthenticationForm
    return MyKadAuthenticationForm


class MyKadPasswordResetForm(forms.Form):
    username = forms.CharField(
        label=_("MyKad number"),
        max_length=14,
        widget=forms.TextInput(attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "username"}),
    )

    def clean_username(self) -> str:
        return normalise_mykad(self.cleaned_data["username"])


class OperatorPasswordResetForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].strip()


def password_reset_form_class(request):
    if request.tenant.is_public:
        return OperatorPasswordResetForm
    return MyKadPasswordResetForm


class TotpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autofocus": True, "inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}
        ),
    )

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].split())
        if not code.isdigit() or len(code) not in (6, 8):
            raise forms.ValidationError(_("Enter the 6-digit code."), code="totp_format")
        return code


class LoginCodeForm(TotpCodeForm):
    """A code from the app, or one of the backup codes (spotme.accounts.backup_codes)."""

    code = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        max_length=24,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code", "size": 12}),
    )

    def clean_code(self) -> str:
        from .backup_codes import looks_like, normalise

        value = self.cleaned_data["code"]
        if looks_like(value):
            return normalise(value)
        code = "".join(value.split())
        if not code.isdigit() or len(code) not in (6, 8):
            raise forms.ValidationError(
                _("Enter the 6-digit code from your app, or a backup code."), code="totp_format"
            )
        return code
