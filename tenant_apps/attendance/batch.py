"""Recomputing many officer-days at once (device data imports, large corrections).

`services.recompute_day` reads one day in ~10 queries: right for a clock-in, far too slow for the
100,000 punches a morning device pull may bring. `recompute_many` gives exactly the same records and
issues (an equivalence test holds it to that) but loads each kind of fact for all the officer-days in
one statement (joined to exactly those days, their keys sent as two texts), evaluates each day once
with the same pure functions (`calendar.build_facts`, `services.day_punches`, `rules.evaluate`) and
writes through COPY into a staging table then one INSERT … ON CONFLICT per table: a fixed number of
statements whatever the number of officers (tests/devices/test_ingest_batch.py counts them)."""

from __future__ import annotations

from collections import defaultdict, namedtuple
from collections.abc import Callable, Iterable
from datetime import date
from zoneinfo import ZoneInfo

import psycopg
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone
from psycopg.types.datetime import TimestamptzLoader

from tenant_apps.organisation.models import AgencyProfile

from . import agency_config, calendar, rules
from .models import (
    Arrangement,
    AttendanceDay,
    AttendanceIssue,
    ClockAdjustment,
    Leave,
    OfficerPattern,
    Policy,
)
from .services import day_punches, issue_plan

# Officer-days per round: a round reads and writes in a fixed number of statements, whatever the
# number of officers; a larger batch is cut in rounds only to bound the memory used (~0.5 kB a day).
CHUNK = 50_000

Key = tuple[int, date]


class _Calendar:
    """The agency-wide facts (policies, holiday overrides) from the cached configuration
    (`agency_config`), with per-day memos."""

    def __init__(self, profile: AgencyProfile):
        self.state = profile.state
        self.tz = ZoneInfo(profile.timezone)
        self.config = agency_config.current()
        self.location = calendar.location_rules(profile)
        self._policy_cache: dict[date, Policy | None] = {}
        self._pattern_cache: dict[int | None, rules.Pattern] = {}
        self._holiday_cache: dict[date, str | None] = {}

    def policy(self, day: date) -> Policy | None:
        if day not in self._policy_cache:
            self._policy_cache[day] = self.config.policy_for(day)
        return self._policy_cache[day]

    def default_pattern(self, policy: Policy | None) -> rules.Pattern:
        key = policy.pk if policy is not None else None
        if key not in self._pattern_cache:
            self._pattern_cache[key] = policy.default_pattern.as_rule() if policy is not None else rules.WBF
        return self._pattern_cache[key]

    def holiday(self, day: date) -> str | None:
        if day not in self._holiday_cache:
            self._holiday_cache[day] = calendar.holiday_from(self.state, day, self.config.overrides.get(day))
        return self._holiday_cache[day]


def recompute_many(
    keys: Iterable[Key],
    *,
    closed: bool | None = None,
    close_before: date | None = None,
    provisional: Callable[[int, date], bool] | None = None,
    profile: AgencyProfile | None = None,
    chunk: int = CHUNK,
) -> int:
    """Recompute the given (officer_id, date) days and sync their issues, as `recompute_day` does for
    one. `closed`: as in `recompute_day` (None keeps each record's own state); `close_before`: a day
    before this date with no record yet is recomputed as closed (the nightly close has passed it);
    `provisional(officer_id, day)`: sets the records' provisional mark (None leaves it alone).
    Returns the number of days recomputed. Run inside the caller's transaction, or its own."""
    keys = sorted(set(keys))
    if not keys:
        return 0
    profile = profile or AgencyProfile.current()
    agency = _Calendar(profile)
    with transaction.atomic():
        for i in range(0, len(keys), chunk):
            _recompute_chunk(keys[i : i + chunk], agency, closed, close_before, provisional)
    return len(keys)


# What `services.day_punches` reads of a ClockEvent, without a model instance per row (a tuple:
# built in C from each row).
_Event = namedtuple(
    "_Event", ("pk", "at", "direction", "inside", "location_status", "source", "overridden_by_device")
)


