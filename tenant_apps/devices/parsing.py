"""Reading device data: the ZKTeco attendance log (ATTLOG), CSV, and the agency API's JSON.

Pure functions (no database): bytes in, punches or a list of row errors out. A file or payload with
any bad row is rejected whole (the caller writes nothing), so every error is collected, not just the
first one."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

MAX_BYTES = 50 * 1024 * 1024
MAX_RECORDS = 1_000_000
MAX_ERRORS_KEPT = 100

TIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)

# ZKTeco status codes: 0 check-in, 1 check-out, 2 break-out, 3 break-in, 4 overtime-in, 5 overtime-out.
IN_STATUSES = {
    "0",
    "3",
    "4",
    "in",
    "i",
    "checkin",
    "check-in",
    "check_in",
    "c/in",
    "masuk",
    "breakin",
    "otin",
}
OUT_STATUSES = {
    "1",
    "2",
    "5",
    "out",
    "o",
    "checkout",
    "check-out",
    "check_out",
    "c/out",
    "keluar",
    "breakout",
    "otout",
}

MESSAGES = {
    "empty": _("The file holds no records."),
    "too_large": _("The file is too large."),
    "too_many": _("Too many records in one file."),
    "encoding": _("The file is not text (UTF-8)."),
    "null_character": _("The file contains NUL characters: it is not a text log."),
    "columns": _("The columns are not the expected ones."),
    "json": _("The payload is not valid JSON."),
    "records_path": _("The records are not where the settings say (records path)."),
    "record": _("A record is not an object."),
    "user_id": _("The user ID is missing or too long."),
    "timestamp": _("The time is missing or not a date and time."),
    "status": _("The status is not one the device uses."),
    "fields": _("Too few fields on the line (user ID, time, status, verify mode, work code)."),
}


class PayloadError(Exception):
    """The whole file or payload is refused. `errors`: [{row, field, code, message}]."""

    def __init__(self, errors: list[dict], total: int | None = None):
        self.errors = errors[:MAX_ERRORS_KEPT]
        self.total = total if total is not None else len(errors)
        super().__init__(f"{self.total} errors, first: {errors[0] if errors else None}")


@dataclass(frozen=True)
class RawPunch:
    row: int  # line number (files) or record number (API), for reports
    user_id: str
    at: datetime  # aware
    status: str = ""
    verify: str = ""
    work_code: str = ""


@dataclass(frozen=True)
class FieldMap:
    user_id: str = "user_id"
    timestamp: str = "timestamp"
    status: str = "status"
    verify: str = "verify"
    work_code: str = "work_code"
    records_path: str = "data"

    @classmethod
    def of(cls, integration) -> FieldMap:
        return cls(
            integration.field_user_id,
            integration.field_timestamp,
            integration.field_status,
            integration.field_verify,
            integration.field_work_code,
            integration.records_path,
        )


def error(row: int, field: str, code: str) -> dict:
    return {"row": row, "field": field, "code": code, "message": str(MESSAGES[code])}


def parse_time(value, tz: ZoneInfo) -> datetime | None:
    """A device time: naive text in the device's time zone, ISO 8601 with an offset, or Unix seconds.
    Seconds are the device's resolution; anything finer is dropped."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        try:
            return datetime.fromtimestamp(int(value), tz=UTC)
        except (OverflowError, OSError, ValueError):
            return None
    text = str(value).strip()
    if not text:
        return None
    parsed = None
    if len(text) >= 16 and text[4] == "-" and text[10] in " T":
        # The common case (ATTLOG, ISO 8601): the fast C parser, offsets included.
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
    for fmt in () if parsed is not None else TIME_FORMATS:
        try:
            parsed = datetime.strptime(text, fmt)
            break
        except ValueError:
            continue
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=tz)
    if not 2000 <= parsed.year <= 2100:
        return None
    return parsed.replace(microsecond=0)


def valid_status(status: str) -> bool:
    s = status.strip().lower()
    return s == "" or s.isdigit() or s in IN_STATUSES or s in OUT_STATUSES


def direction_of(status: str, mode: str) -> str:
    """ "in", "out", or "punch" (no direction: the rules take the first as in, the last as out)."""
    if mode != "status":
        return "punch"
    s = status.strip().lower()
    if s in IN_STATUSES:
        return "in"
    if s in OUT_STATUSES:
        return "out"
    return "punch"


