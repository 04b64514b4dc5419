"""Migrate the whole platform: shared schema → template → agencies in parallel.

Schemas with nothing pending are skipped after one catalogue query, so a deploy with no new
migrations finishes in seconds at hundreds of agencies. A PostgreSQL advisory lock keeps two runs
(e.g. two deploy jobs) from migrating at once.
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.management.commands.migrate_schemas import MigrateSchemasCommand
from django_tenants.migration_executors import get_executor

from provisioning import schemas
from tenants.bootstrap import ensure_public_agency
from tenants.models import Agency, AgencyStatus

LOCK_KEY = 7_413_901_122  # arbitrary, constant: "spotme migrate"


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--executor", default="multiprocessing", choices=["standard", "multiprocessing"])
        parser.add_argument(
            "--all",
            action="store_true",
            help="Run migrate on every agency even when nothing is pending (slow path).",
        )

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        started = time.monotonic()
        # The lock lives on its own connection: the parallel executor closes Django's connection
        # before forking, which would silently release a lock held there.
        lock = _lock_connection()
        try:
            self._migrate(options, verbosity)
        finally:
            connection.set_schema_to_public()
            lock.close()  # releases the advisory lock
        self.stdout.write(f"migrate_agencies: done in {time.monotonic() - started:.2f}s")

    def _run(self, schema_names: list[str], executor: str, verbosity: int) -> None:
        parser = MigrateSchemasCommand().create_parser("manage.py", "migrate_schemas")
        opts = vars(parser.parse_args(["--noinput", f"--verbosity={verbosity}"]))
        opts.update(executor=executor, skip_checks=True)
        if executor == "multiprocessing":
            # Forked workers must not inherit the parent's sockets or its connection pool.
            connection.close()
            if hasattr(connection, "close_pool"):
                connection.close_pool()
        get_executor(codename=executor)((), opts).run_migrations(tenants=list(schema_names))

    def _migrate(self, options, verbosity: int) -> None:
        expected = schemas.expected_migrations()
        # 1. Shared (public) schema.
        if schemas.pending_schemas(["public"], expected):
            call_command("migrate_schemas", shared=True, interactive=False, verbosity=verbosity)
        else:
            self.stdout.write("public: up to date")
        ensure_public_agency()

        # 2. The template every new agency is cloned from.
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{schemas.TEMPLATE_SCHEMA}"')
        if schemas.pending_schemas([schemas.TEMPLATE_SCHEMA], expected):
            self._run([schemas.TEMPLATE_SCHEMA], "standard", verbosity)
        else:
            self.stdout.write(f"{schemas.TEMPLATE_SCHEMA}: up to date")

        # 3. Agencies: only those with something pending, in parallel.
        # Offboarded agencies have no schema any more (provisioning/backup.py).
        agencies = list(
            Agency.objects.exclude(schema_name="public")
            .exclude(status=AgencyStatus.OFFBOARDED)
            .values_list("schema_name", flat=True)
        )
        pending = agencies if options["all"] else schemas.pending_schemas(agencies, expected)
        self.stdout.write(f"agencies: {len(agencies)}, with pending migrations: {len(pending)}")
        if pending:
            executor = options["executor"] if len(pending) > 1 else "standard"
            self._run(pending, executor, verbosity)


def _lock_connection():
    """A separate session holding the platform-wide migration lock until it is closed."""
    import psycopg

    s = connection.settings_dict
    conn = psycopg.connect(dbname=s["NAME"], user=s["USER"] or None, password=s["PASSWORD"] or None,
                           host=s["HOST"] or None, port=s["PORT"] or None, autocommit=True)
    conn.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
    return conn
