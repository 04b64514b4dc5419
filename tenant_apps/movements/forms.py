from __future__ import annotations

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Movement


class MovementForm(forms.Form):
    """Parses the page's input; the rules live in `services.check_movement` (shared with the API)."""

    kind = forms.ChoiceField(label=_("Type"), choices=Movement.Kind.choices)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    whole_day = forms.BooleanField(label=_("Whole day"), required=False)
    start_time = forms.TimeField(
        label=_("Start time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    end_time = forms.TimeField(
        label=_("End time"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    purpose = forms.CharField(label=_("Purpose"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    latitude = forms.DecimalField(
        label=_("Latitude (optional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label=_("Longitude (optional)"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )
    attachment = forms.FileField(
        label=_("Attachment (optional)"),
        required=False,
        help_text=_("For example the invitation letter: PDF, PNG or JPEG, at most 5 MB."),
    )
    change_reason = forms.CharField(
        label=_("Reason for the change"),
        required=False,
        max_length=500,
        help_text=_("Needed once the movement has started."),
    )

    # One key per registration form shown: posting it twice (a double click) registers one movement.
    registration = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["registration"]
        else:
            del self.fields["change_reason"]
            self.fields["registration"].initial = uuid.uuid4().hex

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("change_reason", None)
        data.pop("registration", None)
        if not data.get("attachment"):
            data.pop("attachment", None)  # keep the file already attached
        return data


class CancelForm(forms.Form):
    change_reason = forms.CharField(label=_("Reason"), required=False, max_length=500)


class DecideForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)


class DayForm(forms.Form):
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
