"""The clock-in's read and write are prepared statements (spotme/db.py): prepared once on a
connection, then reused by every agency that connection serves. PostgreSQL plans them again when
search_path changes, so each agency still reads and writes only its own tables."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tenant_apps.attendance import agency_config, services
from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue, ClockEvent
from tenant_apps.people.models import Officer
from tests.fixtures.agencies import ADMIN_B
from tests.fixtures.attendance import INSIDE, at

MON = date(2025, 11, 17)


def prepared_on_this_connection(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", [f"%{table}%"])
        return cursor.fetchone()[0]


def test_one_connection_serves_two_agencies_their_own_rows(cast, office, agency_b):
    with schema_context(cast.agency.schema_name):
        a_admin = cast.admin
        services.clock(None, "in", position=INSIDE, now=at(MON, "08:00"), user=a_admin.user)
        services.clock(None, "out", position=INSIDE, now=at(MON, "17:10"), user=a_admin.user)
    with schema_context(agency_b.schema_name):
        b_admin = Officer.objects.select_related("user").get(user__username=ADMIN_B)
        # The same officer id in both schemas: only search_path tells the two apart.
        assert b_admin.pk == a_admin.pk
        # The first agency's clock-ins prepared the day's read (one) and the writes (one per shape).
        assert prepared_on_this_connection("attendance_clockevent") >= 2
        reads = prepared_on_this_connection("people_officer")
        assert reads == 1
        agency_config.current()  # B's configuration, cached as after its first clock-in
        with CaptureQueriesContext(connection) as ctx:
            event = services.clock(None, "in", position=INSIDE, now=at(MON, "09:40"), user=b_admin.user)
        # Django's query log shows the prepared statements with their values, as any other.
        logged = [
            q["sql"]
            for q in ctx.captured_queries
            if not q["sql"].startswith(("SET ", "SAVEPOINT", "RELEASE"))
        ]
        # The officer-day's lock, the read and the write (clock_write.py).
        assert len(logged) == 3 and all("%s" not in sql and "$1" not in sql for sql in logged)
        assert prepared_on_this_connection("people_officer") == reads  # the read is reused in agency B
        assert event.officer_id == b_admin.pk
        [record] = AttendanceDay.objects.all()
        # Only agency B's punch: agency A's 08:00 in and 17:10 out are not in this day.
        assert (record.first_in, record.last_out, record.late_minutes) == (at(MON, "09:40"), None, 40)
        assert ClockEvent.objects.count() == 1
        # Agency B has no office site: the punch is outside (agency A's site is not B's).
        assert sorted(AttendanceIssue.objects.values_list("code", flat=True)) == ["lewat", "luar_kawasan"]
    with schema_context(cast.agency.schema_name):
        [record] = AttendanceDay.objects.all()
        assert (record.first_in, record.last_out) == (at(MON, "08:00"), at(MON, "17:10"))
        assert ClockEvent.objects.count() == 2 and not AttendanceIssue.objects.exists()
