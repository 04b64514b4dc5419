"""The language a person chose follows them to every device: it is saved on their account
(User.preferred_language) when they switch, and put back at sign-in.

Django's own switch (django.views.i18n.set_language) only sets a cookie in one browser. Ours does the
same and, for a signed-in user, saves the choice on the account. At sign-in, a browser that carries a
language choice of its own (the cookie: a switch made on this device, e.g. on the sign-in page; it
lasts as long as the browser session) keeps it and the account takes it as the newest choice; a
browser without one gets the account's language."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.i18n import set_language as django_set_language


def supported(code: str | None) -> bool:
    return bool(code) and code in dict(settings.LANGUAGES)


def set_cookie(response: HttpResponse, code: str) -> None:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE or "Lax",
    )


def save_choice(user, code: str) -> None:
    if user.preferred_language != code:
        user.preferred_language = code
        user.save(update_fields=["preferred_language"])


def set_language(request: HttpRequest) -> HttpResponse:
    """The header's language switch (URL name `set_language`); like Django's, only a POST changes
    anything."""
    response = django_set_language(request)
    code = request.POST.get("language") if request.method == "POST" else None
    if supported(code) and request.user.is_authenticated:
        save_choice(request.user, code)
    return response


def apply_at_login(request: HttpRequest, user, response: HttpResponse) -> HttpResponse:
    """Called once the user is signed in: this browser's choice if it has one (saved on the
    account), else the account's (given to this browser)."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if supported(chosen):
        save_choice(user, chosen)
        return response
    if supported(user.preferred_language):
        set_cookie(response, user.preferred_language)
        translation.activate(user.preferred_language)
    return response
