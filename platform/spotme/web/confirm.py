"""The confirmation step of an irreversible action (approve an application, suspend or archive an
agency, cancel a movement, delete a task-log entry).

The action's form posts as before; its view asks `confirmed(request)` first and, when not yet
confirmed, answers with `confirmation(...)`: a page that says what will happen and re-posts the same
fields with `confirmed=yes`. No JavaScript and no `window.confirm` (works with any browser and
screen reader); the server stays safe on its own: the action is POST-only and CSRF-checked at both
steps, and a request without `confirmed=yes` changes nothing. The API's explicit calls do not ask."""

from __future__ import annotations

from django.shortcuts import render

CONFIRM_FIELD = "confirmed"
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRM_FIELD}


def confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "yes"


def confirmation(
    request,
    *,
    title: str,
    question: str,
    confirm_label: str,
    back_url: str,
    details: list[tuple[str, str]] | None = None,
    warning: str = "",
):
    """The page asking to confirm `request`'s POST: `details` are (label, value) rows describing the
    object; `warning` says what cannot be undone."""
    carried = [
        (name, value)
        for name in request.POST
        if name not in _NOT_CARRIED
        for value in request.POST.getlist(name)
    ]
    return render(
        request,
        "confirm.html",
        {
            "title": title,
            "question": question,
            "confirm_label": confirm_label,
            "back_url": back_url,
            "details": details or [],
            "warning": warning,
            "carried": carried,
            "action": request.path,
            "confirm_field": CONFIRM_FIELD,
        },
    )
