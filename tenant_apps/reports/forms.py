"""The report filters: a month (monthly attendance) or a date range (lateness, issues, tasks), an
organisation unit (with its subtree) and an officer. The same form checks the page's and the API's
query string."""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenant_apps.organisation.models import OrgUnit
from tenant_apps.people.access import Access

from .builders import MONTHLY_KINDS, Kind, Params, month_range

MAX_RANGE_DAYS = 366
FORMATS = ("html", "csv", "xlsx", "pdf")


class ReportForm(forms.Form):
    month = forms.CharField(
        label=_("Month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=_("YYYY-MM"),
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    org_unit = forms.ModelChoiceField(
        label=_("Organisation unit"),
        required=False,
        queryset=OrgUnit.objects.none(),
        help_text=_("Includes the units below it."),
    )
    officer = forms.IntegerField(
        label=_("Officer (number)"), required=False, min_value=1, widget=forms.HiddenInput
    )

    def __init__(self, data, *, kind: str, access: Access):
        super().__init__(data)
        self.kind, self.access = kind, access
        self.fields["org_unit"].queryset = OrgUnit.objects.filter(is_active=True).order_by("path")
        self.fields["org_unit"].label_from_instance = lambda u: ("— " * u.depth) + u.name
        if kind in MONTHLY_KINDS:
            del self.fields["start"], self.fields["end"]
        else:
            self.fields["month"].help_text = _("YYYY-MM; or give a date range below.")
        if kind in (Kind.OFFICER, Kind.AGENCY):
            del self.fields["org_unit"]

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return None
        found = re.fullmatch(r"(\d{4})-(\d{1,2})", value)
        if not found or not 1 <= int(found[2]) <= 12 or int(found[1]) < 2000:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-10."), code="month")
        return date(int(found[1]), int(found[2]), 1)

    def clean_officer(self):
        officer_id = self.cleaned_data.get("officer")
        if officer_id is None:
            return None
        officer = self.access.officers().filter(pk=officer_id).first()
        if officer is None:
            raise forms.ValidationError(_("No such officer among those you may see."), code="officer")
        return officer

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        today = timezone.localdate()
        month = data.get("month")
        start, end = data.get("start"), data.get("end")
        if self.kind in MONTHLY_KINDS or not (start or end):
            start, end = month_range(month or today.replace(day=1))
        elif not (start and end):
            raise forms.ValidationError(_("Give both dates of the range."), code="range")
        if start > end:
            raise forms.ValidationError(_("The start date is after the end date."), code="range")
        if (end - start).days >= MAX_RANGE_DAYS:
            raise forms.ValidationError(
                _("The range may be at most %(days)d days.") % {"days": MAX_RANGE_DAYS}, code="range"
            )
        if self.kind == Kind.OFFICER and data.get("officer") is None and self.access.officer is None:
            raise forms.ValidationError(_("Choose an officer."), code="officer")
        data["start"], data["end"] = start, end
        return data

    def params(self) -> Params:
        d = self.cleaned_data
        return Params(self.kind, d["start"], d["end"], org_unit=d.get("org_unit"), officer=d.get("officer"))
