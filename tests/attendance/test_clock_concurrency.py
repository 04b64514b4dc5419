"""Simultaneous punches of one officer-day: real threads, each on its own database connection, all
released at once (a phone on a flaky connection plus a double tap). Every punch becomes exactly one
event, the day's record is computed from all of them and each issue exists once."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from tenant_apps.attendance import services
from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue, ClockEvent
from tests.fixtures.attendance import INSIDE, at

MON = date(2025, 11, 17)
N = 20


def punch_together(schema: str, officer, direction: str, times: list, *, by_user: bool) -> list:
    """Each punch in its own thread and connection, released together; returns the exceptions."""
    barrier = threading.Barrier(len(times))
    errors: list = []

    def one(n: int, when) -> None:
        try:
            with schema_context(schema):
                barrier.wait(timeout=60)
                services.clock(
                    None if by_user else officer,
                    direction,
                    position=INSIDE,
                    now=when,
                    idempotency_key=f"{direction}-{n}",
                    user=officer.user if by_user else None,
                )
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(n, t)) for n, t in enumerate(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return errors


@pytest.mark.parametrize("by_user", [False, True], ids=["officer", "signed-in-user"])
def test_simultaneous_first_clock_ins_become_one_consistent_day(committed_officer, by_user):
    schema, officer = committed_officer
    times = [at(MON, "09:20") + timedelta(seconds=n) for n in reversed(range(N))]
    assert punch_together(schema, officer, "in", times, by_user=by_user) == []
    with schema_context(schema):
        assert ClockEvent.objects.filter(officer=officer).count() == N
        record = AttendanceDay.objects.get(officer=officer, date=MON)
        assert record.first_in == min(times) and record.late_minutes == 20 and "lewat" in record.codes
        issues = AttendanceIssue.objects.filter(officer=officer, date=MON)
        assert [(i.code, i.status) for i in issues] == [("lewat", "open")]


def test_simultaneous_clock_outs_become_one_consistent_day(committed_officer):
    schema, officer = committed_officer
    with schema_context(schema):
        services.clock(officer, "in", position=INSIDE, now=at(MON, "08:00"), idempotency_key="in")
    times = [at(MON, "16:00") + timedelta(minutes=n) for n in range(N)]
    assert punch_together(schema, officer, "out", times, by_user=True) == []
    with schema_context(schema):
        assert ClockEvent.objects.filter(officer=officer, direction="out").count() == N
        record = AttendanceDay.objects.get(officer=officer, date=MON)
        assert (record.first_in, record.last_out) == (at(MON, "08:00"), max(times))
        issues = AttendanceIssue.objects.filter(officer=officer, date=MON)
        assert [(i.code, i.status) for i in issues] == [("pulang_awal", "open")]
