"""The clock-in's writes in ONE statement: the event, the day's record and the issues it raises.

A clock-in is the platform's busiest write (the morning rush of every agency at once). Through the
ORM it is three INSERTs inside BEGIN … COMMIT: five round trips. Here it is one statement with
data-modifying CTEs, atomic on its own:

    WITH e AS (INSERT INTO clockevent … ON CONFLICT (officer_id, idempotency_key) … DO NOTHING
               RETURNING id),
         d AS (INSERT INTO attendanceday … SELECT … WHERE EXISTS (SELECT 1 FROM e)
               ON CONFLICT (officer_id, date) DO UPDATE …  |  UPDATE attendanceday … RETURNING id),
         i AS (INSERT INTO attendanceissue … SELECT … WHERE EXISTS (SELECT 1 FROM e) RETURNING id)
    SELECT (SELECT id FROM e), (SELECT id FROM d), ARRAY(SELECT id FROM i ORDER BY id)

A replayed idempotency key inserts nothing at all (the record and issues depend on the event row).

The record and its issues are planned from a read of the day (snapshot.py), so the read and this
write must not interleave with another punch of the same officer-day: `lock_day` takes a
transaction-scoped advisory lock on the officer-day before the read (services.clock), so
simultaneous punches of one officer-day run one after the other, each planned from everything
committed before it; punches of different officers never wait for each other. The issue INSERT is
also conflict-safe (ON CONFLICT DO NOTHING) against writers that do not take the lock.
Values go through each field's own `pre_save` and `get_db_prep_save`, as the ORM's INSERT does, with
explicit casts to the column types, and the ORM's pre_save / post_save signals are sent for each
row as `Model.save()` would (the metrics count clock events from post_save);
`tests/attendance/test_clock_write.py` checks the rows against the ORM's."""

from __future__ import annotations

from functools import cache
from hashlib import blake2b

from django.db import connection
from django.db.models.signals import post_save, pre_save

from spotme.db import prepared_cursor

from .models import AttendanceDay, AttendanceIssue, ClockEvent


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


