"""Device integration fixtures: a real HTTP server on loopback standing in for an agency's device API,
and helpers to build payloads."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import schema_context

KL = ZoneInfo("Asia/Kuala_Lumpur")
MON = date(2025, 11, 17)  # a Monday, no holiday in Selangor


@dataclass
class Reply:
    status: int = 200
    body: bytes = b'{"data": []}'
    delay: float = 0.0
    content_type: str = "application/json"


@dataclass
class DeviceApi:
    """Answers each request with the next queued Reply (the last one repeats)."""

    url: str = ""
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, *replies: Reply) -> None:
        with self.lock:
            self.replies = list(replies)

    def next_reply(self) -> Reply:
        with self.lock:
            if len(self.replies) > 1:
                return self.replies.pop(0)
            return self.replies[0] if self.replies else Reply()


def serve(api: DeviceApi):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            parsed = urlparse(self.path)
            api.requests.append(
                {"path": parsed.path, "query": parse_qs(parsed.query), "headers": dict(self.headers)}
            )
            reply = api.next_reply()
            if reply.delay:
                time.sleep(reply.delay)
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout test)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    api.url = f"http://127.0.0.1:{server.server_address[1]}/attendance"
    return server


@pytest.fixture
def device_api():
    api = DeviceApi()
    server = serve(api)
    yield api
    server.shutdown()
    server.server_close()


@pytest.fixture
def device_api_2():
    api = DeviceApi()
    server = serve(api)
    yield api
    server.shutdown()
    server.server_close()


def records(*rows) -> bytes:
    """rows: (user_id, "YYYY-MM-DD HH:MM:SS", status)."""
    return json.dumps(
        {
            "data": [
                {"user_id": u, "timestamp": t, "status": s, "verify": 1, "work_code": 0} for u, t, s in rows
            ]
        }
    ).encode()


def at(day: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime(day.year, day.month, day.day, h, m, tzinfo=KL)


def configure(agency, url: str, **overrides):
    from tenant_apps.devices import services
    from tenant_apps.devices.models import DeviceIntegration

    with schema_context(agency.schema_name):
        integration = DeviceIntegration.current()
        values = dict(
            enabled=True,
            endpoint_url=url,
            auth_kind="bearer",
            timeout_seconds=2,
            pull_times=["07:00", "22:00"],
        )
        values.update(overrides)
        secret = values.pop("secret", "rahsia-token-123")
        for k, v in values.items():
            setattr(integration, k, v)
        return services.save_settings(integration, secret=secret)


@pytest.fixture
def agency_schema(cast):
    with schema_context(cast.agency.schema_name):
        yield cast
