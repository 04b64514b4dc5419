"""Forms of the attendance configuration pages (org admin) and of the pattern requests.

Field parsing lives here; the rules live in `config.check_*`, run by `ServiceChecked` after the
model's own validation so that every error of a submission shows at once."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from spotme.web.forms import apply_errors
from tenant_apps.organisation.models import AgencyProfile, OrgUnit

from . import config, rules
from .models import Arrangement, HolidayOverride, Leave, LeaveType, OfficeSite, Policy, WorkingPattern

HALF_CHOICES = [
    (rules.Half.FULL.value, _("Full day")),
    (rules.Half.AM.value, _("Morning only")),
    (rules.Half.PM.value, _("Afternoon only")),
]
KIND_CHOICES = [
    (rules.PatternKind.FIXED.value, _("Fixed hours")),
    (rules.PatternKind.SHIFT.value, _("Shift (may cross midnight)")),
    (rules.PatternKind.FLEXI.value, _("Flexible start (like WBF)")),
]
WEEKDAY_CHOICES = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


class ServiceChecked:
    """A ModelForm whose instance, once the model validated it, also passes a `config.check_*`."""

    def check(self, instance) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def _post_clean(self):
        super()._post_clean()
        if not self._errors:
            try:
                self.check(self.instance)
            except ValidationError as exc:
                apply_errors(self, exc)


class CoordinateField(forms.DecimalField):
    """Maps and phones give 7+ decimals; the model keeps 6 (about 10 cm)."""

    def clean(self, value):
        value = super().clean(value)
        return value.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP) if value is not None else value


class UnitChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, unit: OrgUnit) -> str:
        return "\u2003" * unit.depth + unit.name


class OfficeSiteForm(ServiceChecked, forms.ModelForm):
    latitude = CoordinateField(label=_("Latitude"), min_value=-90, max_value=90, help_text=_("e.g. 2.926400"))
    longitude = CoordinateField(
        label=_("Longitude"), min_value=-180, max_value=180, help_text=_("e.g. 101.696400")
    )
    radius_m = forms.IntegerField(
        label=_("Radius (metres)"),
        min_value=20,
        max_value=5000,
        help_text=_("20 to 5,000 metres. A clock-in inside this circle counts as in the office."),
    )
    org_units = UnitChoiceField(
        label=_("Organisation units"),
        queryset=OrgUnit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The location applies to officers of these units and their sub-units. None: everyone."),
    )

    class Meta:
        model = OfficeSite
        fields = ["name", "latitude", "longitude", "radius_m", "org_units"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org_units"].queryset = OrgUnit.objects.filter(is_active=True).order_by("path")

    def check(self, site):
        config.check_site(site)


class WorkingPatternForm(ServiceChecked, forms.ModelForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=KIND_CHOICES)

    class Meta:
        model = WorkingPattern
        fields = [
            "code",
            "name",
            "kind",
            "start",
            "latest_start",
            "duration_minutes",
            "short_day_minutes",
            "late_grace_minutes",
            "is_active",
        ]
        widgets = {"start": TimeInput, "latest_start": TimeInput}
        help_texts = {
            "code": _("Short and unique, e.g. SHIFT-M."),
            "start": _("Fixed and shift patterns: the start. Flexible: the earliest start that counts."),
            "duration_minutes": _("9 hours = 540. A shift starting 20:00 for 540 minutes ends 05:00."),
            "short_day_minutes": _("Optional: Thursday in Friday–Saturday-weekend states (7.5 hours = 450)."),
        }

    def clean_code(self):
        return (self.cleaned_data.get("code") or "").strip().upper()

    def check(self, pattern):
        config.check_pattern(pattern)


class PolicyForm(ServiceChecked, forms.ModelForm):
    weekend_days = forms.TypedMultipleChoiceField(
        label=_("Weekend days"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the state's weekend (it follows the state's own changes)."),
    )
    default_pattern = forms.ModelChoiceField(
        label=_("Default pattern"), queryset=WorkingPattern.objects.none()
    )

    class Meta:
        model = Policy
        fields = list(Policy.EDITABLE_FIELDS)
        widgets = {"effective_from": DateInput, "ramadan_start": DateInput, "ramadan_end": DateInput}
        labels = {
            "issue_cutoff_day": _("Cut-off day for deciding reasons"),
            "colour_yellow_to_green": _("Yellow → green at (non-compliances)"),
            "colour_green_to_red": _("Green → red at"),
            "colour_green_stays": _("Green stays green at"),
            "colour_red_stays": _("Red stays red at"),
        }
        help_texts = {
            "effective_from": _("Tomorrow at the earliest. Versions already in force cannot change."),
            "ramadan_start": _("Optional: Ramadan hours (rest and day 30 minutes shorter), on approval."),
            "issue_cutoff_day": _(
                "Day of the following month (1–28) after which undecided reasons count as rejected."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_pattern"].queryset = config.active_patterns()

    def check(self, policy):
        config.check_policy(policy)


class HolidayOverrideForm(ServiceChecked, forms.ModelForm):
    class Meta:
        model = HolidayOverride
        fields = ["date", "name", "action"]
        widgets = {"date": DateInput, "action": forms.RadioSelect}
        help_texts = {"name": _("Not needed to mark a state holiday as a working day.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False

    def check(self, override):
        config.check_holiday_override(override, state=AgencyProfile.current().state)


class LeaveForm(ServiceChecked, forms.ModelForm):
    half = forms.ChoiceField(label=_("Part of day"), choices=HALF_CHOICES, initial=rules.Half.FULL.value)
    leave_type = forms.ChoiceField(label=_("Type"), choices=LeaveType.choices)

    class Meta:
        model = Leave
        fields = ["leave_type", "start_date", "end_date", "half", "note"]
        widgets = {"start_date": DateInput, "end_date": DateInput}
        labels = {"note": _("Note")}

    def check(self, leave):
        config.check_leave(leave)


class ArrangementForm(ServiceChecked, forms.ModelForm):
    half = forms.ChoiceField(
        label=_("Part of day"),
        choices=HALF_CHOICES,
        initial=rules.Half.FULL.value,
        help_text=_("Half days: work from home on a single day only."),
    )

    class Meta:
        model = Arrangement
        fields = ["kind", "start_date", "end_date", "half", "note"]
        widgets = {"start_date": DateInput, "end_date": DateInput}
        labels = {"note": _("Note (e.g. approval reference)")}
        help_texts = {"end_date": _("Pregnancy: the approved end date or the start of maternity leave.")}

    def check(self, arrangement):
        config.check_arrangement(arrangement)


class MonthField(forms.CharField):
    """A month as YYYY-MM (the browser's month input)."""

    widget = forms.TextInput(attrs={"type": "month", "pattern": r"\d{4}-\d{2}", "placeholder": "YYYY-MM"})

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        month = config.parse_month(value)
        if month is None:
            raise ValidationError(_("Give the month as YYYY-MM."), code="invalid")
        return month


class OfficerPatternForm(forms.Form):
    month = MonthField(label=_("Month"))
    pattern = forms.ModelChoiceField(
        label=_("Pattern"),
        queryset=WorkingPattern.objects.none(),
        required=False,
        empty_label=_("The policy's default"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pattern"].queryset = config.active_patterns()

    def clean(self):
        data = super().clean()
        if data.get("month") is not None:
            try:
                config.check_month(data["month"])
            except ValidationError as exc:
                apply_errors(self, exc)
        return data


class PatternRequestForm(forms.Form):
    month = forms.TypedChoiceField(label=_("Month"), coerce=config.parse_month, choices=())
    pattern = forms.ModelChoiceField(label=_("Pattern"), queryset=WorkingPattern.objects.none())
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), min_length=5, max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [
            (f"{m:%Y-%m}", date_format(m, "F Y")) for m in config.request_months()
        ]
        self.fields["pattern"].queryset = config.active_patterns()


class PatternDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, required=False)