class _Issue:
    __slots__ = ("pk", "code", "status", "reason")

    def __init__(self, pk, code, status, reason):
        self.pk, self.code, self.status, self.reason = pk, code, status, reason


def _recompute_chunk(keys, agency: _Calendar, closed, close_before, provisional) -> None:
    from tenant_apps.movements.models import Movement

    wanted = set(keys)
    start, end = min(k[1] for k in keys), max(k[1] for k in keys)
    months = sorted({calendar.month_start(k[1]) for k in keys})
    # The facts of exactly these officer-days, each kind in one statement whatever their number: the
    # frequent ones (events, records, issues) joined to the keys in SQL; the rare ones (adjustments,
    # patterns, leave, arrangements, movements) by officer, through the ORM (model instances).
    days_sql, days_params = key_relation(keys)
    # A constant statement; the ids are its one parameter (integers joined by commas).
    officers = RawSQL(OFFICERS_SQL, [",".join(str(int(o)) for o in sorted({k[0] for k in keys}))])  # noqa: S611

    events = defaultdict(list)
    make_event = _Event._make
    for officer_id, day, *values in execute_binary(
        "SELECT e.officer_id, e.attendance_date, e.id, e.at, e.direction, e.inside, e.location_status,"
        " e.source, e.overridden_by_device"
        f" FROM {days_sql} JOIN attendance_clockevent e"
        " ON e.officer_id = k.officer_id AND e.attendance_date = k.day"
        " ORDER BY e.at, e.id",  # the model's ordering, as recompute_day reads them
        days_params,
        fetch=True,
    ):
        events[(officer_id, day)].append(make_event(values))
    adjustments = defaultdict(list)
    for adjustment in ClockAdjustment.objects.filter(
        officer_id__in=officers, attendance_date__range=(start, end)
    ).order_by("pk"):
        key = (adjustment.officer_id, adjustment.attendance_date)
        if key in wanted:
            adjustments[key].append(adjustment)
    records = {
        (officer_id, day): (was_closed, was_provisional)
        for officer_id, day, was_closed, was_provisional in execute_binary(
            f"SELECT d.officer_id, d.date, d.closed, d.provisional FROM {days_sql}"
            " JOIN attendance_attendanceday d ON d.officer_id = k.officer_id AND d.date = k.day",
            days_params,
            fetch=True,
        )
    }
    issues = defaultdict(dict)
    for pk, officer_id, day, code, status, reason in execute_binary(
        f"SELECT i.id, i.officer_id, i.date, i.code, i.status, i.reason FROM {days_sql}"
        " JOIN attendance_attendanceissue i ON i.officer_id = k.officer_id AND i.date = k.day",
        days_params,
        fetch=True,
    ):
        issues[(officer_id, day)][code] = _Issue(pk, code, status, reason)
    patterns = {
        (p.officer_id, p.month): p.pattern.as_rule()
        for p in OfficerPattern.objects.select_related("pattern").filter(
            officer_id__in=officers, month__in=months
        )
    }
    leaves = defaultdict(list)
    for leave in Leave.objects.filter(
        officer_id__in=officers, start_date__lte=end, end_date__gte=start
    ).order_by("pk"):
        leaves[leave.officer_id].append(leave)
    arrangements = defaultdict(list)
    for arrangement in Arrangement.objects.filter(
        officer_id__in=officers, start_date__lte=end, end_date__gte=start
    ).order_by("pk"):
        arrangements[arrangement.officer_id].append(arrangement)
    movements = defaultdict(list)
    for movement in Movement.objects.filter(
        officer_id__in=officers, date__range=(start, end), status=Movement.Status.ACTIVE
    ):
        key = (movement.officer_id, movement.date)
        if key in wanted:
            movements[key].append(movement)

    rows = []
    new_issues, changed_issues = [], []
    no_events, no_adjustments = [], []
    for officer_id, day in keys:
        policy = agency.policy(day)
        pattern = patterns.get((officer_id, calendar.month_start(day)))
        if pattern is None:
            pattern = agency.default_pattern(policy)
        leave = (
            next((x for x in leaves[officer_id] if x.start_date <= day <= x.end_date), None)
            if leaves[officer_id]
            else None
        )
        day_arrangements = arrangements[officer_id]
        if day_arrangements:
            day_arrangements = [a for a in day_arrangements if a.start_date <= day <= a.end_date]
        day_movements = movements.get((officer_id, day))
        facts = calendar.build_facts(
            day,
            agency.state,
            policy,
            pattern,
            agency.holiday(day),
            leave,
            day_arrangements,
            excused_windows=sorted(m.window(agency.tz) for m in day_movements if m.excuses)
            if day_movements
            else (),
            **agency.location,
        )
        record = records.get((officer_id, day))
        if closed is not None:
            day_closed = closed
        elif record is not None:
            day_closed = record[0]
        else:
            day_closed = close_before is not None and day < close_before
        result = rules.evaluate(
            facts,
            day_punches(
                events.get((officer_id, day), no_events),
                adjustments.get((officer_id, day), no_adjustments),
                agency.tz,
            ),
            closed=day_closed,
        )
        if provisional is not None:
            day_provisional = provisional(officer_id, day)
        else:
            day_provisional = record[1] if record is not None else False
        rows.append(
            (
                officer_id,
                day,
                facts.pattern.code,
                result.working_day,
                result.first_in,
                result.last_out,
                result.expected_out,
                result.worked_minutes,
                result.late_minutes,
                result.early_minutes,
                ",".join(str(c) for c in result.codes),
                str(result.primary),
                day_closed,
                day_provisional,
            )
        )
        _sync_issues(
            officer_id, day, result, day_closed, issues.get((officer_id, day), {}), new_issues, changed_issues
        )

    _upsert_days(rows)
    insert_rows(AttendanceIssue, (("officer_id", "bigint"), ("date", "date"), ("code", "text")), new_issues)
    if changed_issues:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE attendance_attendanceissue i SET status = v.status "
                "FROM unnest(%s::bigint[], %s::text[]) AS v(id, status) WHERE i.id = v.id",
                [[i.pk for i in changed_issues], [str(i.status) for i in changed_issues]],
            )


