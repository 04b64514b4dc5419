"""A notification's words are stored as their translatable source (the msgid) and parameters, and
rendered when read: in the reader's language, whichever it is then (issue 18, item 9).

A parameter that is itself a translatable label (an issue's name, "Lewat") is stored as
{"msgid": "Late"} and translated at the same time; names, titles and dates are stored as text."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext


def source_of(message: Any) -> str | None:
    """The msgid of a lazy gettext string (gettext_lazy keeps its arguments), else None."""
    if isinstance(message, Promise):
        args = getattr(message, "_args", None)
        if args and isinstance(args[0], str) and len(args) == 1:
            return args[0]
    return None


def stored_params(params: dict[str, Any]) -> dict[str, Any]:
    stored = {}
    for key, value in params.items():
        msgid = source_of(value)
        if msgid is not None:
            stored[key] = {"msgid": msgid}
        elif isinstance(value, int | float):
            stored[key] = value
        else:
            stored[key] = str(value)
    return stored


def _param(value: Any) -> Any:
    if isinstance(value, dict) and "msgid" in value:
        return gettext(value["msgid"])
    return value


def render(template: str, params: dict[str, Any]) -> str:
    text = gettext(template)
    if not params:
        return text
    try:
        return text % {key: _param(value) for key, value in params.items()}
    except (KeyError, ValueError, TypeError):  # a translation that lost a placeholder: the source
        return template % {key: _param(value) for key, value in params.items()}
