"""A report as CSV (streamed), XLSX (openpyxl write-only, streamed from a temporary file), PDF
(WeasyPrint, with the agency's name and logo) and JSON-ready values."""

from __future__ import annotations

import base64
import csv
import mimetypes
import tempfile
from datetime import date, time

from django.http import FileResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from tenant_apps.organisation.models import AgencyProfile

from .builders import COLOUR_LABELS, Kind, Report

PDF_MAX_ROWS = 2000  # a PDF of more rows is refused: CSV or XLSX instead
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


class TooBigForPdf(Exception):
    pass


def text(column, value) -> str:
    """A cell as text (CSV, page, PDF)."""
    if value is None:
        return ""
    if column.kind == "colour":
        return str(COLOUR_LABELS.get(value, value))
    if column.kind == "date":
        return value.strftime("%d/%m/%Y")
    if column.kind == "time":
        return value.strftime("%H:%M")
    if column.kind in ("pct", "hours"):
        return f"{value:.1f}"
    return str(value)


def cell(column, value):
    """A cell for XLSX / JSON-like output: numbers stay numbers, dates stay dates."""
    if value is None:
        return None
    if column.kind == "colour":
        return str(COLOUR_LABELS.get(value, value))
    if isinstance(value, (int, float, date, time)):
        return value
    return str(value)


def filename(report: Report, ext: str) -> str:
    p = report.params
    period = f"{p.start:%Y-%m}" if p.kind in (Kind.OFFICER, Kind.UNIT, Kind.AGENCY) else f"{p.start}_{p.end}"
    who = f"-{p.officer.user.username}" if p.kind == Kind.OFFICER and p.officer else ""
    return f"laporan-{p.kind}{who}-{period}.{ext}"


def _attachment(response, name: str):
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response


class _Echo:
    def write(self, value):
        return value


def csv_text(column, value) -> str:
    """A CSV cell. Identifiers made of digits (MyKad) are written as Excel's text formula `="…"`:
    opened in Excel (the people these files are for) a bare 900101105555 becomes 9.00101E+11 and
    loses its leading zeros for good."""
    value = text(column, value)
    if column.kind == "id" and value:
        return '="' + value.replace('"', '""') + '"'
    return value


def csv_rows(report: Report):
    """The lines of the CSV: a UTF-8 BOM (Excel), the header, the rows, the totals."""
    writer = csv.writer(_Echo())
    cols = report.columns
    yield "\ufeff" + writer.writerow([str(c.label) for c in cols])
    for row in report.rows:
        yield writer.writerow([csv_text(c, row.get(c.key)) for c in cols])
    if report.totals:
        yield writer.writerow([csv_text(c, report.totals.get(c.key)) for c in cols])


# Column widths of the XLSX, in characters, by kind (a name or unit column is wider).
XLSX_WIDTHS = {"id": 16, "int": 12, "pct": 12, "hours": 12, "date": 12, "time": 9, "colour": 12}


def _in_this_request(lines):
    """Iterate later (while the server sends the body) in the request's schema and language."""
    from django.db import connection
    from django.utils import translation
    from django_tenants.utils import schema_context

    schema, language = connection.schema_name, translation.get_language()  # now, not when iterated

    def stream():
        with schema_context(schema), translation.override(language):
            for line in lines:
                yield line.encode("utf-8")

    return stream()


def csv_response(report: Report) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_in_this_request(csv_rows(report)), content_type=CONTENT_TYPES["csv"])
    return _attachment(response, filename(report, "csv"))


