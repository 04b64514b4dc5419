"""A clock-in stored, then the database gone before the session is saved (the soak benchmark's
PostgreSQL restart): the officer must hear that the punch is recorded, not 400 "session
interrupted". A failed view's answer is left as it was."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.sessions.exceptions import SessionInterrupted
from django.http import HttpResponse
from django.test import RequestFactory

from spotme.middleware import SessionMiddleware
from spotme.sessions import SessionStore

pytestmark = pytest.mark.django_db


def session_key() -> str:
    store = SessionStore()
    store["_auth_user_id"] = "1"
    store.save()
    return store.session_key


def view_that_loses_its_session(status: int):
    def view(request):
        request.session["seen"] = 1  # the idle-timeout clock moves: the session must be saved
        SessionStore(session_key=request.session.session_key).delete()  # its row is gone meanwhile
        return HttpResponse(status=status)

    return view


def request_with(key: str):
    return RequestFactory().post(
        "/api/v1/attendance/clock/", HTTP_COOKIE=f"{settings.SESSION_COOKIE_NAME}={key}"
    )


def test_a_success_stands_when_the_session_cannot_be_saved():
    response = SessionMiddleware(view_that_loses_its_session(201))(request_with(session_key()))
    assert response.status_code == 201


def test_a_failure_is_not_hidden():
    with pytest.raises(SessionInterrupted):
        SessionMiddleware(view_that_loses_its_session(409))(request_with(session_key()))


def test_djangos_own_middleware_would_have_turned_the_success_into_an_error():
    from django.contrib.sessions.middleware import SessionMiddleware as Django

    with pytest.raises(SessionInterrupted):
        Django(view_that_loses_its_session(201))(request_with(session_key()))
