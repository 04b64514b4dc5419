"""What the base platform asks of the apps built on it, without importing them.

`platform/spotme` is the base: it must not import `tenant_apps` or `shared_apps`. Where a base piece
needs an answer only an app above it has (who may read the agency's audit trail, what a role is
called), the app provides it in its AppConfig.ready() and the base asks by name. A hook nobody
provided is a configuration error, said at once (never a silent default that would open a page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

# The hooks the base asks for, and what each answers.
AUDIT_READER_ON_AGENCY = "audit.reader_on_agency"  # (request) -> bool: may read the agency's trail
AUDIT_READER_ON_APEX = "audit.reader_on_apex"  # (request) -> bool: may read the platform's trail
ROLE_LABELS = "roles.labels"  # () -> {role name: label in the reader's language}

_provided: dict[str, Callable[..., Any]] = {}


def provide(name: str, function: Callable[..., Any]) -> None:
    _provided[name] = function


def ask(name: str, *args, **kwargs):
    try:
        function = _provided[name]
    except KeyError:
        raise ImproperlyConfigured(f"No installed app provides the hook {name!r}.") from None
    return function(*args, **kwargs)