def write_xlsx(report: Report, out) -> int:
    """Sheet 1: the header, the rows, the totals (typed cells); sheet 2: what the report is."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(str(_("Report"))[:31])
    cols = report.columns
    bold = Font(bold=True)
    # Write-only sheets take their layout before the first row: widths, and the header kept in view.
    for i, c in enumerate(cols, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(
            XLSX_WIDTHS.get(c.kind, 28), min(len(str(c.label)) + 2, 40)
        )
    ws.freeze_panes = "A2"

    def header():
        for c in cols:
            h = WriteOnlyCell(ws, value=str(c.label))
            h.font = bold
            yield h

    def line(values):
        for c in cols:
            value = cell(c, values.get(c.key))
            if c.kind == "id" and value is not None:
                value = WriteOnlyCell(ws, value=str(value))
                value.number_format = "@"  # text: Excel keeps every digit
            yield value

    ws.append(list(header()))
    n = 0
    for row in report.rows:
        ws.append(list(line(row)))
        n += 1
    if report.totals:
        ws.append(list(line(report.totals)))
    about = wb.create_sheet(str(_("About"))[:31])
    for line in describe(report):
        about.append(list(line))
    wb.save(out)
    return n


def xlsx_response(report: Report) -> FileResponse:
    tmp = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it, and the file is deleted)
    write_xlsx(report, tmp)
    tmp.seek(0)
    response = FileResponse(tmp, content_type=CONTENT_TYPES["xlsx"])
    return _attachment(response, filename(report, "xlsx"))


def describe(report: Report) -> list[tuple[str, str]]:
    p = report.params
    profile = AgencyProfile.current()
    lines = [
        (str(_("Agency")), profile.name if profile else ""),
        (str(_("Report")), str(report.title)),
        (str(_("From")), p.start.strftime("%d/%m/%Y")),
        (str(_("Until")), p.end.strftime("%d/%m/%Y")),
    ]
    if p.org_unit is not None:
        lines.append((str(_("Organisation unit")), p.org_unit.name))
    if p.officer is not None:
        lines.append((str(_("Officer")), f"{p.officer.user.get_full_name()} ({p.officer.user.username})"))
    if report.kind == Kind.OFFICER:
        figures = report.extra["figures"]
        rate = figures["rate"]
        lines += [
            (str(_("Working days")), str(figures["owed"])),
            (str(_("Attended")), str(figures["attended"])),
            (str(_("Absent")), str(figures["absent"])),
            (str(_("Late")), str(figures["late"])),
            (str(_("Attendance rate (%)")), "" if rate is None else f"{rate:.1f}"),
            (
                str(_("Colour")),
                str(COLOUR_LABELS.get(report.extra["colour"], "")) if report.extra["colour"] else "",
            ),
        ]
    lines.append((str(_("Generated")), timezone.localtime().strftime("%d/%m/%Y %H:%M")))
    return lines


def logo_data_uri() -> str | None:
    profile = AgencyProfile.current()
    if profile is None or not profile.logo:
        return None
    try:
        with profile.logo.open("rb") as f:
            data = f.read()
    except (OSError, ValueError):
        return None
    kind = mimetypes.guess_type(profile.logo.name)[0] or "image/png"
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def pdf_bytes(report: Report) -> bytes:
    from django.contrib.staticfiles import finders
    from weasyprint import CSS, HTML

    rows = []
    for row in report.rows:
        rows.append([text(c, row.get(c.key)) for c in report.columns])
        if len(rows) > PDF_MAX_ROWS:
            raise TooBigForPdf
    profile = AgencyProfile.current()
    html = render_to_string(
        "reports/pdf.html",
        {
            "report": report,
            "agency_name": profile.name if profile else "",
            "logo": logo_data_uri(),
            "about": describe(report),
            "header": [str(c.label) for c in report.columns],
            "rows": rows,
            "totals": [text(c, report.totals.get(c.key)) for c in report.columns] if report.totals else None,
            "landscape": len(report.columns) > 9,
            "colour_legend": any(c.kind == "colour" for c in report.columns)
            or bool(report.extra.get("colour")),
        },
    )
    stylesheet = CSS(filename=finders.find("reports/pdf.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])


def pdf_response(report: Report):
    from django.http import HttpResponse

    response = HttpResponse(pdf_bytes(report), content_type=CONTENT_TYPES["pdf"])
    return _attachment(response, filename(report, "pdf"))


def respond(report: Report, fmt: str):
    return {"csv": csv_response, "xlsx": xlsx_response, "pdf": pdf_response}[fmt](report)
