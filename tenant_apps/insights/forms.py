from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.organisation.models import OrgUnit

from .stats import GRANULARITIES

MAX_RANGE_DAYS = 366


# Dates the statistics can reason about (year 1 or 9999 would overflow the date arithmetic).
def YEARS(value: date) -> None:  # noqa: N802 (a validator, named like the others' constants)
    if not 2000 <= value.year <= 2100:
        raise forms.ValidationError(_("Choose a date from 2000 to 2100."), code="out_of_range")


class StatsFilter(forms.Form):
    """Date range, org unit and trend granularity of the agency statistics (page and API alike)."""

    start = forms.DateField(
        validators=[YEARS],
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        validators=[YEARS],
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    unit = forms.ModelChoiceField(
        label=_("Organisation unit"), queryset=OrgUnit.objects.none(), required=False
    )
    granularity = forms.ChoiceField(
        label=_("Trend by"),
        required=False,
        choices=[("day", _("Day")), ("week", _("Week")), ("month", _("Month"))],
    )

    def __init__(self, *args, today: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["start"].initial = today.replace(day=1)
        self.fields["end"].initial = today
        self.fields["unit"].queryset = OrgUnit.objects.order_by("path")
        self.fields["unit"].label_from_instance = lambda u: f"{'— ' * u.depth}{u.name}"

    def clean(self):
        data = super().clean()
        end = data.get("end") or self.today
        start = data.get("start") or end.replace(day=1)
        if start > end:
            raise forms.ValidationError(_("The start date must not be after the end date."))
        if (end - start).days >= MAX_RANGE_DAYS:
            raise forms.ValidationError(_("Choose a range of at most 366 days."))
        data["start"], data["end"] = start, end
        if data.get("granularity") not in GRANULARITIES:
            data["granularity"] = "day" if (end - start) <= timedelta(days=62) else "month"
        return data

    def values(self) -> dict:
        """The cleaned filter, or the defaults (this month until today) when the form is invalid."""
        if self.is_bound and self.is_valid():
            d = self.cleaned_data
            return {
                "start": d["start"],
                "end": d["end"],
                "unit": d.get("unit"),
                "granularity": d["granularity"],
            }
        return {"start": self.today.replace(day=1), "end": self.today, "unit": None, "granularity": "day"}


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)

    def chosen(self, default: int) -> int:
        if self.is_valid() and self.cleaned_data.get("year"):
            return self.cleaned_data["year"]
        return default
