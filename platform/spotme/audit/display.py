"""Audit entries as people read them: labels instead of field names, before → after, local times.

Everything here works from the entry rows alone (actor and content type joined by the query): a page
of entries costs no query per row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from spotme import hooks

from .forms import ACTIONS
from .models import AuthEvent, LogEntry

ACTION_LABELS = dict(ACTIONS)
# Fields holding a language code without declaring choices: shown by the language's name, not "ms".
LANGUAGE_FIELDS = {"preferred_language", "language"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str


def person(user, fallback: str = "") -> tuple[str, str]:
    """(name, login) of a user, or the fallback name when there is none (deleted, or nobody)."""
    if user is None:
        return fallback, ""
    return user.get_full_name(), user.get_username()


def local_time(value: datetime.datetime) -> str:
    """In the agency's time zone and the pages' one format: 07/12/2026 22:09."""
    return date_format(timezone.localtime(value), "d/m/Y H:i")


def _auto_field_labels() -> dict[str, str]:
    """Fields declared without a verbose name get Django's untranslated "officer", "created at":
    their labels for the trail, in the reader's language."""
    return {
        "application": _("Application"),
        "author": _("Author"),
        "colour_green_stays": _("Green stays green at"),
        "colour_green_to_red": _("Green → red at"),
        "colour_red_stays": _("Red stays red at"),
        "colour_yellow_to_green": _("Yellow → green at (non-compliances)"),
        "created_at": _("Created at"),
        "created_by": _("Created by"),
        "decided_at": _("Decided at"),
        "decided_by": _("Decided by"),
        "expected_officers": _("Expected number of officers"),
        "is_primary": _("Primary"),
        "language": _("Language"),
        "last_error": _("Last error"),
        "note": _("Note"),
        "officer": _("Officer"),
        "pattern": _("Working pattern"),
        "reviewed_at": _("Reviewed at"),
        "reviewed_by": _("Reviewed by"),
        "revoked_by": _("Revoked by"),
        "source": _("Source"),
        "status": _("Status"),
        "status_changed_at": _("Status changed at"),
        "task": _("Task"),
        "updated_at": _("Updated at"),
        "uploaded_by": _("Uploaded by"),
        "user": _("User"),
    }


def field_label(field, name: str) -> str:
    if field is None:
        return str(_auto_field_labels().get(name, name))
    if isinstance(field.verbose_name, Promise):  # declared with gettext_lazy: translated already
        return str(capfirst(field.verbose_name))
    return str(_auto_field_labels().get(name) or capfirst(field.verbose_name))


def _model_field(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _value(field, raw) -> str:
    """A recorded value (auditlog stores the text of each value, "None" for none) for reading."""
    if raw is None or raw == "None":
        return ""
    raw = str(raw)
    if field is None:
        return raw
    choices = getattr(field, "flatchoices", None)
    if not choices and field.name in LANGUAGE_FIELDS:
        choices = settings.LANGUAGES
    if choices:
        labels = {str(key): str(label) for key, label in choices}
        return labels.get(raw, raw)
    internal = field.get_internal_type()
    if internal == "BooleanField":
        return _("Yes") if raw == "True" else _("No") if raw == "False" else raw
    if internal == "DateTimeField":
        try:  # recorded as naive UTC
            moment = datetime.datetime.fromisoformat(raw)
        except ValueError:
            return raw
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=datetime.UTC)
        return local_time(moment)
    if internal == "DateField":
        try:
            return date_format(datetime.date.fromisoformat(raw), "d/m/Y")
        except ValueError:
            return raw
    if internal == "TimeField":
        try:
            return datetime.time.fromisoformat(raw).strftime("%H:%M")
        except ValueError:
            return raw
    return raw


def _related_names(field_name: str, names: list[str]) -> str:
    if field_name == "groups":
        labels = hooks.ask(hooks.ROLE_LABELS)
        names = [str(labels.get(n, n)) for n in names]
    return ", ".join(names)


