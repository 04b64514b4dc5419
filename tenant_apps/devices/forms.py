"""Forms of the Integrasi Peranti pages (the API validates with the same `clean_*` helpers)."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from tenant_apps.people.models import Officer

from .models import AuthKind, DeviceIntegration

TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
HEADER_RE = re.compile(r"^[A-Za-z0-9-]{1,100}$")
PARAM_RE = re.compile(r"^[A-Za-z0-9_.\-\[\]]{1,50}$")


def clean_pull_times(value) -> list[str]:
    """ "07:00, 22:00" or a list → ["07:00", "22:00"]; one to eight times a day."""
    items = value if isinstance(value, list) else re.split(r"[,\s]+", value or "")
    times = sorted({str(t).strip() for t in items if str(t).strip()})
    bad = [t for t in times if not TIME_RE.match(t)]
    if bad:
        raise ValidationError(_("Use 24-hour times such as 07:00, separated by commas."), code="pull_times")
    if len(times) > 8:
        raise ValidationError(_("At most eight pulls a day."), code="pull_times")
    return times


def clean_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValidationError(_("Unknown time zone, e.g. Asia/Kuala_Lumpur."), code="timezone") from exc
    return value


def clean_header(value: str) -> str:
    if value and not HEADER_RE.match(value):
        raise ValidationError(_("A header name has only letters, digits and hyphens."), code="header")
    if value.lower() in {"host", "content-length", "cookie", "transfer-encoding"}:
        raise ValidationError(_("This header cannot be used."), code="header")
    return value


def clean_param(value: str) -> str:
    if not PARAM_RE.match(value or ""):
        raise ValidationError(_("Use letters, digits, _ . - [ ] only."), code="param")
    return value


class IntegrationForm(forms.ModelForm):
    endpoint_url = forms.URLField(
        label=_("Endpoint URL"), required=False, max_length=500, assume_scheme="https"
    )
    pull_times_text = forms.CharField(
        label=_("Pull times"),
        initial="07:00, 22:00",
        help_text=_("Local times of the agency, separated by commas (default 07:00, 22:00)."),
    )
    secret = forms.CharField(
        label=_("Token"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Stored encrypted and never shown again. Leave empty to keep the stored one."),
    )
    clear_secret = forms.BooleanField(label=_("Remove the stored token"), required=False)

    class Meta:
        model = DeviceIntegration
        fields = [
            "enabled",
            "endpoint_url",
            "auth_kind",
            "auth_header",
            "since_param",
            "until_param",
            "window_format",
            "overlap_minutes",
            "timeout_seconds",
            "payload_format",
            "records_path",
            "field_user_id",
            "field_timestamp",
            "field_status",
            "field_verify",
            "field_work_code",
            "device_timezone",
            "user_id_mapping",
            "direction_mode",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["pull_times_text"] = ", ".join(self.instance.pull_times or [])
        order = [*self.Meta.fields[:4], "secret", "clear_secret", *self.Meta.fields[4:], "pull_times_text"]
        order.insert(order.index("device_timezone") + 1, order.pop(order.index("pull_times_text")))
        self.order_fields(order)

    def clean_pull_times_text(self):
        return clean_pull_times(self.cleaned_data["pull_times_text"])

    def clean_device_timezone(self):
        return clean_timezone(self.cleaned_data["device_timezone"])

    def clean_auth_header(self):
        return clean_header(self.cleaned_data["auth_header"])

    def clean_since_param(self):
        return clean_param(self.cleaned_data["since_param"])

    def clean_until_param(self):
        return clean_param(self.cleaned_data["until_param"])

    def clean(self):
        data = super().clean()
        if data.get("auth_kind") == AuthKind.HEADER and not data.get("auth_header"):
            self.add_error("auth_header", _("Name the header that carries the key."))
        self.instance.pull_times = data.get("pull_times_text") or []
        return data


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Device log file"),
        help_text=_("ZKTeco attendance log (.dat / .txt, ATTLOG) or CSV, at most 50 MB."),
        allow_empty_file=True,
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: only check the file, import nothing"), required=False, initial=True
    )


class MapForm(forms.Form):
    device_user_id = forms.CharField(label=_("Device user ID"), max_length=64)
    officer_mykad = forms.CharField(
        label=_("Officer's MyKad number"), max_length=14, help_text=_("12 digits, with or without dashes.")
    )

    def __init__(self, *args, officers=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.officers = officers if officers is not None else Officer.objects.none()

    def clean_officer_mykad(self):
        mykad = self.cleaned_data["officer_mykad"].replace("-", "").replace(" ", "")
        officer = self.officers.filter(user__username=mykad).first()
        if officer is None:
            raise ValidationError(_("No officer of this agency has this MyKad number."), code="officer")
        self.cleaned_data["officer"] = officer
        return mykad
