"""Filters of the audit pages. The same form filters the page and its CSV export."""

from __future__ import annotations

import datetime
import re

from django import forms
from django.db.models import Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .models import AuthEventKind, LogEntry
from .tracking import tracked_models

ACTIONS = [
    (LogEntry.Action.CREATE, _("Created")),
    (LogEntry.Action.UPDATE, _("Changed")),
    (LogEntry.Action.DELETE, _("Deleted")),
]
_MYKAD_TYPED = re.compile(r"^[\d-]+$")


class DateInput(forms.DateInput):
    input_type = "date"


def _login_prefix(text: str) -> str:
    """A MyKad number may be typed with dashes (850101-10-5001); usernames hold it without."""
    return text.replace("-", "") if _MYKAD_TYPED.match(text) else text


def _person(prefix: str, text: str) -> Q:
    """`prefix` (a user relation) matches by name, login (MyKad number or operator username) or email."""
    return (
        Q(**{f"{prefix}__full_name__icontains": text})
        | Q(**{f"{prefix}__username__startswith": _login_prefix(text)})
        | Q(**{f"{prefix}__email__iexact": text})
    )


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(label=_("From"), required=False, widget=DateInput)
    date_to = forms.DateField(label=_("To"), required=False, widget=DateInput)
    who = forms.CharField(label=_("Person"), required=False, max_length=100)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    time_field = ""

    def __init__(self, *args, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["who"].help_text = _("Name or username") if public else _("Name or MyKad number")

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return data

    def _time_range(self, queryset: QuerySet) -> QuerySet:
        """Whole days in the platform's time zone, as a range on the indexed time column."""
        d = self.cleaned_data
        tz = timezone.get_current_timezone()
        if d.get("date_from"):
            start = datetime.datetime.combine(d["date_from"], datetime.time.min, tzinfo=tz)
            queryset = queryset.filter(**{f"{self.time_field}__gte": start})
        if d.get("date_to"):
            next_day = d["date_to"] + datetime.timedelta(days=1)
            end = datetime.datetime.combine(next_day, datetime.time.min, tzinfo=tz)
            queryset = queryset.filter(**{f"{self.time_field}__lt": end})
        return queryset

    def apply(self, queryset: QuerySet) -> QuerySet:
        """The filtered queryset; nothing at all when a filter is invalid (never more than was asked)."""
        if not self.is_bound:
            return queryset
        if not self.is_valid():
            return queryset.none()
        return self._filter(self._time_range(queryset), self.cleaned_data)

    def _filter(self, queryset: QuerySet, d: dict) -> QuerySet:
        raise NotImplementedError


class DataChangeFilterForm(AuditFilterForm):
    model = forms.ChoiceField(label=_("Record type"), required=False)
    action = forms.TypedChoiceField(
        label=_("Action"), required=False, coerce=int, empty_value=None, choices=[("", _("All")), *ACTIONS]
    )

    time_field = "timestamp"
    field_order = ["date_from", "date_to", "who", "model", "action", "q"]

    def __init__(self, *args, public: bool = False, **kwargs):
        super().__init__(*args, public=public, **kwargs)
        models = sorted(tracked_models(public=public), key=lambda m: str(m._meta.verbose_name))
        self.fields["model"].choices = [("", _("All"))] + [
            (m._meta.label_lower, capfirst(m._meta.verbose_name)) for m in models
        ]

    def _filter(self, queryset: QuerySet, d: dict) -> QuerySet:
        if who := d["who"].strip():
            queryset = queryset.filter(_person("actor", who))
        if d["model"]:
            app_label, model = d["model"].split(".")
            queryset = queryset.filter(content_type__app_label=app_label, content_type__model=model)
        if d["action"] is not None:
            queryset = queryset.filter(action=d["action"])
        if q := d["q"].strip():
            queryset = queryset.annotate(changes_as_text=Cast("changes", TextField())).filter(
                Q(object_repr__icontains=q)
                | Q(changes_as_text__icontains=q)
                | Q(remote_addr__startswith=q)
                | Q(user_agent__icontains=q)
            )
        return queryset


class AuthEventFilterForm(AuditFilterForm):
    kind = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All")), *AuthEventKind.choices]
    )

    time_field = "created_at"
    field_order = ["date_from", "date_to", "who", "kind", "q"]

    def _filter(self, queryset: QuerySet, d: dict) -> QuerySet:
        if who := d["who"].strip():
            # The account the event is about (also a login name typed at a failed login), or who acted.
            queryset = queryset.filter(
                _person("user", who) | Q(username__startswith=_login_prefix(who)) | _person("actor", who)
            )
        if d["kind"]:
            queryset = queryset.filter(kind=d["kind"])
        if q := d["q"].strip():
            queryset = queryset.annotate(details_as_text=Cast("details", TextField())).filter(
                Q(username__icontains=q)
                | Q(details_as_text__icontains=q)
                | Q(ip_address__startswith=q)
                | Q(user_agent__icontains=q)
            )
        return queryset
