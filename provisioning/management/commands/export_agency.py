"""Export one agency: its schema (pg_dump, custom format), its public rows and uploaded files, in
one tar file. See provisioning/backup.py for the format."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from provisioning.backup import BackupError, default_export_path, export_agency
from provisioning.services import find_agency
from tenants.models import Agency


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("agency", help="subdomain or schema name")
        parser.add_argument(
            "--output", help="file to write (default: $SPOTME_BACKUP_DIR/export-<subdomain>-<time>.tar)"
        )

    def handle(self, *args, **o):
        try:
            agency = find_agency(o["agency"])
            output = Path(o["output"]) if o["output"] else default_export_path(agency, "export")
            result = export_agency(agency, output)
        except (Agency.DoesNotExist, BackupError) as exc:
            raise CommandError(str(exc)) from exc
        except OSError as exc:
            raise CommandError(f"Export failed: {exc}") from exc
        rows = sum(result.manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"{agency.subdomain}: {len(result.manifest['tables'])} tables, {rows} rows → {result.path}"
            )
        )
