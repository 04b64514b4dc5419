"""Everything one officer-day's recompute reads, in ONE round trip.

Recomputing a day needs eight small reads (the day's record, events, adjustments and issues; the
officer's pattern of the month, leave, arrangements and movements of the day). Through the ORM that
is eight round trips on every clock-in, the busiest write of the platform. Here they are one
`UNION ALL` of `row_to_json` rows, turned back into model instances with each field's own
`to_python` — the same objects the ORM would give, so everything downstream is unchanged.
(`tests/attendance/test_snapshot.py` checks it against the plain ORM reads.)

A clock-in starts from the signed-in user, not the officer: `user_snapshot` finds the officer (and
their org unit, for the office sites) by user in the same statement, so the officer lookup is not a
round trip of its own."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from django.db import connection

from spotme.db import prepared_cursor
from tenant_apps.movements.models import Movement
from tenant_apps.organisation.models import OrgUnit
from tenant_apps.people.models import Officer

from .models import (
    Arrangement,
    AttendanceDay,
    AttendanceIssue,
    ClockAdjustment,
    ClockEvent,
    Leave,
    OfficerPattern,
    WorkingPattern,
)


@dataclass
class DaySnapshot:
    officer_id: int
    day: date
    record: AttendanceDay | None = None
    events: list[ClockEvent] = field(default_factory=list)
    adjustments: list[ClockAdjustment] = field(default_factory=list)
    issues: list[AttendanceIssue] = field(default_factory=list)
    own_pattern: WorkingPattern | None = None  # the officer's pattern for the month, if chosen
    leave: Leave | None = None
    arrangements: list[Arrangement] = field(default_factory=list)
    movements: list[Movement] = field(default_factory=list)
    officer: Officer | None = None  # read only by `user_snapshot`, its org unit with it


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


# kind -> (model, conditions as (field, operator, parameter)).
_PARTS = {
    "record": (AttendanceDay, [("officer", "=", "o"), ("date", "=", "d")]),
    "event": (ClockEvent, [("officer", "=", "o"), ("attendance_date", "=", "d")]),
    "adjustment": (ClockAdjustment, [("officer", "=", "o"), ("attendance_date", "=", "d")]),
    "issue": (AttendanceIssue, [("officer", "=", "o"), ("date", "=", "d")]),
    "leave": (Leave, [("officer", "=", "o"), ("start_date", "<=", "d"), ("end_date", ">=", "d")]),
    "arrangement": (Arrangement, [("officer", "=", "o"), ("start_date", "<=", "d"), ("end_date", ">=", "d")]),
    "movement": (Movement, [("officer", "=", "o"), ("date", "=", "d"), ("status", "=", "active")]),
}


@cache  # the same text for every agency (tables are found through search_path)
def _sql(by_user: bool) -> str:
    """By officer id (`%(o)s`), or by user id (`%(u)s`): then the officer and their org unit are
    read too, and every part finds the officer through that first row."""
    t, c = _table, _column
    officer = "%(o)s"
    selects = []
    if by_user:
        officer = "(SELECT id FROM o)"
        selects += [
            "SELECT 'officer' AS kind, o.id, row_to_json(o) AS row FROM o",
            f"SELECT 'unit' AS kind, x.id, row_to_json(x) AS row FROM {t(OrgUnit)} x"
            f" WHERE x.id = (SELECT {c(Officer, 'org_unit')} FROM o)",
        ]
    selects += [
        f"SELECT '{kind}' AS kind, x.id, row_to_json(x) AS row FROM {t(model)} x WHERE "
        + " AND ".join(
            f"x.{c(model, name)} {op} " + (officer if param == "o" else f"%({param})s")
            for name, op, param in conditions
        )
        for kind, (model, conditions) in _PARTS.items()
    ]
    selects.append(
        f"SELECT 'pattern' AS kind, x.id, row_to_json(x) AS row FROM {t(WorkingPattern)} x"
        f" JOIN {t(OfficerPattern)} op ON op.{c(OfficerPattern, 'pattern')} = x.id"
        f" WHERE op.{c(OfficerPattern, 'officer')} = {officer} AND op.{c(OfficerPattern, 'month')} = %(m)s"
    )
    sql = " UNION ALL ".join(selects) + " ORDER BY kind, id"
    if by_user:
        sql = f"WITH o AS MATERIALIZED (SELECT * FROM {t(Officer)} WHERE {c(Officer, 'user')} = %(u)s) {sql}"
    return sql


def _instance(model, row: dict):
    fields = model._meta.concrete_fields
    values = [f.to_python(row[f.column]) if row[f.column] is not None else None for f in fields]
    return model.from_db(connection.alias, [f.attname for f in fields], values)


_MODELS = {kind: model for kind, (model, _) in _PARTS.items()} | {
    "pattern": WorkingPattern,
    "officer": Officer,
    "unit": OrgUnit,
}
_LISTS = {
    "event": "events",
    "adjustment": "adjustments",
    "issue": "issues",
    "arrangement": "arrangements",
    "movement": "movements",
}


def day_snapshot(officer_id: int, day: date) -> DaySnapshot:
    """Everything the recompute of one officer-day reads."""
    return _read(DaySnapshot(officer_id, day), {"o": officer_id})


def user_snapshot(user, day: date) -> DaySnapshot:
    """The same for the officer profile of `user` (the signed-in user: a clock-in), with the officer
    and their org unit in `officer`; `officer` is None (and the snapshot empty) when the user has no
    officer profile."""
    snap = _read(DaySnapshot(0, day), {"u": user.pk})
    if snap.officer is not None:
        snap.officer_id = snap.officer.pk
        snap.officer.user = user
    return snap


def _read(snap: DaySnapshot, who: dict) -> DaySnapshot:
    day = snap.day
    with prepared_cursor() as cursor:
        cursor.execute(
            _sql("u" in who),
            {**who, "d": day, "m": day.replace(day=1), "active": Movement.Status.ACTIVE},
        )
        rows = cursor.fetchall()
    unit = None
    for kind, _pk, row in rows:  # ordered by kind, then id (the ORM's `.first()` order for leave)
        obj = _instance(_MODELS[kind], row)
        if kind == "record":
            snap.record = obj
        elif kind == "pattern":
            snap.own_pattern = obj
        elif kind == "leave":
            snap.leave = snap.leave or obj
        elif kind == "officer":
            snap.officer = obj
        elif kind == "unit":
            unit = obj
        else:
            getattr(snap, _LISTS[kind]).append(obj)
    if snap.officer is not None and snap.officer.org_unit_id is not None:
        snap.officer.org_unit = unit
    snap.events.sort(key=lambda e: (e.at, e.pk))
    return snap
