"""`migrate_agencies`: nothing pending → nothing run; pending in some agencies → only those, in
parallel (forked workers), with the migration lock held throughout."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.db import connection

from provisioning.services import provision_agency
from tests.fixtures.agencies import make_request

ROOT = Path(__file__).resolve().parents[2]


def manage(*args: str) -> str:
    s = connection.settings_dict
    env = {
        **os.environ,
        "SPOTME_TESTING": "1",
        "DJANGO_SETTINGS_MODULE": "spotme.settings",
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        "SPOTME_DB_POOL": "1",
    }  # as in production: the pool must not leak into forked workers
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


def run_migrate() -> str:
    return manage("migrate_agencies", "--verbosity", "1")


def a_leaf_migration() -> tuple[str, str, str]:
    """A tenant-app migration nothing depends on, and its predecessor: unapplying it cascades to nothing."""
    from django.db.migrations.loader import MigrationLoader

    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    for app in ("people", "audit", "attendance", "organisation"):
        for leaf in graph.leaf_nodes(app):
            if not graph.node_map[leaf].children:
                parent = next((p for p in graph.node_map[leaf].parents if p[0] == app), None)
                if parent:
                    return app, leaf[1], parent[1]
    raise AssertionError("no leaf migration to unapply")


def applied(schema: str, app: str, name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT count(*) FROM "{schema}".django_migrations WHERE app = %s AND name = %s', [app, name]
        )
        return cursor.fetchone()[0] == 1


def test_only_agencies_with_pending_migrations_are_migrated(live_platform):
    agencies = [provision_agency(make_request(f"migrasi{n}")).agency for n in range(3)]
    assert "with pending migrations: 0" in run_migrate()
    # Unapply a leaf migration in two of the three agencies (as if it were new there).
    app, leaf, parent = a_leaf_migration()
    for agency in agencies[:2]:
        manage("migrate_schemas", f"--schema={agency.schema_name}", app, parent, "--noinput")
        assert not applied(agency.schema_name, app, leaf)
    out = run_migrate()
    assert "agencies: 3, with pending migrations: 2" in out
    assert all(applied(a.schema_name, app, leaf) for a in agencies)
    assert "with pending migrations: 0" in run_migrate()
