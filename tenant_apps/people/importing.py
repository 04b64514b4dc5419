"""Bulk import of officers from a CSV or XLSX file (docs/import-officers.md describes the columns).

`import_officers(...)` does it in three steps:

1. read     the file → header and rows (`read_table`); a file that is not a CSV/XLSX we can read, is
            too big, empty or lacks a required column stops here with one `ImportFileError`;
2. check    every row against the agency and against the other rows (`check_rows`): row-by-row errors
            with the row number as the user sees it in the file (header = row 1);
3. write    only when no row has an error and it is not a dry run: users, officers, supervisors and
            roles in ONE transaction, with bulk inserts (5,000 rows in about two seconds), so the
            import is all-or-nothing.

Every attempt is recorded as an `ImportBatch` (the audit trail: who, when, which file, the result).

Passwords: imported accounts get an unusable password. After commit, each officer with an email
address gets a one-time link to choose their own password (Django's password-reset token, see
`activation.py`), sent by Celery in batches. Hashing a temporary password for each of 5,000 officers
with Django's PBKDF2 (1,000,000 iterations, ~0.3 s each) would take about 25 minutes of CPU, and the
plain-text passwords would have to travel through the task queue and sit in mailboxes with no expiry;
a link expires (PASSWORD_RESET_TIMEOUT), works once, and nothing secret is stored or queued.
Officers without an email address get a temporary password from their administrator, as today.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import logging
import re
import secrets
import time
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import PurePath

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shared_apps.onboarding.forms import clean_phone
from spotme.accounts.models import User
from spotme.accounts.mykad import normalise_mykad, validate_mykad
from spotme.audit.bulk import record_bulk_creation
from spotme.audit.events import client_ip
from spotme.audit.models import AuthEvent, AuthEventKind
from tenant_apps.organisation.models import OrgUnit, Role

from .models import ImportBatch, Officer

log = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
# A 10 MB XLSX (a zip) may unpack to much more; past this it is refused before it is parsed.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COLUMNS = 50
# Trailing rows that are blank but formatted (common in XLSX) end the table after this many.
MAX_BLANK_RUN = 1000
# Errors shown on the page and kept in the ImportBatch; all are counted.
MAX_REPORTED_ERRORS = 1000
MAX_STORED_ERRORS = 500
BATCH_SIZE = 2000

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls (and .doc, .msg)
BINARY_MAGICS = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"%PDF", b"BM", b"\x1f\x8b", b"Rar!", b"7z\xbc\xaf")


class Problem(StrEnum):
    """Stable codes of everything the import can refuse (tests and the page's data-code use them)."""

    # the file
    FILE_EMPTY = "file_empty"
    FILE_TOO_LARGE = "file_too_large"
    FILE_TYPE = "file_type"
    FILE_XLS = "file_xls"
    FILE_ENCODING = "file_encoding"
    FILE_MALFORMED = "file_malformed"
    NO_ROWS = "no_rows"
    TOO_MANY_ROWS = "too_many_rows"
    MISSING_COLUMNS = "missing_columns"
    DUPLICATE_COLUMN = "duplicate_column"
    CONFLICT = "conflict"
    # a row
    MYKAD_REQUIRED = "mykad_required"
    MYKAD_INVALID = "mykad_invalid"
    MYKAD_DUPLICATE = "mykad_duplicate"
    MYKAD_EXISTS = "mykad_exists"
    NAME_REQUIRED = "name_required"
    TOO_LONG = "too_long"
    EMAIL_INVALID = "email_invalid"
    PHONE_INVALID = "phone_invalid"
    DATE_INVALID = "date_invalid"
    DATE_FUTURE = "date_future"
    ORG_UNIT_UNKNOWN = "org_unit_unknown"
    ORG_UNIT_AMBIGUOUS = "org_unit_ambiguous"
    ORG_UNIT_INACTIVE = "org_unit_inactive"
    SUPERVISOR_UNKNOWN = "supervisor_unknown"
    SUPERVISOR_INACTIVE = "supervisor_inactive"
    SUPERVISOR_CYCLE = "supervisor_cycle"
    ROLE_UNKNOWN = "role_unknown"
    EXAMPLE_ROW = "example_row"


# --- the columns ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    aliases: tuple[str, ...]  # the first one is the Malay header
    description: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "mykad",
        True,
        ("no_mykad", "no_kp", "mykad_number"),
        gettext_lazy("MyKad number, 12 digits, with or without dashes. Also the login ID."),
        "900101105555",
    ),
    Column(
        "full_name",
        True,
        ("nama", "nama_penuh", "name"),
        gettext_lazy("Full name."),
        "Nur Aisyah binti Ahmad",
    ),
    Column(
        "email",
        False,
        ("emel", "e_mel"),
        gettext_lazy("Official email. The officer's link to choose a password is sent here."),
        "aisyah@agensi.gov.my",
    ),
    Column(
        "phone", False, ("telefon", "no_telefon"), gettext_lazy("Malaysian phone number."), "012-345 6789"
    ),
    Column("grade", False, ("gred",), gettext_lazy("Grade, e.g. F41."), "F41"),
    Column("position", False, ("jawatan",), gettext_lazy("Position."), "Pegawai Teknologi Maklumat"),
    Column(
        "org_unit",
        False,
        ("unit", "unit_organisasi"),
        gettext_lazy(
            "Organisation unit: its code, or else its exact name (a name two units share is "
            "refused: use the code)."
        ),
        "BTM",
    ),
    Column(
        "supervisor_mykad",
        False,
        ("mykad_penyelia",),
        gettext_lazy("MyKad number of the supervisor: an existing officer or another row of this file."),
        "800505105011",
    ),
    Column(
        "roles",
        False,
        ("peranan",),
        gettext_lazy(
            "Roles besides officer, separated by commas: penyelia (supervisor), eksekutif "
            "(executive), pentadbir (org_admin). Every person is an officer (pegawai)."
        ),
        "penyelia",
    ),
    Column(
        "join_date",
        False,
        ("tarikh_lapor_diri", "date_joined"),
        gettext_lazy("Date joined: YYYY-MM-DD or DD/MM/YYYY."),
        "2024-01-15",
    ),
)
COLUMN_NAMES = tuple(c.name for c in COLUMNS)
EXAMPLE_MYKAD, EXAMPLE_NAME = COLUMNS[0].example, COLUMNS[1].example
_HEADER_TO_COLUMN = {alias: c.name for c in COLUMNS for alias in (c.name, *c.aliases)}

