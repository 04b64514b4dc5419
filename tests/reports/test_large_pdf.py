"""Issue 18, item 12: the agency PDF for a reasonable size — 300 officers × a month — renders,
runs over several pages, and repeats the table's header and the agency's name on every page.

The officers and their days are written directly (bulk rows, as the engine and the import would
leave them): this test is about the export, not how the rows came to be. The time it takes is
printed (pytest -s), not asserted. The PDF is a background job (reports/jobs.py), run here in
this process after the commit, as without REDIS_URL."""

from __future__ import annotations

import io
import time as clock
from datetime import timedelta

from django_tenants.utils import schema_context
from pypdf import PdfReader

from spotme.accounts.models import User
from tenant_apps.attendance.models import AttendanceDay, ColourCard
from tenant_apps.people.models import Officer
from tests.fixtures.agencies import PASSWORD

from .conftest import MONTH, agency_pdf, day_row

OFFICERS = 300


def test_agency_pdf_of_300_officers_a_month(cast, client_for, django_capture_on_commit_callbacks):
    with schema_context(cast.agency.schema_name):
        users = User.objects.bulk_create(
            User(username=f"9{n:011d}", full_name=f"Pegawai Ujian {n:03d}") for n in range(OFFICERS)
        )
        officers = Officer.objects.bulk_create(
            Officer(user=u, org_unit=cast.sub_unit, supervisor=cast.supervisor_1, grade="N19") for u in users
        )
        AttendanceDay.objects.bulk_create(
            day_row(o, MONTH + timedelta(days=d), *(("lewat", 12) if d % 7 == 1 else ("hadir", 0)))
            for o in officers
            for d in range(31)
        )
        ColourCard.objects.bulk_create(
            ColourCard(officer=o, month=MONTH, colour=("kuning", "hijau", "merah")[n % 3])
            for n, o in enumerate(officers)
        )
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["executive"], PASSWORD)
    started = clock.monotonic()
    response = agency_pdf(client, django_capture_on_commit_callbacks)  # a background job (jobs.py)
    content = b"".join(response.streaming_content)
    took = clock.monotonic() - started
    print(f"agency PDF, {OFFICERS} officers × October 2025: {took:.1f} s, {len(content)} bytes")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    pages = PdfReader(io.BytesIO(content)).pages
    assert len(pages) >= 5, "300 rows run over several pages"
    texts = [" ".join(p.extract_text().split()) for p in pages]
    everyone = " ".join(texts)
    for n in (0, 150, 299):
        assert f"Pegawai Ujian {n:03d}" in everyone
    for text in texts[1:]:
        assert "Nama" in text and "Kadar kehadiran" in text, "the header row on every page"
        assert cast.agency.name in text, "the agency's name on every page"
    assert "Kuning" in everyone and "Merah" in everyone