# The columns recompute writes, in `rows` order, with their array types for unnest().
DAY_COLUMNS = (
    ("officer_id", "bigint"),
    ("date", "date"),
    ("pattern_code", "text"),
    ("working_day", "boolean"),
    ("first_in", "timestamptz"),
    ("last_out", "timestamptz"),
    ("expected_out", "timestamptz"),
    ("worked_minutes", "integer"),
    ("late_minutes", "integer"),
    ("early_minutes", "integer"),
    ("codes", "text"),  # comma-joined, split back in SQL
    ("primary", "text"),
    ("closed", "boolean"),
    ("provisional", "boolean"),
)


def _upsert_days(rows: list[tuple]) -> None:
    """New and existing records alike, in one INSERT … ON CONFLICT (officer, date) DO UPDATE."""
    columns = [name for name, _ in DAY_COLUMNS]
    updates = [*columns[2:], "updated_at"]
    insert_rows(
        AttendanceDay,
        DAY_COLUMNS,
        rows,
        conflict=("officer_id", "date"),
        update=updates,
        convert={"codes": "string_to_array(v.codes, ',')::varchar(16)[]"},
    )


def key_relation(keys) -> tuple[str, list]:
    """SQL for the relation k(officer_id, day) of `keys`, and its parameters: two comma-joined
    texts the server splits (psycopg dumps an array parameter element by element in Python, ~2 µs
    each; a text is sent as it is), so a statement's size does not depend on the number of keys."""
    return (
        "unnest(string_to_array(%s, ',')::bigint[], string_to_array(%s, ',')::date[]) AS k(officer_id, day)",
        [",".join(str(k[0]) for k in keys), ",".join(k[1].isoformat() for k in keys)],
    )


