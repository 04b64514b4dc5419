"""The scheduled monthly reports: executives get the agency's, supervisors their team's, as XLSX, in
their language; a re-run sends nothing twice; the beat entry exists."""

from __future__ import annotations

import io

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django_tenants.utils import schema_context
from openpyxl import load_workbook

from tenant_apps.reports import tasks
from tenant_apps.reports.models import SentReport

from .conftest import MONTH


def test_beat_runs_on_the_first_of_the_month():
    entry = django_settings.CELERY_BEAT_SCHEDULE["monthly-reports"]
    assert entry["task"] == "reports.monthly_everywhere"
    assert entry["schedule"].day_of_month == {1} and entry["schedule"].hour == {8}


def test_previous_month():
    from datetime import date

    assert tasks.previous_month(date(2026, 1, 1)) == date(2025, 12, 1)
    assert tasks.previous_month(date(2026, 3, 31)) == date(2026, 2, 1)


@pytest.mark.usefixtures("october")
def test_monthly_reports_are_sent_once(cast, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with schema_context(cast.agency.schema_name):
        cast.executive.user.preferred_language = "en"
        cast.executive.user.save(update_fields=["preferred_language"])
        mail.outbox.clear()
        tasks.send_monthly(MONTH.isoformat())  # eager: each send_one runs at once
        by_to = {m.to[0]: m for m in mail.outbox}
        # The executive: the agency's report (3 officers) in English; supervisor_1: officer_1;
        # supervisor_2: officer_2. The admin is not an executive: no email.
        assert set(by_to) == {
            cast.executive.user.email,
            cast.supervisor_1.user.email,
            cast.supervisor_2.user.email,
        }
        executive = by_to[cast.executive.user.email]
        assert "attendance of the agency" in executive.subject.lower() or "Monthly" in executive.subject
        name, content, mimetype = executive.attachments[0]
        assert name.endswith(".xlsx") and mimetype.startswith("application/vnd.openxmlformats")
        rows = list(
            load_workbook(io.BytesIO(content), read_only=True).worksheets[0].iter_rows(values_only=True)
        )
        # Every officer of the agency, also those without a record that month.
        assert {"Pegawai Satu", "Pegawai Dua", "Pegawai Tiga", "Penyelia Satu"} <= {r[0] for r in rows[1:-1]}
        sup = by_to[cast.supervisor_1.user.email]
        rows = list(
            load_workbook(io.BytesIO(sup.attachments[0][1]), read_only=True)
            .worksheets[0]
            .iter_rows(values_only=True)
        )
        assert {r[0] for r in rows[1:-1]} == {"Pegawai Satu", "Penyelia Satu"}  # the team and its head
        assert SentReport.objects.filter(month=MONTH).count() == 3
        mail.outbox.clear()
        tasks.send_monthly(MONTH.isoformat())
        tasks.send_one(MONTH.isoformat(), cast.executive.user.pk, tasks.EXECUTIVE)
        assert mail.outbox == []


def test_an_empty_month_sends_nothing(cast, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with schema_context(cast.agency.schema_name):
        mail.outbox.clear()
        tasks.send_monthly("2024-02-01")
        assert mail.outbox == [] and not SentReport.objects.exists()


def test_fan_out_over_active_agencies(cast, monkeypatch):
    sent = []
    monkeypatch.setattr(tasks.send_monthly, "delay", lambda month: sent.append(month))
    assert tasks.monthly_everywhere() >= 1
    assert sent and all(m.endswith("-01") for m in sent)
