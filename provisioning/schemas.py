"""Low-level schema work: the template schema, cloning it, and what is pending where."""

from __future__ import annotations

from django.conf import settings
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from provisioning import clone

TEMPLATE_SCHEMA = settings.TENANT_BASE_SCHEMA


def clone_template(schema_name: str) -> None:
    """Copy the template schema (tables, sequences, indexes, constraints, triggers, and its rows:
    migrations, content types, permissions, role groups) into a new schema, inside the caller's
    transaction. The template's catalogue is read once per migration state (provisioning/clone.py)."""
    with transaction.atomic():
        clone.clone_schema(TEMPLATE_SCHEMA, schema_name)


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
            # pg_catalog, not information_schema: its views scan every schema's relations.
            "SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relname = 'django_migrations' AND c.relkind = 'r' AND n.nspname = ANY(%s)",
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
