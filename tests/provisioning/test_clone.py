"""The template clone (provisioning/clone.py): a cloned schema is exactly a migrated one, holds the
template's rows, and once the plan is read a clone runs a fixed handful of statements with no
catalogue scan — its cost does not grow with the number of agencies."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from provisioning import clone, schemas
from tests.provisioning.test_migrate_agencies import manage


def fingerprint(schema: str) -> dict[str, list]:
    """Everything about a schema's structure that Django or the application can tell apart, with the
    schema's own name taken out of the definitions."""
    queries = {
        "tables": """SELECT c.relname, c.relkind, c.relpersistence, obj_description(c.oid, 'pg_class')
                     FROM pg_class c WHERE c.relnamespace = %(ns)s AND c.relkind <> 'i'""",
        # Column order, not attnum: a migrated table keeps holes where columns were dropped.
        "columns": """SELECT c.relname, row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum),
                             a.attname, format_type(a.atttypid, a.atttypmod),
                             a.attnotnull, a.attidentity, a.attgenerated, a.attcollation,
                             pg_get_expr(d.adbin, d.adrelid), col_description(c.oid, a.attnum)
                      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
                      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                      WHERE c.relnamespace = %(ns)s AND c.relkind = 'r' AND a.attnum > 0
                        AND NOT a.attisdropped""",
        "constraints": """SELECT conrelid::regclass::text, conname, contype, condeferrable,
                                 condeferred, pg_get_constraintdef(oid)
                          FROM pg_constraint WHERE connamespace = %(ns)s""",
        "indexes": """SELECT c.relname, pg_get_indexdef(i.indexrelid)
                      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                      WHERE c.relnamespace = %(ns)s""",
        "sequences": """SELECT s.relname, q.seqtypid::regtype::text, q.seqstart, q.seqincrement,
                               q.seqmax, q.seqmin, q.seqcache, q.seqcycle,
                               (SELECT t.relname || '.' || a.attname FROM pg_depend d
                                JOIN pg_class t ON t.oid = d.refobjid
                                JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                                WHERE d.objid = s.oid AND d.deptype IN ('a', 'i'))
                        FROM pg_class s JOIN pg_sequence q ON q.seqrelid = s.oid
                        WHERE s.relnamespace = %(ns)s""",
        "triggers": """SELECT c.relname, t.tgname, pg_get_triggerdef(t.oid)
                       FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                       WHERE c.relnamespace = %(ns)s AND NOT t.tgisinternal""",
        "functions": """SELECT proname, pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = %(ns)s""",
    }
    result = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [schema])
        ns = cursor.fetchone()[0]
        cursor.execute("SELECT set_config('search_path', %s, false)", [f'"{schema}"'])
        try:
            for name, sql in queries.items():
                cursor.execute(sql, {"ns": ns})
                rows = [
                    tuple(str(v).replace(f"{schema}.", "<schema>.") if v is not None else None for v in row)
                    for row in cursor.fetchall()
                ]
                result[name] = sorted(rows, key=repr)
        finally:
            cursor.execute("SELECT set_config('search_path', 'public', false)")
    return result


def rows(schema: str, table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT * FROM "{schema}"."{table}"')
        return sorted(map(repr, cursor.fetchall()))


def tables(schema: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY 1",
            [schema],
        )
        return [r[0] for r in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_a_cloned_schema_is_a_migrated_schema_with_the_templates_rows(live_platform):
    try:
        schemas.clone_template("clone_eq")
        with connection.cursor() as cursor:
            cursor.execute('CREATE SCHEMA "migrated_eq"')
        manage("migrate_schemas", "--schema=migrated_eq", "--noinput", "--verbosity=0")

        cloned, migrated = fingerprint("clone_eq"), fingerprint("migrated_eq")
        for part in cloned:
            assert cloned[part] == migrated[part], part
        assert len(cloned["tables"]) > 50 and len(cloned["triggers"]) >= 3  # not two empty schemas

        # The rows are the template's, table by table, and new rows continue its sequences.
        template = schemas.TEMPLATE_SCHEMA
        assert tables("clone_eq") == tables(template)
        for table in tables(template):
            assert rows("clone_eq", table) == rows(template, table), table
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT max(id) FROM "{template}".auth_group')
            top = cursor.fetchone()[0] or 0
            cursor.execute(
                'INSERT INTO "clone_eq".auth_group (name) VALUES (%s) RETURNING id', ["Kumpulan baharu"]
            )
            assert cursor.fetchone()[0] > top
            # The append-only trigger came along: a clock event cannot be deleted in the clone.
            cursor.execute(
                "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'clone_eq' AND t.tgname = 'attendance_clockevent_append_only'"
            )
            assert cursor.fetchone()[0] == 1
    finally:
        with connection.cursor() as cursor:
            cursor.execute('DROP SCHEMA IF EXISTS "clone_eq" CASCADE')
            cursor.execute('DROP SCHEMA IF EXISTS "migrated_eq" CASCADE')


def test_a_clone_with_its_plan_read_runs_a_fixed_handful_of_statements_and_no_catalogue_scan(platform_db):
    schemas.clone_template("clone_warm")  # reads the plan (once per process and migration state)
    with CaptureQueriesContext(connection) as queries:
        schemas.clone_template("clone_counted")
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("information_schema" in s or "pg_class" in s or "pg_attribute" in s for s in sql), sql
    assert len([s for s in sql if not s.startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]) <= 6, sql
    assert tables("clone_counted") == tables(schemas.TEMPLATE_SCHEMA)


def test_the_plan_is_read_again_when_the_template_migrates(platform_db):
    with connection.cursor() as cursor:
        first = clone.plan_for(cursor, schemas.TEMPLATE_SCHEMA)
        assert clone.plan_for(cursor, schemas.TEMPLATE_SCHEMA) is first
        cursor.execute(
            f'INSERT INTO "{schemas.TEMPLATE_SCHEMA}".django_migrations (app, name, applied) '
            "VALUES ('people', '9999_pretend', now())"
        )
        again = clone.plan_for(cursor, schemas.TEMPLATE_SCHEMA)
    assert again is not first and again.state != first.state


def test_an_object_the_clone_cannot_copy_stops_it_before_anything_is_made(platform_db):
    template = schemas.TEMPLATE_SCHEMA
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE VIEW "{template}".a_view AS SELECT 1 AS one')
        cursor.execute(
            f'INSERT INTO "{template}".django_migrations (app, name, applied) VALUES (%s, %s, now())',
            ["people", "9999_with_a_view"],
        )
    with pytest.raises(clone.CloneError), transaction.atomic():
        schemas.clone_template("clone_refused")
    assert tables("clone_refused") == []