# The officer ids of a chunk as a subquery (a filter of the ORM's reads): one text parameter.
OFFICERS_SQL = "SELECT unnest(string_to_array(%s, ',')::bigint[])"

_STAGE = "pg_temp.spotme_bulk_rows"


def insert_rows(model, columns, rows, *, conflict=(), update=(), convert=None, returning=()):
    """INSERT rows into `model`'s table: copied (COPY … FORMAT BINARY, formatted by psycopg's C
    code) into a temporary table dropped at once, then INSERT … SELECT from it — no model instance,
    no parameter per value, four statements whatever the number of rows. `columns`: (column, SQL
    type); the model's other columns get their default (auto_now fields: now). With `conflict` and
    no `update`, rows that conflict are skipped; with `update`, those columns are overwritten.
    Returns the `returning` columns of the rows written (else the number of rows written)."""
    if not rows:
        return []
    convert = convert or {}
    now = timezone.now()
    names = [name for name, _ in columns]
    others = [f for f in model._meta.concrete_fields if not f.primary_key and f.column not in names]
    constants = [
        now
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_db_prep_save(f.get_default(), connection)
        for f in others
    ]
    quoted = ", ".join(f'"{n}"' for n in names)
    other_columns = "".join(f', "{f.column}"' for f in others)
    selected = ", ".join(convert.get(n, f'v."{n}"') for n in names)
    other_values = "".join(", %s" for _ in others)
    sql = (
        f'INSERT INTO "{model._meta.db_table}" ({quoted}{other_columns}) '
        f"SELECT {selected}{other_values} FROM {_STAGE} AS v"
    )
    if update:
        sets = ", ".join(f'"{n}" = EXCLUDED."{n}"' for n in update)
        sql += f" ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {sets}"
    elif conflict:
        sql += " ON CONFLICT DO NOTHING"
    if returning:
        sql += f" RETURNING {', '.join(returning)}"
    definition = ", ".join(f'"{name}" {kind}' for name, kind in columns)
    with raw_cursor() as cursor:
        cursor.execute(f"CREATE TEMPORARY TABLE {_STAGE.split('.')[1]} ({definition}) ON COMMIT DROP")
        with cursor.copy(f"COPY {_STAGE} FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types([kind for _, kind in columns])
            for row in rows:
                copy.write_row(row)
        cursor.execute(sql, constants)
        result = cursor.fetchall() if returning else cursor.rowcount
        cursor.execute(f"DROP TABLE {_STAGE}")
    return result


def raw_cursor() -> psycopg.Cursor:
    """A plain psycopg cursor on Django's connection, in its transaction, with the agency's
    search_path: server-side binding (Django's cursors bind on the client: every value of a large
    parameter rendered into the statement by Python), and timestamps loaded by psycopg's own C
    loader (Django's, for its cursors, is Python: ~10 µs a value) — in the session's time zone, UTC,
    as Django's."""
    with connection.cursor():
        pass  # the agency's search_path is set on the connection
    cursor = psycopg.Cursor(connection.connection)  # not Django's ClientCursor factory
    cursor.adapters.register_loader("timestamptz", TimestamptzLoader)
    return cursor


def execute_binary(sql: str, params: list, *, fetch: bool = False):
    """Run `sql` with `params` on a `raw_cursor` (`%b`: a parameter sent in binary). Returns the rows
    when `fetch`, else the row count."""
    with raw_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if fetch else cursor.rowcount


def _sync_issues(officer_id, day, result, closed, existing, new_issues, changed_issues) -> None:
    """`services.sync_issues`, collecting the writes instead of making them."""
    codes, changed = issue_plan(result, closed=closed, existing=existing)
    new_issues.extend((officer_id, day, code) for code in codes)
    changed_issues.extend(changed)
