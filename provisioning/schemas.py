"""Low-level schema work: the template schema, cloning it, and what is pending where."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django_tenants.clone import CLONE_SCHEMA_FUNCTION

TEMPLATE_SCHEMA = settings.TENANT_BASE_SCHEMA


def install_clone_function() -> None:
    """(Re)install django-tenants' clone_schema() in public. Done at migrate time, not per agency:
    the script drops and recreates a type, which two concurrent provisionings must not race on."""
    db_user = settings.DATABASES["default"].get("USER") or "postgres"
    with connection.cursor() as cursor:
        cursor.execute(CLONE_SCHEMA_FUNCTION.format(db_user=db_user))


def clone_function_installed() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regproc('public.clone_schema') IS NOT NULL")
        return cursor.fetchone()[0]


def clone_template(schema_name: str) -> None:
    """Copy the template schema (tables, sequences, indexes, and its rows: migrations, content types,
    permissions, role groups) into a new schema, inside the caller's transaction."""
    if not clone_function_installed():
        install_clone_function()
    with connection.cursor() as cursor:
        cursor.execute("SELECT public.clone_schema(%s, %s, 'DATA')", [TEMPLATE_SCHEMA, schema_name])


def drop_schema(schema_name: str) -> None:
    from django_tenants.utils import quote_schema_name

    with connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {quote_schema_name(schema_name)} CASCADE")


def expected_migrations() -> set[tuple[str, str]]:
    """Every migration on disk. Django records all of them in every schema it migrates (the router
    only skips the operations), so a schema is up to date when it has recorded all of these."""
    loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
    return set(loader.graph.nodes)


def applied_migrations(schemas: list[str]) -> dict[str, set[tuple[str, str]]]:
    """Applied migrations of many schemas: one catalogue query, then one UNION ALL per 500 schemas."""
    from django_tenants.utils import quote_schema_name

    result: dict[str, set[tuple[str, str]]] = {s: set() for s in schemas}
    if not schemas:
        return result
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_schema FROM information_schema.tables "
            "WHERE table_name = 'django_migrations' AND table_schema = ANY(%s)",
            [list(schemas)],
        )
        with_table = [row[0] for row in cursor.fetchall()]
        for start in range(0, len(with_table), 500):
            chunk = with_table[start : start + 500]
            sql = " UNION ALL ".join(
                f"SELECT %s, app, name FROM {quote_schema_name(s)}.django_migrations" for s in chunk
            )
            cursor.execute(sql, chunk)
            for schema, app, name in cursor.fetchall():
                result[schema].add((app, name))
    return result


def pending_schemas(schemas: list[str], expected: set[tuple[str, str]] | None = None) -> list[str]:
    expected = expected if expected is not None else expected_migrations()
    applied = applied_migrations(schemas)
    return [s for s in schemas if expected - applied[s]]
