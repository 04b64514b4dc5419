from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.people.models import Officer

from .models import MINUTES_PER_DAY, Priority, Status, Task


class OfficerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Officer) -> str:
        return obj.name


class LogEntryForm(forms.Form):
    """One entry of the daily log. Time is entered as hours and minutes, stored as minutes."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    description = forms.CharField(
        label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    hours = forms.IntegerField(label=_("Hours"), min_value=0, max_value=24, initial=0)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=0, max_value=59, initial=0)
    task = forms.ModelChoiceField(
        label=_("Board task (optional)"), queryset=Task.objects.none(), required=False
    )

    def __init__(self, *args, officer: Officer, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = (
            Task.objects.filter(assignees=officer).exclude(status=Status.CANCELLED).order_by("title")
        )

    def clean(self):
        data = super().clean()
        total = (data.get("hours") or 0) * 60 + (data.get("minutes") or 0)
        if "hours" in data and "minutes" in data and not 1 <= total <= MINUTES_PER_DAY:
            self.add_error(
                "minutes",
                forms.ValidationError(
                    _("Time spent is between 1 minute and 24 hours (1440 minutes)."), code="minutes"
                ),
            )
        data["total_minutes"] = total
        return data


class ReviewForm(forms.Form):
    officer = forms.IntegerField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.HiddenInput)
    period = forms.ChoiceField(choices=[("day", _("Day")), ("week", _("Week"))], widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), max_length=2000, required=False)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    assignees = OfficerChoiceField(
        label=_("Assign to"),
        queryset=Officer.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for a task of your own."),
    )

    def __init__(self, *args, assignable, **kwargs):
        super().__init__(*args, **kwargs)
        # The person's supervisees and themself (and, when editing, whoever is already on the task);
        # the service checks the same rule again for the API.
        self.fields["assignees"].queryset = assignable


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), help_text=_("PDF, image or office document, at most 10 MB."))


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
