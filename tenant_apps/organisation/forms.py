from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AgencyProfile

MAX_LOGO_BYTES = 1024 * 1024
RETENTION_FIELDS = (
    "token_use_retention_days", "webhook_delivery_retention_days", "notification_retention_days"
)


class AgencySettingsForm(forms.ModelForm):
    class Meta:
        model = AgencyProfile
        fields = [
            "name",
            "logo",
            "state",
            "timezone",
            "geofence_mode",
            "no_location_mode",
            "supervisor_sees_chain",
            "failed_login_limit",
            "lockout_minutes",
            "idle_timeout_minutes",
            "require_totp_for_admins",
            "task_log_edit_days",
            "offline_punch_window_hours",
            "token_use_retention_days",
            "webhook_delivery_retention_days",
            "notification_retention_days",
        ]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "size") and logo.size > MAX_LOGO_BYTES:
            raise forms.ValidationError(_("The logo may be at most 1 MB."), code="logo_size")
        return logo

    def clean_timezone(self) -> str:
        import zoneinfo

        value = self.cleaned_data["timezone"]
        if value not in zoneinfo.available_timezones():
            raise forms.ValidationError(_("Unknown time zone."), code="timezone")
        return value

    def clean_no_location_mode(self) -> str:
        # Left out of a form posted by an older page or client: keep the current value.
        return self.cleaned_data.get("no_location_mode") or self.instance.no_location_mode

    def clean_failed_login_limit(self) -> int:
        value = self.cleaned_data["failed_login_limit"]
        if not 1 <= value <= 10:
            raise forms.ValidationError(_("Choose between 1 and 10 attempts."), code="limit")
        return value

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out of a form posted by an older page or client: keep the current value.
        self.fields["task_log_edit_days"].required = False
        self.fields["no_location_mode"].required = False
        self.fields["offline_punch_window_hours"].required = False
        for name in RETENTION_FIELDS:
            self.fields[name].required = False

    def _clean_retention(self, name: str) -> int:
        value = self.cleaned_data[name]
        if value is None:  # not posted: keep the current value (or the default)
            return getattr(self.instance, name) if self.instance.pk else AgencyProfile._meta.get_field(
                name
            ).default
        if value > 3650:
            raise forms.ValidationError(_("Choose at most 3650 days (0: keep for ever)."), code="retention")
        return value

    def clean_token_use_retention_days(self) -> int:
        return self._clean_retention("token_use_retention_days")

    def clean_webhook_delivery_retention_days(self) -> int:
        return self._clean_retention("webhook_delivery_retention_days")

    def clean_notification_retention_days(self) -> int:
        return self._clean_retention("notification_retention_days")

    def clean_task_log_edit_days(self) -> int:
        value = self.cleaned_data["task_log_edit_days"]
        if value is None:
            return self.instance.task_log_edit_days if self.instance.pk else 3
        if not 0 <= value <= 31:
            raise forms.ValidationError(_("Choose between 0 and 31 days."), code="task_log_days")
        return value

    def clean_offline_punch_window_hours(self) -> int:
        value = self.cleaned_data["offline_punch_window_hours"]
        if value is None:  # not posted (an older page or client): keep the current value
            return self.instance.offline_punch_window_hours if self.instance.pk else 72
        if not 1 <= value <= 720:
            raise forms.ValidationError(_("Choose between 1 and 720 hours (30 days)."), code="offline_window")
        return value

    def clean_idle_timeout_minutes(self) -> int:
        value = self.cleaned_data["idle_timeout_minutes"]
        if not 5 <= value <= 480:
            raise forms.ValidationError(_("Choose between 5 and 480 minutes."), code="idle")
        return value
