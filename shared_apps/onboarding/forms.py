from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from spotme.accounts.mykad import normalise_mykad, validate_mykad
from tenants.subdomains import normalise_subdomain, subdomain_in_use, validate_subdomain_format

from .models import AgencyApplication

PHONE_RE = re.compile(r"^(\+?60|0)\d{8,10}$")


def clean_phone(value: str) -> str:
    phone = re.sub(r"[\s()-]", "", value or "")
    if not PHONE_RE.match(phone):
        raise ValidationError(
            _("Enter a Malaysian phone number, e.g. 03-8000 8000 or 012-345 6789."), code="phone"
        )
    return phone


class AgencyApplicationForm(forms.ModelForm):
    admin_mykad = forms.CharField(
        label=_("Administrator's MyKad number"),
        max_length=14,
        help_text=_("12 digits, with or without dashes."),
    )

    class Meta:
        model = AgencyApplication
        fields = [
            "agency_name",
            "ministry",
            "state",
            "expected_officers",
            "subdomain",
            "admin_name",
            "admin_mykad",
            "admin_email",
            "admin_phone",
        ]
        help_texts = {
            "subdomain": _(
                "Your agency's address will be <subdomain>.<platform domain>. "
                "Lowercase letters, digits and hyphens."
            ),
            "state": _("Where the agency's headquarters is: it sets the weekend and public holidays."),
        }

    def clean_agency_name(self) -> str:
        name = " ".join(self.cleaned_data["agency_name"].split())
        if len(name) < 3:
            raise ValidationError(_("Enter the agency's full name."), code="agency_name")
        return name

    def clean_expected_officers(self) -> int:
        value = self.cleaned_data["expected_officers"]
        if value < 1 or value > 500_000:
            raise ValidationError(_("Enter a number of officers between 1 and 500,000."), code="officers")
        return value

    def clean_subdomain(self) -> str:
        subdomain = normalise_subdomain(self.cleaned_data["subdomain"])
        validate_subdomain_format(subdomain)
        if subdomain_in_use(subdomain):
            raise ValidationError(
                _("The subdomain “%(value)s” is already taken."),
                code="subdomain_taken",
                params={"value": subdomain},
            )
        return subdomain

    def clean_admin_mykad(self) -> str:
        number = normalise_mykad(self.cleaned_data["admin_mykad"])
        validate_mykad(number)
        return number

    def clean_admin_phone(self) -> str:
        return clean_phone(self.cleaned_data["admin_phone"])


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for rejection"),
        widget=forms.Textarea(attrs={"rows": 3}),
        min_length=10,
        max_length=2000,
        help_text=_("The applicant receives this reason by email."),
    )


class ApplicationFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        from spotme.malaysia import State

        from .models import ApplicationStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All"))] + list(ApplicationStatus.choices)
        self.fields["state"].choices = [("", _("All"))] + list(State.choices)
