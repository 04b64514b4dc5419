"""Open-data fixtures: tokens made through the real service, and a real HTTP server on loopback
that receives webhooks (stdlib http.server in a thread) and answers with the codes it is told."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.opendata import services
from tenant_apps.opendata.models import Scope

ALL_SCOPES = [Scope.ATTENDANCE, Scope.OFFICERS, Scope.MOVEMENTS]


def make_token(agency, scopes=ALL_SCOPES, expires_in=timedelta(days=30), name="HRMIS"):
    """(plaintext, ApiToken) in `agency`."""
    with schema_context(agency.schema_name):
        new = services.create_token(name=name, scopes=scopes, expires_at=timezone.now() + expires_in)
    return new.plaintext, new.token


def bearer(token: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes


@dataclass
class Receiver:
    """What the server got, and the status codes it answers with next (then 200)."""

    url: str
    requests: list = field(default_factory=list)
    answers: list = field(default_factory=list)


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            state.requests.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
            code = state.answers.pop(0) if state.answers else 200
            reply = b'{"ok": true}' if code < 300 else b"receiver is down"
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        def log_message(self, *args):  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/spotme"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def in_agency(cast):
    with schema_context(cast.agency.schema_name):
        yield cast


@pytest.fixture
def admin_session(cast, client_for):
    from tests.fixtures.agencies import ADMIN_A, PASSWORD

    client = client_for(cast.agency)
    client.login_as(ADMIN_A, PASSWORD)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks of the block, as if the block were a transaction of its own that
    commits: the fixtures' own (never committed) events are left behind first."""
    from contextlib import contextmanager

    from django.db import transaction

    @contextmanager
    def block():
        transaction.get_connection()._opendata_batch = None
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block
