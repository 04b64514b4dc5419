"""The downloadable templates of the officer import: a header row and one example row.

The XLSX has two more sheets: the columns explained, and the agency's organisation units with their
codes. Its MyKad and phone columns are formatted as text, so Excel keeps their leading zeros."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from tenant_apps.organisation.models import OrgUnit

from .importing import COLUMNS

TEXT_COLUMNS = {"mykad", "phone", "supervisor_mykad", "join_date"}


def _example_row() -> list[str]:
    """The example, with a real unit code of this agency when it has one."""
    unit = OrgUnit.objects.filter(is_active=True).exclude(code="").order_by("path").first()
    return [unit.code if c.name == "org_unit" and unit else c.example for c in COLUMNS]


def template_csv() -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([c.name for c in COLUMNS])
    writer.writerow(_example_row())
    # The BOM makes Excel open the file as UTF-8 (names with accents, Jawi, Chinese, Tamil).
    return out.getvalue().encode("utf-8-sig")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Officers")[:31]
    sheet.append([c.name for c in COLUMNS])
    sheet.append(_example_row())
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, len(column.example) + 4)
        sheet.cell(row=1, column=index).font = bold
        if column.name in TEXT_COLUMNS:
            for row in range(1, 1001):  # the rows people fill in: text, not numbers
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"

    docs = workbook.create_sheet(_("Columns")[:31])
    docs.append([_("Column"), _("Required"), _("Also accepted as header"), _("What to enter"), _("Example")])
    for column in COLUMNS:
        docs.append(
            [
                column.name,
                _("yes") if column.required else _("no"),
                ", ".join(column.aliases),
                str(column.description),
                column.example,
            ]
        )
    docs.append([])
    docs.append(
        [
            _(
                "Row 1 names the columns (in any order; headers are not case-sensitive). Each further row "
                "is one officer. Nothing is imported while any row has an error."
            )
        ]
    )
    for cell in docs[1]:
        cell.font = bold
    for letter, width in zip("ABCDE", (20, 10, 30, 80, 28), strict=True):
        docs.column_dimensions[letter].width = width

    units = workbook.create_sheet(_("Organisation units")[:31])
    units.append([_("Code"), _("Name"), _("Active")])
    for unit in OrgUnit.objects.order_by("path").values_list("code", "name", "is_active"):
        units.append([unit[0], unit[1], _("yes") if unit[2] else _("no")])
    for cell in units[1]:
        cell.font = bold
    units.column_dimensions["A"].width, units.column_dimensions["B"].width = 16, 50

    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