def field_changes(entry: LogEntry) -> list[FieldChange]:
    model = entry.content_type.model_class()
    changes = []
    for name, value in (entry.changes or {}).items():
        field = _model_field(model, name)
        label = field_label(field, name)
        if isinstance(value, dict) and value.get("type") == "m2m":
            names = _related_names(name, value.get("objects", []))
            if value.get("operation") == "add":
                changes.append(FieldChange(label, "", _("added: %(names)s") % {"names": names}))
            else:
                changes.append(FieldChange(label, _("removed: %(names)s") % {"names": names}, ""))
        elif isinstance(value, list | tuple) and len(value) == 2:
            before, after = _value(field, value[0]), _value(field, value[1])
            if before != after:  # e.g. None → "" when an object is created with an empty field
                changes.append(FieldChange(label, before, after))
    return sorted(changes, key=lambda c: c.field)


def changes_text(changes: list[FieldChange]) -> str:
    return "; ".join(f"{c.field}: {c.before or '—'} → {c.after or '—'}" for c in changes)


def object_type(entry: LogEntry) -> str:
    model = entry.content_type.model_class()
    return str(capfirst(model._meta.verbose_name)) if model is not None else entry.content_type.model


@dataclass(frozen=True)
class DataChangeRow:
    entry: LogEntry
    time: str
    actor_name: str
    actor_login: str
    object_type: str
    action: str
    changes: list[FieldChange]

    @classmethod
    def of(cls, entry: LogEntry) -> DataChangeRow:
        name, login = person(entry.actor, entry.actor_email or "")
        return cls(
            entry=entry,
            time=local_time(entry.timestamp),
            actor_name=name,
            actor_login=login,
            object_type=object_type(entry),
            action=str(ACTION_LABELS.get(entry.action, entry.get_action_display())),
            changes=field_changes(entry),
        )

    def csv(self) -> list:
        e = self.entry
        return [
            self.time,
            self.actor_name,
            self.actor_login,
            self.object_type,
            e.object_pk,
            e.object_repr,
            self.action,
            changes_text(self.changes),
            e.remote_addr or "",
            e.user_agent,
            e.cid or "",
        ]


def data_change_header() -> list[str]:
    return [
        _("Time"),
        _("Done by"),
        _("Done by (login)"),
        _("Record type"),
        _("Record ID"),
        _("Record"),
        _("Action"),
        _("Changes (before → after)"),
        _("IP address"),
        _("User agent"),
        _("Request ID"),
    ]


def _detail_labels() -> dict[str, str]:
    return {"forced": _("Required change of a temporary password")}


def details_text(event: AuthEvent) -> str:
    details = dict(event.details or {})
    parts = []
    if "before" in details and "after" in details:
        before, after = details.pop("before"), details.pop("after")
        if event.kind == "role_changed":
            before, after = _related_names("groups", before), _related_names("groups", after)
        parts.append(f"{before or '—'} → {after or '—'}")
    labels = _detail_labels()
    for key, value in sorted(details.items()):
        if isinstance(value, bool):
            value = _("Yes") if value else _("No")
        parts.append(f"{labels.get(key, key)}: {value}")
    return "; ".join(parts)


@dataclass(frozen=True)
class AuthEventRow:
    event: AuthEvent
    time: str
    kind: str
    user_name: str
    actor_name: str
    actor_login: str
    details: str

    @classmethod
    def of(cls, event: AuthEvent) -> AuthEventRow:
        actor_name, actor_login = person(event.actor)
        return cls(
            event=event,
            time=local_time(event.created_at),
            kind=event.get_kind_display(),
            user_name=event.user.get_full_name() if event.user is not None else "",
            actor_name=actor_name,
            actor_login=actor_login,
            details=details_text(event),
        )

    def csv(self) -> list:
        e = self.event
        return [
            self.time,
            e.kind,
            self.kind,
            e.username,
            self.user_name,
            self.actor_name,
            self.actor_login,
            e.ip_address or "",
            e.user_agent,
            self.details,
        ]


def auth_event_header() -> list[str]:
    return [
        _("Time"),
        _("Event code"),
        _("Event"),
        _("User (login)"),
        _("User"),
        _("Done by"),
        _("Done by (login)"),
        _("IP address"),
        _("User agent"),
        _("Details"),
    ]
