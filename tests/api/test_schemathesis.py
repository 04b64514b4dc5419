"""Schemathesis over every operation of an agency host (as each role) and of the apex (as an
operator), in process. It fails on any 5xx, any response that breaks its schema and any
schema-violating request that is accepted (spotme.api / spotme.openapi keep those true).

The bounded run is part of `make test` (one positive and one negative example per operation,
derandomized); `make fuzz` runs the long one (SPOTME_FUZZ=1, more examples) and prints the figures
recorded in BENCHMARKS.md. Outbound calls go to loopback fakes: the device API is the loopback
server of tests/devices, and webhook deliveries never leave (each case is rolled back before
the on-commit send)."""

from __future__ import annotations

import logging
import os

import pytest

from tests.devices.conftest import configure, device_api  # noqa: F401 (fixture)
from tests.fixtures.agencies import PASSWORD

from .fuzzing import fuzz

LONG = os.environ.get("SPOTME_FUZZ") == "1"
EXAMPLES = int(os.environ.get("SPOTME_FUZZ_EXAMPLES", "25")) if LONG else 1
AGENCY_ROLES = {
    "officer": "officer_1",
    "supervisor": "supervisor_1",
    "executive": "executive",
    "org_admin": "admin",
}


@pytest.fixture(autouse=True)
def _quiet_request_log():
    """4xx answers are the point here; the request log would print thousands of them."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def _check(report, label: str) -> None:
    print(f"\nschemathesis {label}: {report.summary()}\nstatuses: {dict(report.statuses)}")
    assert report.server_errors == 0 and not report.failures, report.summary()


@pytest.mark.fuzz
@pytest.mark.parametrize("role", list(AGENCY_ROLES))
def test_agency_api_as_each_role(role, cast, client_for, device_api):  # noqa: F811
    configure(cast.agency, device_api.url)  # test-connection and pulls reach the loopback fake only
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS[AGENCY_ROLES[role]], PASSWORD)
    _check(fuzz(client, max_examples=EXAMPLES), f"{cast.agency.schema_name} as {role}")


@pytest.mark.fuzz
def test_apex_api_as_operator(operator_client):
    _check(fuzz(operator_client, max_examples=EXAMPLES), "apex as operator")
