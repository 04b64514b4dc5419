from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LocationStatus


class ClockForm(forms.Form):
    direction = forms.ChoiceField(choices=[("in", _("Clock in")), ("out", _("Clock out"))])
    latitude = forms.FloatField(required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(required=False, min_value=-180, max_value=180)
    accuracy = forms.FloatField(required=False, min_value=0, max_value=100_000)
    location_status = forms.ChoiceField(choices=LocationStatus.choices, required=False)
    idempotency_key = forms.CharField(required=False, max_length=64)
    # A punch kept on the phone while offline (offline.py): the phone's clock at the tap and at sending.
    client_time = forms.DateTimeField(required=False)
    sent_at = forms.DateTimeField(required=False)

    def clean(self):
        data = super().clean()
        has_lat, has_lon = data.get("latitude") is not None, data.get("longitude") is not None
        if has_lat != has_lon:
            raise forms.ValidationError(
                _("A location needs both latitude and longitude."), code="half_location"
            )
        return data


class AnswerForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), min_length=5, max_length=2000
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"), required=False, help_text=_("PDF or image, at most 5 MB.")
    )

    def clean_attachment(self):
        f = self.cleaned_data.get("attachment")
        if f:
            if f.size > 5 * 1024 * 1024:
                raise forms.ValidationError(_("The attachment may be at most 5 MB."), code="size")
            name = f.name.lower()
            if not name.endswith((".pdf", ".png", ".jpg", ".jpeg")):
                raise forms.ValidationError(_("Attach a PDF, PNG or JPEG file."), code="type")
        return f


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)
    issues = forms.CharField(widget=forms.HiddenInput, required=False)


class MonthForm(forms.Form):
    m = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False)
