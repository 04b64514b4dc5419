"""Clone the template schema into a new agency schema, at a cost bounded by the template.

django-tenants' `clone_schema()` (plpgsql) reads `information_schema`, whose views scan the relations
of every schema: the time per agency grew with the number of agencies (6.3 s at 200). Here the
template's catalogue is read ONCE per migration state of the template — from `pg_catalog`, filtered
by the template's namespace OID — into a `ClonePlan`: a list of DDL statements and the rows to copy.
Each provisioning replays the plan into the new schema inside the caller's transaction: no catalogue
scan, the same statements whatever the number of agencies.

What the plan holds, in order (the template holds only these kinds of objects, and
`tests/provisioning/test_clone.py` fails if it ever holds another):
1. the schema's functions (the append-only trigger functions), `pg_get_functiondef`;
2. tables with `LIKE … INCLUDING` columns, defaults, identity, storage, comments, statistics —
   not indexes or constraints, whose names `LIKE` would invent;
3. the template's rows (migrations, content types, permissions, role groups, working patterns…),
   copied with the identity sequences set to the template's values;
4. primary-key, unique, exclusion and check constraints with their names (`pg_get_constraintdef`),
   then the other indexes (`pg_get_indexdef`), then foreign keys (after the rows: no check per row),
   then triggers.

Statements are generated with `search_path` set to the template alone, so the template's objects
come out unqualified (and other schemas' qualified), and replayed with `search_path` set to the new
schema alone: unqualified names resolve there. Index and trigger definitions always qualify their
table, so that qualification is rewritten to the new schema.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from django.db import connection
from django_tenants.utils import quote_schema_name

TARGET = "\x00target\x00"  # placeholder for the new schema's quoted name in the plan's statements

_LIKE = (
    "INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE "
    "INCLUDING COMMENTS INCLUDING STATISTICS INCLUDING COMPRESSION"
)
# Kinds of relation the plan knows how to copy. Anything else in the template is refused.
_KNOWN_RELKINDS = {"r", "i", "S"}


class CloneError(RuntimeError):
    pass


@dataclass(frozen=True)
class ClonePlan:
    state: tuple  # the template's migration state the plan was read at
    before_data: list[str] = field(default_factory=list)
    copies: list[tuple[str, str]] = field(default_factory=list)  # (table, quoted column list)
    sequences: list[tuple[str, int, bool]] = field(default_factory=list)  # (sequence, last, called)
    after_data: list[str] = field(default_factory=list)

    def statements(self, source: str, target: str) -> list[str]:
        qsrc, qtgt = quote_schema_name(source), quote_schema_name(target)
        out = [f"CREATE SCHEMA {qtgt}"]
        out += [s.replace(TARGET, qtgt) for s in self.before_data]
        out += [
            f"INSERT INTO {qtgt}.{table} ({cols}) OVERRIDING SYSTEM VALUE SELECT {cols} FROM {qsrc}.{table}"
            for table, cols in self.copies
        ]
        out += [
            f"SELECT setval('{qtgt}.{seq}', {last}, {'true' if called else 'false'})"
            for seq, last, called in self.sequences
        ]
        out += [s.replace(TARGET, qtgt) for s in self.after_data]
        return out


_lock = threading.Lock()
_plans: dict[str, ClonePlan] = {}


def migration_state(cursor, source: str) -> tuple:
    cursor.execute(
        f"SELECT count(*), coalesce(max(id), 0), coalesce(max(applied)::text, '') "
        f"FROM {quote_schema_name(source)}.django_migrations"
    )
    return tuple(cursor.fetchone())


def _qi(cursor, name: str) -> str:
    cursor.execute("SELECT quote_ident(%s)", [name])
    return cursor.fetchone()[0]


def read_plan(cursor, source: str) -> ClonePlan:
    """Read the template's catalogue (filtered by its namespace OID) into a plan."""
    qsrc = _qi(cursor, source)  # as PostgreSQL prints it in the definitions it returns
    state = migration_state(cursor, source)
    cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [source])
    row = cursor.fetchone()
    if row is None:
        raise CloneError(f"the template schema {source} does not exist")
    ns = row[0]
    cursor.execute("SELECT current_setting('search_path')")
    saved_path = cursor.fetchone()[0]
    cursor.execute("SELECT set_config('search_path', %s, true)", [qsrc])
    try:
        cursor.execute("SELECT DISTINCT relkind FROM pg_class WHERE relnamespace = %s", [ns])
        unknown = {r[0] for r in cursor.fetchall()} - _KNOWN_RELKINDS
        cursor.execute(
            "SELECT count(*) FROM pg_type WHERE typnamespace = %s AND typtype NOT IN ('b', 'c')", [ns]
        )
        if unknown or cursor.fetchone()[0]:
            raise CloneError(f"the template holds objects the clone does not copy (relkinds {unknown})")

        before: list[str] = []
        after: list[str] = []
        # 1. functions (header qualified with the template's name: rewritten to the target's)
        cursor.execute(
            "SELECT pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = %s ORDER BY proname", [ns]
        )
        for (definition,) in cursor.fetchall():
            head, _, rest = definition.partition("\n")
            before.append(head.replace(f"FUNCTION {qsrc}.", f"FUNCTION {TARGET}.", 1) + "\n" + rest)

        # 2. tables, columns only
        cursor.execute(
            "SELECT oid, relname FROM pg_class WHERE relnamespace = %s AND relkind = 'r' ORDER BY relname",
            [ns],
        )
        tables = cursor.fetchall()
        names = {oid: _qi(cursor, name) for oid, name in tables}
        for oid, _name in tables:
            before.append(f"CREATE TABLE {TARGET}.{names[oid]} (LIKE {qsrc}.{names[oid]} {_LIKE})")

        # 3. rows: every table that has any, columns by name (generated columns are recomputed)
        copies = []
        for oid, _name in tables:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {qsrc}.{names[oid]})")
            if not cursor.fetchone()[0]:
                continue
            cursor.execute(
                "SELECT quote_ident(attname) FROM pg_attribute WHERE attrelid = %s AND attnum > 0 "
                "AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
                [oid],
            )
            copies.append((names[oid], ", ".join(r[0] for r in cursor.fetchall())))
        cursor.execute(
            "SELECT quote_ident(s.relname), format_type(q.seqtypid, NULL) FROM pg_class s "
            "JOIN pg_sequence q ON q.seqrelid = s.oid WHERE s.relnamespace = %s ORDER BY s.relname",
            [ns],
        )
        sequences = []
        for seq, data_type in cursor.fetchall():
            if data_type != "bigint":  # LIKE … INCLUDING IDENTITY makes every identity sequence a bigint
                before.append(f"ALTER SEQUENCE {TARGET}.{seq} AS {data_type}")
            cursor.execute(f"SELECT last_value, is_called FROM {qsrc}.{seq}")
            last, called = cursor.fetchone()
            sequences.append((seq, last, called))

        # 4. constraints with their names, indexes, foreign keys, triggers
        cursor.execute(
            "SELECT conrelid, quote_ident(conname), contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = %s AND contype IN ('p', 'u', 'x', 'c', 'f') AND conrelid <> 0 "
            "ORDER BY position(contype IN 'puxcf'), conrelid::regclass::text, conname",
            [ns],
        )
        constraints = cursor.fetchall()
        foreign = []
        for relid, name, kind, definition in constraints:
            statement = f"ALTER TABLE {TARGET}.{names[relid]} ADD CONSTRAINT {name} {definition}"
            (foreign if kind == "f" else after).append(statement)
        cursor.execute(
            "SELECT pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relnamespace = %s AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint k "
            "WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x')) "
            "ORDER BY c.relname",
            [ns],
        )
        for (definition,) in cursor.fetchall():
            after.append(_requalify(definition, qsrc))
        after += foreign
        cursor.execute(
            "SELECT pg_get_triggerdef(t.oid) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE c.relnamespace = %s AND NOT t.tgisinternal ORDER BY t.tgname",
            [ns],
        )
        for (definition,) in cursor.fetchall():
            after.append(_requalify(definition, qsrc))
    finally:
        cursor.execute("SELECT set_config('search_path', %s, true)", [saved_path])
    return ClonePlan(state, before, copies, sequences, after)


