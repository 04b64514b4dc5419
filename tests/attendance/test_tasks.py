"""The scheduled jobs fan out one task per active agency (eager here: the tasks run in-process)."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone
from django_tenants.utils import schema_context

from provisioning.services import set_agency_status
from tenant_apps.attendance import tasks
from tenant_apps.attendance.models import AttendanceDay, ColourCard
from tenants.models import AgencyStatus


def test_nightly_close_runs_for_every_active_agency(agency_a, agency_b, provision):
    suspended = provision("digantung").agency
    set_agency_status(suspended.pk, AgencyStatus.SUSPENDED, reason="Ujian")
    assert tasks.close_yesterday_everywhere() == 2
    yesterday = (timezone.now().astimezone(ZoneInfo("Asia/Kuala_Lumpur")) - timedelta(days=1)).date()
    for agency in (agency_a, agency_b):
        with schema_context(agency.schema_name):
            record = AttendanceDay.objects.get(date=yesterday)  # the org admin's day
            assert record.closed
    with schema_context(suspended.schema_name):
        assert not AttendanceDay.objects.exists(), "suspended agencies are skipped"
    # Idempotent: running it again changes nothing.
    tasks.close_yesterday_everywhere()
    with schema_context(agency_a.schema_name):
        assert AttendanceDay.objects.filter(date=yesterday).count() == 1


def test_colour_cards_job(agency_a):
    n = tasks.colour_cards_everywhere()
    with schema_context(agency_a.schema_name):
        if timezone.localdate().day <= 10:
            assert n == 1 and ColourCard.objects.filter(month=timezone.localdate().replace(day=1)).exists()
        else:
            assert n == 0
    # The per-agency task itself, for a given month.
    with schema_context(agency_a.schema_name):
        assert tasks.colour_cards("2025-12-01") == 1
        assert ColourCard.objects.get(month="2025-12-01").colour == "kuning"
