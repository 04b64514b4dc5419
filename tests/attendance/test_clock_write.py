"""The clock-in's one-statement write leaves exactly the rows the ORM path would."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tenant_apps.attendance import agency_config, services
from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue, ClockEvent
from tests.fixtures.attendance import INSIDE, OUTSIDE, at

MON = date(2025, 11, 17)
ROW = [f.attname for f in AttendanceDay._meta.concrete_fields if f.name not in ("id", "updated_at")]


def row(record):
    return {name: getattr(record, name) for name in ROW}


def statements(ctx):
    """The statements sent, without the transaction's own (a savepoint here, inside the test's
    transaction; BEGIN and COMMIT in production, which Django's query log does not show)."""
    return [
        q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SET ", "SAVEPOINT", "RELEASE"))
    ]


def test_clock_in_writes_what_a_recompute_would(cast, office):
    with schema_context(cast.agency.schema_name):
        o = cast.officer_1
        agency_config.current()
        with CaptureQueriesContext(connection) as ctx:
            event = services.clock(o, "in", position=INSIDE, now=at(MON, "09:20"), idempotency_key="k1")
        # The officer-day's lock, the day's read and one write, in one transaction (the lock
        # serialises simultaneous punches of the officer-day: test_clock_concurrency.py).
        assert len(statements(ctx)) == 3, statements(ctx)
        assert statements(ctx)[0].startswith("SELECT pg_advisory_xact_lock(")
        stored = ClockEvent.objects.get(pk=event.pk)
        assert (stored.at, stored.direction, stored.attendance_date, stored.inside, stored.site_id) == (
            at(MON, "09:20"),
            "in",
            MON,
            True,
            office.pk,
        )
        assert stored.created_at is not None and stored.idempotency_key == "k1"
        written = AttendanceDay.objects.get(officer=o, date=MON)
        assert written.codes == ["hadir", "lewat"] and written.late_minutes == 20
        issue = AttendanceIssue.objects.get(officer=o, date=MON)
        assert issue.code == "lewat" and issue.status == "open"
        before = row(written)
        services.recompute_day(o, MON)  # the ORM path finds nothing to change
        assert row(AttendanceDay.objects.get(officer=o, date=MON)) == before
        assert AttendanceIssue.objects.filter(officer=o, date=MON).count() == 1


def test_second_punch_updates_the_record_and_a_replay_writes_nothing(cast, office):
    with schema_context(cast.agency.schema_name):
        o = cast.officer_1
        first = services.clock(o, "in", position=INSIDE, now=at(MON, "08:00"), idempotency_key="a")
        out = services.clock(o, "out", position=INSIDE, now=at(MON, "17:05"), idempotency_key="b")
        record = AttendanceDay.objects.get(officer=o, date=MON)
        assert (record.first_in, record.last_out, record.primary) == (
            at(MON, "08:00"),
            at(MON, "17:05"),
            "hadir",
        )
        assert record.worked_minutes > 0 and out.pk != first.pk
        again = services.clock(o, "out", position=INSIDE, now=at(MON, "17:30"), idempotency_key="b")
        assert again.pk == out.pk and again.replayed
        assert ClockEvent.objects.filter(officer=o).count() == 2
        assert AttendanceDay.objects.get(officer=o, date=MON).last_out == at(MON, "17:05")


def test_early_out_then_back_withdraws_the_issue_in_the_same_write(cast, office):
    with schema_context(cast.agency.schema_name):
        o = cast.officer_1
        services.clock(o, "in", position=INSIDE, now=at(MON, "08:00"))
        services.clock(o, "out", position=INSIDE, now=at(MON, "16:00"))
        assert AttendanceIssue.objects.get(officer=o, date=MON, code="pulang_awal").status == "open"
        services.clock(o, "out", position=INSIDE, now=at(MON, "17:10"))
        assert AttendanceIssue.objects.get(officer=o, date=MON, code="pulang_awal").status == "withdrawn"


def test_outside_punch_writes_and_notifies_together(cast, office):
    from tenant_apps.notifications.models import Notification

    with schema_context(cast.agency.schema_name):
        o = cast.officer_1
        services.clock(o, "in", position=OUTSIDE, now=at(MON, "08:00"))
        assert AttendanceDay.objects.get(officer=o, date=MON).codes == ["hadir", "luar_kawasan"]
        assert Notification.objects.filter(recipient=cast.supervisor_1.user).count() == 1


def test_the_save_signals_are_sent_as_the_orm_would(cast, office):
    from django.db.models.signals import post_save

    seen = []

    def record(sender, instance, created, **kwargs):
        seen.append((sender.__name__, created, instance.pk is not None))

    post_save.connect(record, dispatch_uid="test-clock-write")
    try:
        with schema_context(cast.agency.schema_name):
            services.clock(cast.officer_1, "in", position=INSIDE, now=at(MON, "09:20"))
            services.clock(cast.officer_1, "out", position=INSIDE, now=at(MON, "18:00"))
    finally:
        post_save.disconnect(dispatch_uid="test-clock-write")
    assert seen == [
        ("ClockEvent", True, True),
        ("AttendanceDay", True, True),
        ("AttendanceIssue", True, True),
        ("ClockEvent", True, True),
        ("AttendanceDay", False, True),
    ]