ROLE_NAMES = {
    "pegawai": Role.OFFICER,
    "officer": Role.OFFICER,
    "penyelia": Role.SUPERVISOR,
    "supervisor": Role.SUPERVISOR,
    "eksekutif": Role.EXECUTIVE,
    "executive": Role.EXECUTIVE,
    "pentadbir": Role.ORG_ADMIN,
    "org_admin": Role.ORG_ADMIN,
}


def normalise_header(value) -> str:
    """ "No. MyKad *" → "no_mykad"; "Full Name" → "full_name"."""
    text = str(value or "").strip().lower().replace("*", "")
    return re.sub(r"[\s.\-/]+", "_", text).strip("_")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


MAX_LENGTHS = {
    "full_name": _max_length(User, "full_name"),
    "email": _max_length(User, "email"),
    "grade": _max_length(Officer, "grade"),
    "position": _max_length(Officer, "position"),
}


# --- results ----------------------------------------------------------------------------------


class ImportFileError(Exception):
    """The file as a whole cannot be imported (nothing about single rows)."""

    def __init__(self, code: Problem, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    code: Problem
    message: str


@dataclass
class Table:
    format: str
    rows: list[tuple[int, dict]]  # (row number in the file, {column: cell value})
    ignored_columns: list[str] = field(default_factory=list)


@dataclass
class OfficerRow:
    """One checked row, ready to write."""

    row: int
    mykad: str
    full_name: str = ""
    email: str = ""
    phone: str = ""
    grade: str = ""
    position: str = ""
    org_unit_id: int | None = None
    supervisor_mykad: str = ""
    supervisor_id: int | None = None  # an existing officer
    supervisor_row: OfficerRow | None = None  # another row of the file
    roles: list[str] = field(default_factory=list)
    join_date: datetime.date | None = None


@dataclass
class ImportReport:
    file_name: str
    dry_run: bool
    format: str = ""
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    rows_with_errors: int = 0
    file_error: ImportFileError | None = None
    ignored_columns: list[str] = field(default_factory=list)
    created: int = 0
    roles: dict[str, int] = field(default_factory=dict)
    without_email: int = 0
    activation_emails: int = 0
    batch: ImportBatch | None = None

    @property
    def ok(self) -> bool:
        return self.file_error is None and self.error_count == 0

    @property
    def errors_not_shown(self) -> int:
        return self.error_count - len(self.errors)

    @property
    def role_summary(self) -> list[tuple[str, int]]:
        return [(role.label, self.roles[role.value]) for role in Role if self.roles.get(role.value)]


# --- 1. reading the file ----------------------------------------------------------------------


def read_table(file_name: str, data: bytes) -> Table:
    """Header and rows of a CSV (UTF-8, `,` `;` or tab) or XLSX (first sheet) file."""
    if not data:
        raise ImportFileError(Problem.FILE_EMPTY, _("The file is empty."))
    if len(data) > MAX_BYTES:
        raise ImportFileError(Problem.FILE_TOO_LARGE, too_large_message())
    suffix = PurePath(file_name or "").suffix.lower()
    if suffix == ".xls" or data.startswith(OLE_MAGIC):
        raise ImportFileError(
            Problem.FILE_XLS,
            _(
                "Old Excel files (.xls) cannot be read. In Excel, save the file as “Excel Workbook (.xlsx)” "
                "or “CSV UTF-8”."
            ),
        )
    if data.startswith(XLSX_MAGIC):
        return _collect("xlsx", _xlsx_records(data))
    if suffix == ".xlsx":
        raise ImportFileError(Problem.FILE_MALFORMED, _("The file is not a valid Excel workbook (.xlsx)."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and suffix in {".csv", ".txt", ""}:
        raise ImportFileError(
            Problem.FILE_ENCODING,
            _("The file is UTF-16 text, not UTF-8. In Excel, save it as “CSV UTF-8 (Comma delimited)”."),
        )
    if suffix not in {".csv", ".txt", ""} or data.startswith(BINARY_MAGICS) or b"\x00" in data[:8192]:
        raise ImportFileError(Problem.FILE_TYPE, not_csv_or_xlsx_message())
    return _collect("csv", _csv_records(_decode(data)))


def too_large_message() -> str:
    return _("The file is larger than %(mb)d MB. Split it into several files.") % {
        "mb": MAX_BYTES // (1024 * 1024)
    }


def not_csv_or_xlsx_message() -> str:
    return _("This is not a CSV or XLSX file. Upload the officers as CSV (UTF-8) or Excel (.xlsx).")


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        # Guessing another encoding (Windows-1252, Latin-1) would silently garble names: refuse.
        raise ImportFileError(
            Problem.FILE_ENCODING,
            _(
                "The file is not UTF-8 (first unreadable character on line %(line)d). In Excel, save it as "
                "“CSV UTF-8 (Comma delimited)”."
            )
            % {"line": line},
        ) from None


def _delimiter(text: str) -> str:
    """The first non-blank line's most frequent of `,` `;` and tab (Excel set to a Malay or European
    locale writes `;`)."""
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_records(text: str) -> Iterator[tuple[int, list]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    number = 0
    try:
        # A record is one row as a spreadsheet shows it, even when a quoted cell spans lines.
        for number, record in enumerate(reader, start=1):
            yield number, record
    except csv.Error as exc:
        raise ImportFileError(
            Problem.FILE_MALFORMED,
            _("The CSV file cannot be read after row %(row)d: %(error)s") % {"row": number, "error": exc},
        ) from None


def _xlsx_records(data: bytes) -> Iterator[tuple[int, list]]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise ImportFileError(Problem.FILE_TOO_LARGE, too_large_message())
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportFileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a damaged or foreign zip (.docx, .ods)
        log.info("unreadable xlsx: %s: %s", type(exc).__name__, exc)
        raise ImportFileError(
            Problem.FILE_MALFORMED, _("The file is not a valid Excel workbook (.xlsx).")
        ) from None
    try:
        if not workbook.worksheets:
            return
        sheet = workbook.worksheets[0]
        try:
            rows = sheet.iter_rows(min_row=1, max_col=MAX_COLUMNS, values_only=True)
            for number, values in enumerate(rows, start=1):
                yield number, list(values)
        except ImportFileError:
            raise
        except Exception as exc:
            log.info("unreadable xlsx sheet: %s: %s", type(exc).__name__, exc)
            raise ImportFileError(
                Problem.FILE_MALFORMED, _("The first sheet of the workbook cannot be read.")
            ) from None
    finally:
        workbook.close()


def _is_blank(values: Iterable) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _map_header(header: list) -> tuple[dict[str, int], list[str]]:
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, raw in enumerate(header):
        name = _HEADER_TO_COLUMN.get(normalise_header(raw))
        if name is None:
            if not _is_blank([raw]):
                ignored.append(str(raw).strip())
            continue
        if name in columns:
            raise ImportFileError(
                Problem.DUPLICATE_COLUMN,
                _("The column “%(column)s” appears twice in the header.") % {"column": name},
            )
        columns[name] = index
    missing = [c.name for c in COLUMNS if c.required and c.name not in columns]
    if missing:
        raise ImportFileError(
            Problem.MISSING_COLUMNS,
            _(
                "Required columns are missing: %(columns)s. The first row must name the columns, as in the "
                "template."
            )
            % {"columns": ", ".join(missing)},
        )
    return columns, ignored


def _collect(file_format: str, records: Iterator[tuple[int, list]]) -> Table:
    """The first non-blank record is the header; blank rows are skipped (they keep their numbers)."""
    columns: dict[str, int] | None = None
    table = Table(format=file_format, rows=[])
    blank_run = 0
    for number, values in records:
        if _is_blank(values):
            blank_run += 1
            if columns is not None and blank_run >= MAX_BLANK_RUN:
                break
            continue
        blank_run = 0
        if columns is None:
            columns, table.ignored_columns = _map_header(values)
            continue
        if len(table.rows) >= MAX_ROWS:
            raise ImportFileError(
                Problem.TOO_MANY_ROWS,
                _("The file has more than %(max)d officers. Split it into several files.")
                % {"max": MAX_ROWS},
            )
        table.rows.append(
            (number, {name: values[i] if i < len(values) else None for name, i in columns.items()})
        )
    if columns is None:
        raise ImportFileError(Problem.FILE_EMPTY, _("The file is empty."))
    if not table.rows:
        raise ImportFileError(Problem.NO_ROWS, _("The file has a header but no officers."))
    return table


# --- 2. checking the rows ---------------------------------------------------------------------


def _text(value) -> str:
    """A cell as text. Spreadsheets turn digit strings into numbers: 850101105001.0 → "850101105001"."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    return str(value).strip()


def _digits_cell(value, width: int) -> str:
    """MyKad numbers typed into a number cell lose their leading zeros (born 2000-2009): put them back."""
    text = _text(value)
    if isinstance(value, int | float) and text.isdigit() and len(text) < width:
        return text.zfill(width)
    return text


def _phone_cell(value) -> str:
    text = _text(value)
    if isinstance(value, int | float) and text.isdigit() and not text.startswith(("0", "60")):
        return "0" + text  # 0123456789 typed into a number cell became 123456789
    return text


def parse_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            parsed = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        if parsed.year >= 1900:
            return parsed
    raise ValueError(text)


class _RowChecker:
    """Checks one row's own cells (nothing that needs the database or the other rows)."""

    def __init__(self, number: int, cells: dict, errors: list[RowError]):
        self.number, self.cells, self.errors = number, cells, errors

    def error(self, column: str, code: Problem, message: str, value=None) -> None:
        shown = _text(self.cells.get(column)) if value is None else value
        self.errors.append(RowError(self.number, column, shown[:200], code, message))

    def text(self, column: str) -> str:
        value = _text(self.cells.get(column))
        limit = MAX_LENGTHS.get(column)
        if limit and len(value) > limit:
            self.error(
                column,
                Problem.TOO_LONG,
                _("At most %(max)d characters (this has %(n)d).") % {"max": limit, "n": len(value)},
            )
            return value[:limit]
        return value

    def mykad(self) -> str:
        raw = _digits_cell(self.cells.get("mykad"), 12)
        if not raw:
            self.error("mykad", Problem.MYKAD_REQUIRED, _("The MyKad number is required."))
            return ""
        number = normalise_mykad(raw)
        try:
            validate_mykad(number)
        except ValidationError as exc:
            self.error("mykad", Problem.MYKAD_INVALID, " ".join(exc.messages))
            return ""
        return number

    def supervisor_mykad(self) -> str:
        raw = _digits_cell(self.cells.get("supervisor_mykad"), 12)
        return normalise_mykad(raw) if raw else ""

    def email(self) -> str:
        value = self.text("email")
        if value:
            try:
                validate_email(value)
            except ValidationError:
                self.error("email", Problem.EMAIL_INVALID, _("Not a valid email address."))
                return ""
        return value

    def phone(self) -> str:
        value = _phone_cell(self.cells.get("phone"))
        if not value:
            return ""
        try:
            return clean_phone(value)
        except ValidationError as exc:
            self.error("phone", Problem.PHONE_INVALID, " ".join(exc.messages), value=value)
            return ""

    def roles(self) -> list[str]:
        roles = {Role.OFFICER.value}
        for name in re.split(r"[,;|]", _text(self.cells.get("roles"))):
            key = normalise_header(name)
            if not key:
                continue
            role = ROLE_NAMES.get(key)
            if role is None:
                self.error(
                    "roles",
                    Problem.ROLE_UNKNOWN,
                    _(
                        "Unknown role “%(role)s”. Use penyelia, eksekutif or pentadbir "
                        "(or supervisor, executive, org_admin)."
                    )
                    % {"role": name.strip()},
                )
            else:
                roles.add(role.value)
        return sorted(roles)

    def join_date(self) -> datetime.date | None:
        value = self.cells.get("join_date")
        if value is None or _text(value) == "":
            return None
        try:
            joined = parse_date(value)
        except ValueError:
            self.error("join_date", Problem.DATE_INVALID, _("Not a date: use YYYY-MM-DD or DD/MM/YYYY."))
            return None
        if joined > timezone.localdate():
            self.error(
                "join_date",
                Problem.DATE_FUTURE,
                _("The date joined cannot be in the future (%(date)s).") % {"date": f"{joined:%d/%m/%Y}"},
            )
            return None
        return joined

    def parse(self) -> OfficerRow:
        row = OfficerRow(row=self.number, mykad=self.mykad())
        if row.mykad == EXAMPLE_MYKAD and _text(self.cells.get("full_name")) == EXAMPLE_NAME:
            self.error("mykad", Problem.EXAMPLE_ROW, _("This is the template's example row: delete it."))
        row.full_name = self.text("full_name")
        if not row.full_name:
            self.error("full_name", Problem.NAME_REQUIRED, _("The full name is required."))
        row.email = self.email()
        row.phone = self.phone()
        row.grade = self.text("grade")
        row.position = self.text("position")
        row.supervisor_mykad = self.supervisor_mykad()
        row.roles = self.roles()
        row.join_date = self.join_date()
        return row


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _existing_usernames(mykads: list[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(mykads, 5000):
        found.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))
    return found


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


class _UnitResolver:
    """Organisation units by code, else by exact name (case and spacing ignored)."""

    def __init__(self):
        self.by_code: dict[str, list[dict]] = defaultdict(list)
        self.by_name: dict[str, list[dict]] = defaultdict(list)
        for unit in OrgUnit.objects.values("pk", "code", "name", "is_active"):
            if unit["code"]:
                self.by_code[_fold(unit["code"])].append(unit)
            self.by_name[_fold(unit["name"])].append(unit)

    def resolve(self, value: str) -> tuple[int | None, Problem | None, str]:
        key = _fold(value)
        matches = self.by_code.get(key) or self.by_name.get(key) or []
        if not matches:
            return None, Problem.ORG_UNIT_UNKNOWN, _("No organisation unit has this code or name.")
        if len(matches) > 1:
            return (
                None,
                Problem.ORG_UNIT_AMBIGUOUS,
                _("%(n)d organisation units are called this: use the unit's code.") % {"n": len(matches)},
            )
        if not matches[0]["is_active"]:
            return None, Problem.ORG_UNIT_INACTIVE, _("This organisation unit is no longer active.")
        return matches[0]["pk"], None, ""


def _check_org_units(rows: list[tuple[OfficerRow, dict]], errors: list[RowError]) -> None:
    resolver = _UnitResolver()
    for row, cells in rows:
        value = _text(cells.get("org_unit"))
        if value:
            row.org_unit_id, code, message = resolver.resolve(value)
            if code is not None:
                errors.append(RowError(row.row, "org_unit", value[:200], code, message))


def _check_supervisors(
    rows: list[OfficerRow], by_mykad: dict[str, OfficerRow], errors: list[RowError]
) -> None:
    wanted = sorted(
        {r.supervisor_mykad for r in rows if r.supervisor_mykad and r.supervisor_mykad not in by_mykad}
    )
    existing: dict[str, tuple[int, bool]] = {}
    for chunk in _chunks(wanted, 5000):
        for username, pk, active in Officer.objects.filter(user__username__in=chunk).values_list(
            "user__username", "pk", "user__is_active"
        ):
            existing[username] = (pk, active)
    for row in rows:
        mykad = row.supervisor_mykad
        if not mykad:
            continue
        if mykad in by_mykad:
            row.supervisor_row = by_mykad[mykad]
        elif mykad in existing:
            pk, active = existing[mykad]
            if active:
                row.supervisor_id = pk
            else:
                errors.append(
                    RowError(
                        row.row,
                        "supervisor_mykad",
                        mykad,
                        Problem.SUPERVISOR_INACTIVE,
                        _("The supervisor's account is not active."),
                    )
                )
        else:
            errors.append(
                RowError(
                    row.row,
                    "supervisor_mykad",
                    mykad,
                    Problem.SUPERVISOR_UNKNOWN,
                    _("No officer of the agency nor any row of this file has this MyKad number."),
                )
            )
    _check_cycles(rows, errors)


def _check_cycles(rows: list[OfficerRow], errors: list[RowError]) -> None:
    """Rows of the file that supervise each other in a circle. (Existing officers cannot be part of
    one: none of them can have a supervisor who does not exist yet.)"""
    done: set[int] = set()
    for start in rows:
        path: list[OfficerRow] = []
        on_path: set[int] = set()
        node = start
        while node is not None and node.row not in done and node.row not in on_path:
            path.append(node)
            on_path.add(node.row)
            node = node.supervisor_row
        if node is not None and node.row in on_path:
            cycle = path[path.index(node) :]
            for member in cycle:
                if len(cycle) == 1:
                    message = _("An officer cannot be their own supervisor.")
                else:
                    message = _("Rows %(rows)s supervise each other in a circle.") % {
                        "rows": ", ".join(str(m.row) for m in cycle)
                    }
                errors.append(
                    RowError(
                        member.row,
                        "supervisor_mykad",
                        member.supervisor_mykad,
                        Problem.SUPERVISOR_CYCLE,
                        message,
                    )
                )
        done.update(on_path)


def check_rows(table: Table) -> tuple[list[OfficerRow], list[RowError]]:
    """Every row checked; the rows are only worth writing when the error list is empty."""
    errors: list[RowError] = []
    parsed = [(_RowChecker(number, cells, errors).parse(), cells) for number, cells in table.rows]
    rows = [row for row, _cells in parsed]

    by_mykad: dict[str, OfficerRow] = {}
    for row in rows:
        if not row.mykad:
            continue
        first = by_mykad.setdefault(row.mykad, row)
        if first is not row:
            errors.append(
                RowError(
                    row.row,
                    "mykad",
                    row.mykad,
                    Problem.MYKAD_DUPLICATE,
                    _("This MyKad number is already on row %(row)d.") % {"row": first.row},
                )
            )
    for mykad in _existing_usernames(list(by_mykad)):
        row = by_mykad[mykad]
        errors.append(
            RowError(
                row.row,
                "mykad",
                mykad,
                Problem.MYKAD_EXISTS,
                _("An officer with this MyKad number already exists in the agency."),
            )
        )
    _check_org_units(parsed, errors)
    _check_supervisors(rows, by_mykad, errors)

    order = {name: i for i, name in enumerate(COLUMN_NAMES)}
    errors.sort(key=lambda e: (e.row, order.get(e.column, 99)))
    return rows, errors


# --- 3. writing -------------------------------------------------------------------------------


def _lock_imports() -> None:
    """One import at a time per agency: two imports of the same people would both pass the checks."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))", [f"spotme:import:{connection.schema_name}"]
        )


def unusable_password() -> str:
    """What make_password(None) stores ("!" + 40 random characters), from one urandom call instead of
    40 secrets.choice() calls: a fifth of the whole write for 5,000 accounts."""
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _next_ids(model, count: int) -> list[int]:
    """`count` fresh primary keys from the model's own id sequence (identity column)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [model._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def write_officers(rows: list[OfficerRow], *, batch: ImportBatch, actor=None, request=None) -> list[User]:
    """Users, officers, supervisors and roles of checked rows, in bulk (call inside a transaction)."""
    now = timezone.now()
    users = [
        User(
            username=r.mykad,
            full_name=r.full_name,
            email=r.email,
            phone=r.phone,
            password=unusable_password(),  # the officer chooses one through their activation link
            must_change_password=True,
            date_joined=now,
        )
        for r in rows
    ]
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    # Officers' ids are drawn from their sequence first, so that a supervisor who is another row of
    # the file is set in the same insert: no second pass (bulk_update of 5,000 rows took longer than
    # everything else together). Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so a row
    # may name a supervisor inserted after it; the constraint is checked at commit.
    officer_ids = _next_ids(Officer, len(rows))
    # Related objects rather than bare ids: the audit entries below name them without a query each.
    units = OrgUnit.objects.in_bulk({r.org_unit_id for r in rows if r.org_unit_id})
    existing = Officer.objects.select_related("user").in_bulk(
        {r.supervisor_id for r in rows if r.supervisor_id}
    )
    officers = [
        Officer(
            pk=pk,
            user=user,
            grade=r.grade,
            position=r.position,
            org_unit=units.get(r.org_unit_id),
            join_date=r.join_date,
        )
        for r, user, pk in zip(rows, users, officer_ids, strict=True)
    ]
    by_mykad = {r.mykad: officer for r, officer in zip(rows, officers, strict=True)}
    for r, officer in zip(rows, officers, strict=True):
        officer.supervisor = (
            by_mykad[r.supervisor_row.mykad] if r.supervisor_row else existing.get(r.supervisor_id)
        )
    Officer.objects.bulk_create(officers, batch_size=BATCH_SIZE)

    group_ids = {g.name: g.pk for g in Role.groups(*Role)}
    membership = User.groups.through
    membership.objects.bulk_create(
        [
            membership(user_id=u.pk, group_id=group_ids[role])
            for r, u in zip(rows, users, strict=True)
            for role in r.roles
        ],
        batch_size=5000,
    )
    _record_role_events(rows, users, batch=batch, actor=actor, request=request)
    # bulk_create sends no signals: the data-change trail gets its "created" entries here.
    record_bulk_creation([*users, *officers], request=request, actor=actor)
    return users


def _record_role_events(rows, users, *, batch, actor, request) -> None:
    """The same ROLE_CHANGED event create_officer records for each new account, in bulk."""
    ip = client_ip(request)
    agent = (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:500]
    AuthEvent.objects.bulk_create(
        [
            AuthEvent(
                kind=AuthEventKind.ROLE_CHANGED,
                user=user,
                username=user.username,
                actor=actor,
                ip_address=ip,
                user_agent=agent,
                details={"before": [], "after": r.roles, "import_batch": batch.pk},
            )
            for r, user in zip(rows, users, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )


# --- the whole import -------------------------------------------------------------------------


def _new_batch(report: ImportReport, data: bytes | None, actor) -> ImportBatch:
    return ImportBatch(
        file_name=(report.file_name or "")[:255],
        file_size=len(data or b""),
        file_sha256=hashlib.sha256(data).hexdigest() if data is not None else "",
        dry_run=report.dry_run,
        created_by=actor if getattr(actor, "pk", None) else None,
        created_by_username=actor.get_username() if getattr(actor, "pk", None) else "",
    )


def _finish_batch(batch: ImportBatch, report: ImportReport, started: float) -> ImportBatch:
    if not report.ok:
        batch.status = ImportBatch.Status.REJECTED
    else:
        batch.status = ImportBatch.Status.CHECKED if report.dry_run else ImportBatch.Status.IMPORTED
    batch.file_format = report.format
    batch.rows = report.rows
    batch.error_count = report.error_count
    batch.file_error = report.file_error.code if report.file_error else ""
    batch.errors = [
        {"row": e.row, "column": e.column, "code": e.code} for e in report.errors[:MAX_STORED_ERRORS]
    ]
    batch.created_count = report.created
    batch.activation_emails = report.activation_emails
    batch.duration_ms = int((time.monotonic() - started) * 1000)
    batch.save()
    report.batch = batch
    return batch


def import_officers(
    *, file_name: str, data: bytes, dry_run: bool = True, actor=None, request=None, notify: bool = True
) -> ImportReport:
    """Check a file of officers and, unless `dry_run` or any row is wrong, import all of it."""
    started = time.monotonic()
    report = ImportReport(file_name=file_name, dry_run=dry_run)
    batch = _new_batch(report, data, actor)
    try:
        table = read_table(file_name, data)
    except ImportFileError as exc:
        report.file_error = exc
        _finish_batch(batch, report, started)
        return report
    report.format, report.rows, report.ignored_columns = table.format, len(table.rows), table.ignored_columns
    try:
        with transaction.atomic():
            if not dry_run:
                _lock_imports()
            rows, errors = check_rows(table)
            report.error_count, report.rows_with_errors = len(errors), len({e.row for e in errors})
            report.errors = errors[:MAX_REPORTED_ERRORS]
            report.roles = dict(Counter(role for r in rows for role in r.roles))
            report.without_email = sum(1 for r in rows if not r.email)
            if not report.ok or dry_run:
                _finish_batch(batch, report, started)
                return report
            batch.status = ImportBatch.Status.IMPORTED
            batch.save()  # the id goes into the role events
            users = write_officers(rows, batch=batch, actor=batch.created_by, request=request)
            report.created = len(users)
            from .signals import officers_changed  # followers: opendata's officer.changed webhook

            officers_changed.send(sender=ImportBatch, user_ids=[u.pk for u in users], change="created")
            with_email = [u.pk for u in users if u.email]
            if notify and with_email:
                from .activation import queue_activation_emails

                report.activation_emails = len(with_email)
                queue_activation_emails(with_email)  # the outbox, in this transaction
            _finish_batch(batch, report, started)
    except IntegrityError:
        # Someone added one of these officers between the check and the write (outside this lock,
        # e.g. through the form): nothing was written; the user runs the import again.
        log.warning("officer import %s hit a conflicting write", file_name, exc_info=True)
        report.created, report.activation_emails = 0, 0
        report.file_error = ImportFileError(
            Problem.CONFLICT,
            _("Someone changed the officers while the file was imported. Nothing was imported: try again."),
        )
        _finish_batch(_new_batch(report, data, actor), report, started)
    log.info(
        "officer import %s: %s, %d rows, %d errors, %d created, %d ms",
        file_name,
        report.batch.status,
        report.rows,
        report.error_count,
        report.created,
        report.batch.duration_ms,
    )
    return report


def refuse_upload(*, file_name: str, dry_run: bool, actor, error: ImportFileError) -> ImportReport:
    """An upload refused before its content could be read (too large): recorded like any other."""
    report = ImportReport(file_name=file_name, dry_run=dry_run, file_error=error)
    _finish_batch(_new_batch(report, None, actor), report, time.monotonic())
    return report