def _requalify(definition: str, qsrc: str) -> str:
    marker = f" ON {qsrc}."
    if marker not in definition:
        raise CloneError(f"unexpected definition: {definition}")
    return definition.replace(marker, f" ON {TARGET}.", 1)


def plan_for(cursor, source: str) -> ClonePlan:
    """The plan for the template's current migration state: read once per process and state."""
    state = migration_state(cursor, source)
    with _lock:
        plan = _plans.get(source)
        if plan is None or plan.state != state:
            plan = _plans[source] = read_plan(cursor, source)
    return plan


def clone_schema(source: str, target: str) -> None:
    """Create `target` as a copy of `source` (structure and rows), inside the caller's transaction."""
    with connection.cursor() as cursor:
        plan = plan_for(cursor, source)
        cursor.execute("SELECT current_setting('search_path')")
        saved_path = cursor.fetchone()[0]
        statements = plan.statements(source, target)
        cursor.execute(statements[0])  # CREATE SCHEMA
        cursor.execute("SELECT set_config('search_path', %s, true)", [quote_schema_name(target)])
        try:
            # One round trip: the statements are ours (identifiers quoted by PostgreSQL itself).
            cursor.execute(";\n".join(statements[1:]))
        finally:
            cursor.execute("SELECT set_config('search_path', %s, true)", [saved_path])
