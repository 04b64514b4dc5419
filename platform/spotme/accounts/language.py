"""The language a person chose follows them to every device: it is saved on their account
(User.preferred_language) when they switch, and put back at sign-in.

Django's own switch (django.views.i18n.set_language) only sets a cookie in one browser. Ours does the
same and, for a signed-in user, saves the choice on the account. A choice made on the sign-in page
before signing in is remembered in the session (which survives the login) and, being the newest
choice, is saved on the account at sign-in; without one, the account's language is applied there."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.i18n import set_language as django_set_language

CHOSEN_BEFORE_LOGIN = "spotme_language_chosen"


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
    if supported(code):
        if request.user.is_authenticated:
            save_choice(request.user, code)
        elif hasattr(request, "session"):
            request.session[CHOSEN_BEFORE_LOGIN] = code
    return response


def apply_at_login(request: HttpRequest, user, response: HttpResponse) -> HttpResponse:
    """Called once the user is signed in: the newest choice wins (this device's, made on the sign-in
    page, else the account's), and both the account and this browser end up with it."""
    chosen = request.session.pop(CHOSEN_BEFORE_LOGIN, None) if hasattr(request, "session") else None
    if supported(chosen):
        save_choice(user, chosen)
        code = chosen
    elif supported(user.preferred_language):
        code = user.preferred_language
    else:
        return response
    set_cookie(response, code)
    translation.activate(code)
    return response
