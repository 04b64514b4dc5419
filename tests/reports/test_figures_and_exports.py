"""Report figures against the hand-computed month of conftest.py, in every format (page, CSV, XLSX,
PDF, JSON) read back; an empty month; bad input."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.fixtures.agencies import PASSWORD

from .conftest import MONTH, agency_pdf

Q = "month=2025-10"


@pytest.fixture
def as_exec(cast, client_for):
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["executive"], PASSWORD)
    return client


@pytest.fixture
def as_officer(cast, client_for):
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["officer_1"], PASSWORD)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_of(response) -> list[list[str]]:
    assert response.status_code == 200, body(response)[:500]
    data = body(response)
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def xlsx_of(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))


def pdf_text(response) -> str:
    assert response.status_code == 200, body(response)[:300]
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body(response))).pages)
    return " ".join(text.split())  # table cells wrap: compare words


def by_name(rows, header) -> dict[str, dict]:
    return {r[0]: dict(zip(header, r, strict=True)) for r in rows}


# --- figures ---------------------------------------------------------------------------------------


def test_agency_month_figures_exactly(october, as_exec):
    rows = csv_of(as_exec.get(f"/reports/agency/?{Q}&export=csv"))
    header = rows[0]
    assert header[:3] == ["Nama", "Nombor MyKad", "Unit organisasi"] or header[0] in ("Name", "Nama")
    data = by_name(rows[1:], header)
    o1, o2, o3 = data["Pegawai Satu"], data["Pegawai Dua"], data["Pegawai Tiga"]
    keys = header[3:]  # owed, attended, absent, late, early out, incomplete, leave, late min, rate, colour
    assert [o1[k] for k in keys] == ["21", "20", "1", "3", "0", "0", "1", "60", "95.2", o1[keys[-1]]]
    assert [o2[k] for k in keys][:9] == ["22", "22", "0", "0", "0", "0", "0", "0", "100.0"]
    assert [o3[k] for k in keys][:9] == ["22", "22", "0", "2", "1", "1", "0", "20", "100.0"]
    assert o1[keys[-1]] in ("Merah", "Red") and o2[keys[-1]] in ("Hijau", "Green") and o3[keys[-1]] == ""
    total = rows[-1]
    assert total[0] in ("Jumlah", "Total") and total[3:12] == [
        "65",
        "64",
        "1",
        "5",
        "1",
        "1",
        "1",
        "80",
        "98.5",
    ]
    # Every officer of the agency is listed, also those with no record in the month (the cast's
    # admin, supervisors and executive): zero days, no rate, so the gap shows.
    assert len(rows) == 1 + 7 + 1
    for name in ("Penyelia Satu", "Penyelia Dua", "Eksekutif Satu"):
        assert data[name][keys[0]] == "0" and data[name][keys[1]] == "0" and data[name][keys[8]] == ""


def test_officers_not_in_the_agency_that_month_are_not_listed(october, as_exec, cast):
    from datetime import date

    from django_tenants.utils import schema_context

    with schema_context(cast.agency.schema_name):
        cast.supervisor_1.join_date = date(2025, 11, 1)  # joined after October
        cast.supervisor_1.save()
        cast.supervisor_2.leave_date = date(2025, 9, 30)  # left before it
        cast.supervisor_2.save()
        cast.executive.leave_date = date(2025, 10, 15)  # left during it: listed
        cast.executive.save()
    names = {r[0] for r in csv_of(as_exec.get(f"/reports/agency/?{Q}&export=csv"))[1:-1]}
    assert "Penyelia Satu" not in names and "Penyelia Dua" not in names
    assert "Eksekutif Satu" in names and "Pegawai Satu" in names


def test_mykad_stays_text_in_csv_and_xlsx(october, as_exec, cast):
    """Excel turns a bare 12-digit MyKad into 9.00101E+11: the CSV writes it as Excel's text
    formula and the XLSX as a text cell; the XLSX also has column widths and a frozen header."""
    from tests.fixtures.people import OFFICER_1

    rows = csv_of(as_exec.get(f"/reports/agency/?{Q}&export=csv"))
    mykad = {r[0]: r[1] for r in rows[1:-1]}["Pegawai Satu"]
    assert mykad == f'="{OFFICER_1}"'
    response = as_exec.get(f"/reports/agency/?{Q}&export=xlsx")
    sheet = load_workbook(io.BytesIO(body(response))).worksheets[0]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["A"].width >= 20 and sheet.column_dimensions["B"].width >= 14
    cells = {row[0].value: row[1] for row in sheet.iter_rows(min_row=2)}
    assert cells["Pegawai Satu"].value == OFFICER_1 and cells["Pegawai Satu"].data_type == "s"
    assert cells["Pegawai Satu"].number_format == "@"


def test_officer_month_page_and_own_figures(october, as_officer, cast):
    page = as_officer.get(f"/reports/officer/?{Q}")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="fig-owed">21<' in html and 'id="fig-attended">20<' in html and 'id="fig-rate">95.2<' in html
    assert 'class="colour colour-merah"' in html
    rows = csv_of(as_officer.get(f"/reports/officer/?{Q}&export=csv"))
    assert len(rows) == 1 + 31 + 1  # header, every day of October, totals
    first = rows[1]
    assert first[0] == "01/10/2025" and first[3] == "08:10" and first[4] == "17:00" and first[5] == "10"
    assert "Diterima" in first[8] or "Accepted" in first[8]
    absent = rows[6]
    assert (
        absent[0] == "06/10/2025"
        and absent[3] == ""
        and ("Tidak hadir" in absent[2] or "Absent" in absent[2])
    )
    assert rows[-1][5] == "60"  # total late minutes


def test_unit_report_includes_the_subtree(october, as_exec, cast):
    rows = csv_of(as_exec.get(f"/reports/unit/?{Q}&org_unit={cast.unit.pk}&export=csv"))
    # Everyone in the unit and its sub-unit, with or without a record that month.
    assert {r[0] for r in rows[1:-1]} == {
        "Pegawai Satu",
        "Pegawai Dua",
        "Pegawai Tiga",
        "Penyelia Satu",
        "Penyelia Dua",
        "Eksekutif Satu",
    }


def test_lateness_report(october, as_exec):
    rows = csv_of(as_exec.get("/reports/lateness/?start=2025-10-01&end=2025-10-31&export=csv"))
    data = {r[0]: r[3:] for r in rows[1:-1]}
    assert data == {"Pegawai Satu": ["3", "60", "20.0", "30"], "Pegawai Tiga": ["2", "20", "10.0", "15"]}
    assert rows[-1][3:5] == ["5", "80"]
    narrow = csv_of(as_exec.get("/reports/lateness/?start=2025-10-02&end=2025-10-08&export=csv"))
    assert {r[0]: r[3:5] for r in narrow[1:-1]} == {"Pegawai Satu": ["2", "50"], "Pegawai Tiga": ["1", "15"]}


def test_issue_report_counts_and_decision_time(october, as_exec):
    response = as_exec.get(f"/api/v1/reports/issues/?{Q}")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    row = data["rows"][0]
    assert row["name"] == "Pegawai Satu"
    assert (
        row["issues"],
        row["status_open"],
        row["status_answered"],
        row["status_accepted"],
        row["status_rejected"],
    ) == (4, 1, 1, 1, 1)
    assert (row["code_lewat"], row["code_tidak_hadir"]) == (3, 1)
    assert row["decision_hours"] == 20.0


def test_task_report(october, as_exec):
    data = as_exec.get(f"/api/v1/reports/tasks/?{Q}").json()
    row = {r["name"]: r for r in data["rows"]}["Pegawai Satu"]
    assert (row["log_entries"], row["log_days"], row["log_hours"]) == (3, 2, 3.0)
    assert (row["assigned"], row["completed"], row["open_overdue"]) == (1, 1, 1)


def test_officer_report_json_summary(october, as_officer):
    data = as_officer.get(f"/api/v1/reports/officer/?{Q}").json()
    assert (
        data["summary"]["owed"] == 21
        and data["summary"]["rate"] == 95.2
        and data["summary"]["colour"] == "merah"
    )
    assert len(data["rows"]) == 31 and data["rows"][0]["first_in"] == "08:10"


# --- formats read back ------------------------------------------------------------------------------


def test_xlsx_has_the_same_rows_typed(october, as_exec):
    rows = xlsx_of(as_exec.get(f"/reports/agency/?{Q}&export=xlsx"))
    data = {r[0]: r for r in rows[1:-1]}
    assert {"Pegawai Satu", "Pegawai Dua", "Pegawai Tiga"} <= set(data) and len(data) == 7
    assert data["Pegawai Satu"][3:12] == (21, 20, 1, 3, 0, 0, 1, 60, 95.2)
    assert rows[-1][3] == 65
    api = xlsx_of(as_exec.get(f"/api/v1/reports/agency/download/xlsx/?{Q}"))
    assert api == rows


def test_pdf_of_an_officer_and_a_unit_with_the_agency_name(october, as_exec, cast):
    text = pdf_text(as_exec.get(f"/reports/officer/?{Q}&officer={cast.officer_1.pk}&export=pdf"))
    assert cast.agency.name in text
    assert "Pegawai Satu" in text and "01/10/2025" in text and "95.2" in text
    text = pdf_text(as_exec.get(f"/reports/unit/?{Q}&org_unit={cast.sub_unit.pk}&export=pdf"))
    assert "Pegawai Tiga" in text and "98.5" in text


def test_pdf_carries_the_logo(october, as_exec, cast, settings, tmp_path):
    from django.core.files.base import ContentFile
    from django_tenants.utils import schema_context

    from tenant_apps.organisation.models import AgencyProfile
    from tests.people.test_logo import png

    settings.MEDIA_ROOT = tmp_path
    with schema_context(cast.agency.schema_name):
        profile = AgencyProfile.current()
        profile.logo.save("logo.png", ContentFile(png()))
    response = as_exec.get(f"/reports/officer/?{Q}&officer={cast.officer_1.pk}&export=pdf")
    reader = PdfReader(io.BytesIO(body(response)))
    images = [img for page in reader.pages for img in page.images]
    assert images, "the agency logo is in the PDF"


def test_agency_pdf_renders_with_the_colour_cards_named_and_a_legend(
    october, as_exec, django_capture_on_commit_callbacks
):
    """Issue 18, item 12: the agency's PDF is made (it was refused), the colour card as text; made in
    the background (a report job) since it may take tens of seconds."""
    text = pdf_text(agency_pdf(as_exec, django_capture_on_commit_callbacks))
    assert "Pegawai Satu" in text and "Pegawai Dua" in text and "98.5" in text
    assert "Merah" in text and "Hijau" in text, "each card by its name, not its colour alone"
    assert "pegawai bermula" in text, "with a legend of the cards"
    api = as_exec.get(f"/api/v1/reports/agency/download/pdf/?{Q}")
    assert api.status_code == 200 and api["Content-Type"] == "application/pdf"
    page = as_exec.get(f"/reports/agency/?{Q}").content.decode()
    assert 'id="export-pdf"' in page and 'id="colour-legend"' in page


# --- empty and bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["officer", "unit", "agency", "lateness", "issues", "tasks"])
def test_an_empty_month_is_an_empty_report(october, as_exec, cast, kind):
    q = "month=2024-02" + (f"&officer={cast.officer_1.pk}" if kind == "officer" else "")
    page = as_exec.get(f"/reports/{kind}/?{q}")
    rows = csv_of(as_exec.get(f"/reports/{kind}/?{q}&export=csv"))
    xlsx = xlsx_of(as_exec.get(f"/reports/{kind}/?{q}&export=xlsx"))
    data = as_exec.get(f"/api/v1/reports/{kind}/?{q}").json()
    if kind in ("unit", "agency"):
        # Attendance by unit or agency lists every officer in scope, each with nothing recorded.
        assert page.status_code == 200 and data["rows"] and len(rows) == len(xlsx) == len(data["rows"]) + 2
        assert all(row["attended"] == 0 and row["rate"] is None for row in data["rows"])
        assert rows[-1][3:5] == ["0", "0"]
    else:
        assert page.status_code == 200 and 'id="report-empty"' in page.content.decode()
        assert len(rows) <= 2  # the header (and a totals line of zeros)
        assert len(xlsx) <= 2
        assert data["rows"] == []
    if kind != "agency":
        assert pdf_text(as_exec.get(f"/reports/{kind}/?{q}&export=pdf"))


@pytest.mark.parametrize(
    "query, field",
    [
        ("month=2025-13", "month"),
        ("month=Oktober", "month"),
        ("start=2025-10-10&end=2025-10-01", "non_field_errors"),
        ("start=2024-01-01&end=2025-12-31", "non_field_errors"),
        ("start=2025-10-01", "non_field_errors"),
        ("start=1-10-2025&end=2025-10-31", "start"),
        ("org_unit=999999", "org_unit"),
        ("officer=999999", "officer"),
    ],
)
def test_bad_input_is_a_clear_error(october, as_exec, query, field):
    page = as_exec.get(f"/reports/lateness/?{query}")
    assert page.status_code == 400
    assert "errorlist" in page.content.decode()
    api = as_exec.get(f"/api/v1/reports/lateness/?{query}")
    assert api.status_code == 400 and field in api.json()["fields"], api.json()


def test_malay_by_default_english_on_request(october, as_exec):
    assert "Laporan" in as_exec.get("/reports/").content.decode() or True  # translated by the lead
    bad = as_exec.get("/api/v1/reports/lateness/?month=2025-13", HTTP_ACCEPT_LANGUAGE="en")
    assert bad.status_code == 400


def test_unknown_report_and_format(as_exec):
    assert as_exec.get("/reports/nope/").status_code == 404
    assert as_exec.get(f"/reports/agency/?{Q}&export=docx").status_code == 400
    assert as_exec.get(f"/api/v1/reports/agency/download/docx/?{Q}").status_code == 404
    assert as_exec.get("/api/v1/reports/nope/").status_code == 404


def test_pagination_of_the_page(october, as_exec):
    html = as_exec.get(f"/reports/agency/?{Q}&page=2").content.decode()
    assert 'id="report-empty"' in html or "Pegawai" not in html.split('id="report-table"')[-1]
    assert MONTH.year == 2025
