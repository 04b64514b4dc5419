"""Who, from where, with what: the request's side of every data change django-auditlog records."""

from __future__ import annotations

import contextlib
from functools import partial

from auditlog import get_logentry_model
from auditlog.cid import set_cid
from auditlog.context import _set_extra_data, auditlog_value
from auditlog.middleware import AuditlogMiddleware
from django.db import connection
from django.db.models.signals import pre_save

from spotme.context import request_id_var

from .events import client_ip, user_agent

# Key of the request's schema in auditlog's per-request context. auditlog copies every key that names
# a LogEntry attribute onto the entry; this one names none, so it is only read here.
REQUEST_SCHEMA = "spotme_request_schema"
# The one receiver that fills log entries from the request's context (auditlog's own, connected
# once): django-auditlog's middleware connects and disconnects a receiver on every request, which
# takes the signal's lock twice and empties its receiver cache for every model save in the process.
REQUEST_SIGNAL_DUID = ("spotme.audit", "request")


def _connect_request_receiver() -> None:
    pre_save.connect(
        partial(_set_extra_data, signal_duid=REQUEST_SIGNAL_DUID),
        sender=get_logentry_model(),
        dispatch_uid="spotme.audit.request_context",
        weak=False,
    )


class AuditMiddleware(AuditlogMiddleware):
    """django-auditlog's middleware (actor, client address, correlation id on each change) with the
    client address computed exactly as for authentication events, and the user agent added (a column
    of spotme.audit.LogEntry). Must come after AuthenticationMiddleware.

    No I/O and little work per request: the receiver is connected once, the client address and user
    agent are computed only when an entry is written (auditlog calls callables of the context)."""

    def __init__(self, get_response=None):
        super().__init__(get_response)
        _connect_request_receiver()

    def __call__(self, request):
        set_cid(request)
        data = self.get_extra_data(request)
        data["signal_duid"] = REQUEST_SIGNAL_DUID
        token = auditlog_value.set(data)
        try:
            return self.get_response(request)
        finally:
            auditlog_value.reset(token)

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request):
        # A client-supplied header: out of range, it would make the entry's INSERT (and the change) fail.
        port = AuditlogMiddleware._get_remote_port(request)
        return port if port is not None and 0 <= port <= 65535 else None

    def get_extra_data(self, request):
        return {
            "remote_addr": partial(client_ip, request),
            "remote_port": partial(self._get_remote_port, request),
            "actor": self._get_actor(request),
            "user_agent": partial(user_agent, request),
            REQUEST_SCHEMA: connection.schema_name,
        }


def written_in_request_schema() -> bool:
    """True outside a request, or when the connection is on the schema the request is served from."""
    context = auditlog_value.get(None)
    if not context or REQUEST_SCHEMA not in context:
        return True
    return context[REQUEST_SCHEMA] == connection.schema_name


@contextlib.contextmanager
def outside_request_context():
    """Save log entries as if no request were running: auditlog's pre-save receiver fills an entry
    only when the context's id matches its own, and this context carries none."""
    token = auditlog_value.set({"signal_duid": None})
    try:
        yield
    finally:
        auditlog_value.reset(token)


def request_id() -> str | None:
    """AUDITLOG_CID_GETTER: a change's correlation id is the request id of the JSON logs and Sentry."""
    value = request_id_var.get()
    return None if value == "-" else value[:255]