def _record(row: int, user_id, when, status, verify, work_code, tz, errors: list) -> RawPunch | None:
    user_id = "" if user_id is None else str(user_id).strip()
    status = "" if status is None else str(status).strip()
    ok = True
    if not user_id or len(user_id) > 64:
        errors.append(error(row, "user_id", "user_id"))
        ok = False
    at = parse_time(when, tz)
    if at is None:
        errors.append(error(row, "timestamp", "timestamp"))
        ok = False
    if not valid_status(status) or len(status) > 8:
        errors.append(error(row, "status", "status"))
        ok = False
    if not ok:
        return None
    return RawPunch(
        row, user_id, at, status, str(verify or "").strip()[:8], str(work_code or "").strip()[:16]
    )


def _text(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise PayloadError([error(0, "", "too_large")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise PayloadError([error(0, "", "encoding")]) from exc
    if "\x00" in text:  # PostgreSQL text cannot hold NUL: refuse the file, not a row at a time
        raise PayloadError([error(0, "", "null_character")])
    return text


def _finish(punches: list[RawPunch], errors: list[dict]) -> list[RawPunch]:
    if errors:
        raise PayloadError(errors)
    if len(punches) > MAX_RECORDS:
        raise PayloadError([error(0, "", "too_many")])
    return punches


def parse_attlog(data: bytes, tz: ZoneInfo) -> list[RawPunch]:
    """ZKTeco ATTLOG: one punch per line, tab-separated user ID, time, status, verify mode, work code
    (trailing reserved fields are ignored; the user ID is often padded with spaces)."""
    punches, errors = [], []
    for number, line in enumerate(_text(data).splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) < 3:
            errors.append(error(number, "", "fields"))
            continue
        fields += [""] * (5 - len(fields))
        punch = _record(number, fields[0], fields[1], fields[2], fields[3], fields[4], tz, errors)
        if punch is not None:
            punches.append(punch)
    if not punches and not errors:
        raise PayloadError([error(0, "", "empty")])
    return _finish(punches, errors)


def parse_csv(data: bytes, tz: ZoneInfo, fields: FieldMap = FieldMap()) -> list[RawPunch]:
    """CSV with a header row naming the columns as in the settings (user_id, timestamp, status,
    verify, work_code by default). Comma, semicolon or tab separated."""
    text = _text(data)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    if fields.user_id not in header or fields.timestamp not in header:
        raise PayloadError([error(1, "", "columns")])
    punches, errors = [], []
    for number, row in enumerate(reader, start=2):
        if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
            continue
        punch = _record(
            number,
            row.get(fields.user_id),
            row.get(fields.timestamp),
            row.get(fields.status, "") if fields.status else "",
            row.get(fields.verify, "") if fields.verify else "",
            row.get(fields.work_code, "") if fields.work_code else "",
            tz,
            errors,
        )
        if punch is not None:
            punches.append(punch)
    return _finish(punches, errors)


def parse_json(data: bytes, tz: ZoneInfo, fields: FieldMap = FieldMap()) -> list[RawPunch]:
    """The agency API's JSON: a list of records (objects) at `records_path` ("" for a bare list).
    An empty list is a valid answer (nothing new)."""
    try:
        document = json.loads(_text(data))
    except json.JSONDecodeError as exc:
        raise PayloadError([error(0, "", "json")]) from exc
    records = document
    for part in [p for p in fields.records_path.split(".") if p]:
        records = records.get(part) if isinstance(records, dict) else None
    if not isinstance(records, list):
        raise PayloadError([error(0, fields.records_path, "records_path")])
    punches, errors = [], []
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            errors.append(error(number, "", "record"))
            continue
        punch = _record(
            number,
            record.get(fields.user_id),
            record.get(fields.timestamp),
            record.get(fields.status, "") if fields.status else "",
            record.get(fields.verify, "") if fields.verify else "",
            record.get(fields.work_code, "") if fields.work_code else "",
            tz,
            errors,
        )
        if punch is not None:
            punches.append(punch)
    return _finish(punches, errors)


def detect_format(file_name: str, data: bytes) -> str:
    """ "attlog" or "csv": by extension (.dat / .txt are ATTLOG exports), else by the first line."""
    name = file_name.lower()
    if name.endswith((".dat", ".txt")):
        return "attlog"
    if name.endswith(".csv"):
        return "csv"
    first = data[:500].split(b"\n", 1)[0]
    return "attlog" if b"\t" in first and not any(c.isalpha() for c in first.decode("latin-1")[:3]) else "csv"