@cache
def _columns(model) -> tuple[list, list[str]]:
    """The model's columns other than the key, and a placeholder with a cast to each one's type."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    return fields, [f"CAST(%s AS {f.db_type(connection)})" for f in fields]


@cache
def _day_updates() -> tuple[list, list[str]]:
    """The daily record's columns a second punch rewrites (all but its officer and date): one list
    for the SQL and for its values, so the two always line up."""
    columns = zip(*_columns(AttendanceDay), strict=True)
    kept = [(f, h) for f, h in columns if f.name not in ("officer", "date")]
    return [f for f, _h in kept], [h for _f, h in kept]


def _values(obj, fields, *, add: bool) -> list:
    """The values of `fields` of `obj` as the ORM would save them."""
    return [f.get_db_prep_save(f.pre_save(obj, add), connection) for f in fields]


@cache  # one text per shape, the same for every agency (tables are found through search_path)
def _sql(keyed: bool, new_record: bool, issues: int) -> str:
    fields, holders = _columns(ClockEvent)
    conflict = ""
    if keyed:
        key = _q("idempotency_key")
        conflict = f" ON CONFLICT ({_q('officer_id')}, {key}) WHERE {key} <> '' DO NOTHING"
    ctes = [
        f"e AS (INSERT INTO {_q(ClockEvent._meta.db_table)} ({', '.join(_q(f.column) for f in fields)})"
        f" VALUES ({', '.join(holders)}){conflict} RETURNING id)"
    ]

    day_table = _q(AttendanceDay._meta.db_table)
    fields, holders = _columns(AttendanceDay)
    if new_record:
        updates = ", ".join(f"{_q(f.column)} = EXCLUDED.{_q(f.column)}" for f in _day_updates()[0])
        ctes.append(
            f"d AS (INSERT INTO {day_table} ({', '.join(_q(f.column) for f in fields)})"
            f" SELECT {', '.join(holders)} WHERE EXISTS (SELECT 1 FROM e)"
            f" ON CONFLICT ({_q('officer_id')}, {_q('date')}) DO UPDATE SET {updates} RETURNING id)"
        )
    else:
        sets = ", ".join(f"{_q(f.column)} = {h}" for f, h in zip(*_day_updates(), strict=True))
        ctes.append(
            f"d AS (UPDATE {day_table} SET {sets} WHERE id = %s AND EXISTS (SELECT 1 FROM e) RETURNING id)"
        )

    if issues:
        fields, holders = _columns(AttendanceIssue)
        select = f"SELECT {', '.join(holders)} WHERE EXISTS (SELECT 1 FROM e)"
        columns = ", ".join(_q(f.column) for f in fields)
        unique = ", ".join(_q(c) for c in ("officer_id", "date", "code"))
        ctes.append(
            f"i AS (INSERT INTO {_q(AttendanceIssue._meta.db_table)} ({columns})"
            f" {' UNION ALL '.join([select] * issues)} ON CONFLICT ({unique}) DO NOTHING"
            f" RETURNING id, {_q('code')})"
        )
    else:
        ctes.append("i AS (SELECT NULL::integer AS id, NULL::text AS code WHERE false)")
    ids = "SELECT (SELECT id FROM e), (SELECT id FROM d), ARRAY(SELECT id FROM i ORDER BY id)"
    return f"WITH {', '.join(ctes)} {ids}, ARRAY(SELECT code FROM i ORDER BY id)"


_LOCK_SQL = "SELECT pg_advisory_xact_lock(%s)"


def day_lock_key(schema: str, user_id: int, day) -> int:
    """The advisory lock's key of one officer-day: advisory locks are database-wide, so the key
    carries the agency's schema. Keyed by the officer's user (known before the day's read, which
    finds the officer by user); a collision of two keys only makes two punches wait for each other."""
    digest = blake2b(f"{schema}:{user_id}:{day.isoformat()}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_day(user_id: int, day) -> None:
    """Wait for, then hold until the end of the transaction, the officer-day's lock. Must be inside
    `transaction.atomic()` and before the day is read. One short statement, prepared."""
    assert connection.in_atomic_block, "the officer-day lock lives only as long as a transaction"
    with prepared_cursor() as cursor:
        cursor.execute(_LOCK_SQL, [day_lock_key(connection.schema_name, user_id, day)])


def insert(event: ClockEvent, record: AttendanceDay, new_issues: list[AttendanceIssue]) -> bool:
    """Write the three in one statement. False when the event's idempotency key was used already
    (nothing written); otherwise the objects get their primary keys."""
    new_record = record.pk is None
    rows = [(event, True), (record, new_record), *((issue, True) for issue in new_issues)]
    for obj, _created in rows:
        pre_save.send(sender=type(obj), instance=obj, raw=False, using=connection.alias, update_fields=None)
    params = _values(event, _columns(ClockEvent)[0], add=True)
    if new_record:
        params += _values(record, _columns(AttendanceDay)[0], add=True)
    else:
        params += _values(record, _day_updates()[0], add=False)
        params.append(record.pk)
    for issue in new_issues:
        params += _values(issue, _columns(AttendanceIssue)[0], add=True)
    with prepared_cursor() as cursor:
        cursor.execute(_sql(bool(event.idempotency_key), new_record, len(new_issues)), params)
        event_id, record_id, issue_ids, issue_codes = cursor.fetchone()
    if event_id is None:
        return False
    event.pk, record.pk = event_id, record_id
    written = dict(zip(issue_codes, issue_ids, strict=True))
    for issue in new_issues:
        issue.pk = written.get(issue.code)
    # An issue another writer raised meanwhile (a conflict: nothing inserted) is not ours to signal.
    rows = [(obj, created) for obj, created in rows if obj.pk is not None]
    for obj, created in rows:
        obj._state.adding = False
        post_save.send(
            sender=type(obj),
            instance=obj,
            created=created,
            raw=False,
            using=connection.alias,
            update_fields=None,
        )
    return True
