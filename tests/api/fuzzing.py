"""Schemathesis over one host's OpenAPI schema, in process (WSGI), inside the test's transaction.

Each generated request runs in a savepoint that is rolled back, so cases never see each other's
writes, and the connection is put back on the public schema afterwards (as HostClient does)."""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from dataclasses import dataclass, field

import hypothesis
import hypothesis.errors
import schemathesis
import werkzeug
from django.core.signals import request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    negative_data_rejection,
    status_code_conformance,
    content_type_conformance,
]


@dataclass
class FuzzReport:
    operations: int = 0
    cases: int = 0
    statuses: Counter = field(default_factory=Counter)
    failures: dict = field(default_factory=dict)  # (operation, title) -> first example
    timings: dict = field(default_factory=dict)

    @property
    def server_errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if status >= 500)

    def summary(self) -> str:
        lines = [f"{self.operations} operations, {self.cases} cases, {self.server_errors} responses 5xx"]
        for (operation, title), example in sorted(self.failures.items()):
            lines.append(f"- {operation}: {title}\n    {example}")
        return "\n".join(lines)


def fuzz(
    client,
    *,
    max_examples: int,
    seed: int = 17,
    modes=(GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    only: str | None = None,
    report: FuzzReport | None = None,
) -> FuzzReport:
    """Fuzz every operation of the schema served to `client` (a logged-in HostClient)."""
    report = report or FuzzReport()
    raw = client.get("/api/schema/?format=json").json()
    # Who may call what is the permission matrices' business; here every request carries the
    # session, so the security schemes (a required cookie) are not for schemathesis to vary.
    raw.pop("security", None)
    for item in raw["paths"].values():
        for operation in item.values():
            if isinstance(operation, dict):
                operation.pop("security", None)
    schema = schemathesis.openapi.from_dict(raw)
    app = get_wsgi_application()
    # identity: the WSGI transport hands schemathesis the body as sent, and pages and JSON are
    # gzip-compressed for clients that accept it (spotme.middleware.TextGZipMiddleware).
    headers = {"Host": client.host, "Accept-Language": "en", "Accept-Encoding": "identity"}
    # The session's cookies, for the agency's host (schemathesis' own are bound to "localhost").
    browser = werkzeug.Client(app)
    cookies = {name: morsel.value for name, morsel in client.cookies.items()}
    for name, value in cookies.items():
        browser.set_cookie(name, value, domain=client.host)
    if "csrftoken" in cookies:
        headers["X-CSRFToken"] = cookies["csrftoken"]

    def send(case):
        with transaction.atomic():
            try:
                response = case.call(
                    app=app, base_url=f"http://{client.host}", headers=headers, session=browser
                )
            finally:
                transaction.set_rollback(True)
                connection.set_schema_to_public()
        report.cases += 1
        report.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (FailureGroup, Failure) as exc:
            failures = exc.exceptions if isinstance(exc, FailureGroup) else [exc]
            for failure in failures:
                key = (f"{case.method} {case.path}", failure.title)
                if key not in report.failures:
                    body = response.content[:300]
                    report.failures[key] = (
                        f"{response.status_code} {failure.message[:300]!r} query={case.query!r} "
                        f"body={str(case.body)[:200]!r} path={case.path_parameters!r} -> {body!r}"
                    )

    # Django's test client does the same: a request must not close the test's connection.
    request_started.disconnect(close_old_connections)
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            if only and only not in f"{operation.method.upper()} {operation.path}":
                continue
            report.operations += 1
            started = time.monotonic()
            for mode in modes:
                test = hypothesis.given(operation.as_strategy(generation_mode=mode))(send)
                test = hypothesis.settings(
                    max_examples=max_examples,
                    derandomize=True,
                    database=None,
                    deadline=None,
                    phases=[Phase.explicit, Phase.generate],
                    suppress_health_check=list(HealthCheck),
                    verbosity=hypothesis.Verbosity.quiet,
                )(test)
                test._hypothesis_internal_use_seed = seed
                # e.g. a schema that takes anything has nothing negative to send
                with contextlib.suppress(hypothesis.errors.Unsatisfiable):
                    test()
            report.timings[f"{operation.method.upper()} {operation.path}"] = time.monotonic() - started
    finally:
        request_started.connect(close_old_connections)
    return report
