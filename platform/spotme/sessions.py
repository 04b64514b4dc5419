"""The session and the signed-in user, read in the statement that routes the request.

Every request to a host already costs one round trip to PostgreSQL: the one that sets its
`search_path` (tenants/routing.py). That statement also reads the request's session row and the
user it belongs to, so neither costs a round trip of its own, and both are read fresh on every
request: a logout (the row deleted), a password change (the session hash no longer matches), a
deactivated account, an expired session take effect on the very next request in every process,
with nothing cached to invalidate and nothing that a Redis outage could leave stale.

The session row is found by the cookie; its user through the session's `user_id` column
(spotme.accounts.models.Session: Django's session model plus that column, written on every save).
A session saved before the column existed has none: its user is read as Django reads it, with one
more query, until the session is next saved.

`SessionStore` is Django's database store (same table, same format) that takes the prefetched row
instead of reading it again; `get_user` is django.contrib.auth.get_user with the prefetched row in
place of `backend.get_user()`, the session hash verified exactly as Django verifies it.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connection
from django.utils.crypto import constant_time_compare

PREFETCH_ATTRIBUTE = "_spotme_prefetched"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
_KEY_CHARACTERS = frozenset(string.ascii_lowercase + string.digits)


@dataclass(frozen=True)
class Prefetched:
    """What the routing statement read for this request, in the schema it read it from."""

    schema: str
    session_key: str | None
    session_data: str | None  # None: no live session row with that key
    user_id: int | None  # the session row's user_id column, or None
    user_values: tuple | None  # that user's row (concrete fields in order), None if absent


def usable_key(cookie: str | None) -> str | None:
    """The cookie as a session key worth looking up: Django's keys are 32 lower-case letters and
    digits; anything else (too long, a NUL that PostgreSQL would refuse) is no session at all."""
    if cookie and 8 <= len(cookie) <= 40 and _KEY_CHARACTERS.issuperset(cookie):
        return cookie
    return None


class _Row:
    __slots__ = ("session_data",)

    def __init__(self, session_data: str):
        self.session_data = session_data


class SessionStore(DatabaseSessionStore):
    """Django's database sessions (in spotme.accounts.models.Session, which adds the user's id),
    loaded from the routing statement's row when it has one."""

    prefetched: Prefetched | None = None

    @classmethod
    def get_model_class(cls):
        from spotme.accounts.models import Session

        return Session

    def create_model_instance(self, data):
        instance = super().create_model_instance(data)
        try:
            instance.user_id = int(data[SESSION_KEY])
        except (KeyError, TypeError, ValueError):
            instance.user_id = None
        return instance

    def _get_session_from_db(self):
        prefetched, self.prefetched = self.prefetched, None  # once: a later load reads the table
        if (
            prefetched is not None
            and prefetched.session_key == self.session_key
            and prefetched.schema == connection.schema_name
        ):
            if prefetched.session_data is None:
                self._session_key = None  # as Django does for a missing or expired row
                return None
            return _Row(prefetched.session_data)
        return super()._get_session_from_db()


def prime_session(request, store) -> None:
    prefetched = getattr(request, PREFETCH_ATTRIBUTE, None)
    if prefetched is not None and isinstance(store, SessionStore):
        store.prefetched = prefetched


def _user_from_row(prefetched: Prefetched):
    from django.contrib.auth import get_user_model

    model = get_user_model()
    if prefetched.user_values is None:
        return None
    fields = [f.attname for f in model._meta.concrete_fields]
    user = model.from_db(connection.alias, fields, prefetched.user_values)
    # ModelBackend.get_user(): an inactive account is nobody.
    return user if getattr(user, "is_active", True) else None


def get_user(request):
    """django.contrib.auth.get_user(), with the user's row from the routing statement when it is
    the session's user and the session was made by the model backend."""
    from django.contrib.auth.models import AnonymousUser

    session = request.session
    prefetched = getattr(request, PREFETCH_ATTRIBUTE, None)
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = session[BACKEND_SESSION_KEY]
    except KeyError:
        return AnonymousUser()
    if not (
        prefetched is not None
        and prefetched.user_id is not None
        and prefetched.user_id == user_id
        and prefetched.schema == connection.schema_name
        and backend_path == MODEL_BACKEND
        and backend_path in settings.AUTHENTICATION_BACKENDS
    ):
        return auth.get_user(request)
    user = _user_from_row(prefetched)
    if user is None:
        return AnonymousUser()
    # Verify the session, as django.contrib.auth.get_user() does.
    session_hash = session.get(HASH_SESSION_KEY)
    session_auth_hash = user.get_session_auth_hash()
    if session_hash and constant_time_compare(session_hash, session_auth_hash):
        return user
    if session_hash and any(
        constant_time_compare(session_hash, fallback) for fallback in user.get_session_auth_fallback_hash()
    ):
        session.cycle_key()
        session[HASH_SESSION_KEY] = session_auth_hash
        return user
    session.flush()
    return AnonymousUser()
