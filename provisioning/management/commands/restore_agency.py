"""Restore an agency from an export_agency / offboard_agency file: into this database under its own
subdomain (a fresh database, or after offboarding), or beside the original under another one."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from provisioning.backup import BackupError, restore_agency
from provisioning.services import agency_url


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="the export file")
        parser.add_argument(
            "--as-subdomain", help="restore under this subdomain (and its schema) instead of the original"
        )
        parser.add_argument(
            "--trust-files",
            action="store_true",
            help="accept an export from before version 2, whose manifest does not list its files",
        )

    def handle(self, *args, **o):
        path = Path(o["input"])
        if not path.is_file():
            raise CommandError(f"No file {path}")
        try:
            agency = restore_agency(path, as_subdomain=o["as_subdomain"], trust_files=o["trust_files"])
        except BackupError as exc:
            raise CommandError(f"Nothing was restored. {exc}") from exc
        except OSError as exc:
            raise CommandError(f"Nothing was restored. {exc}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"restored {agency.name} as {agency.schema_name} ({agency.status}): {agency_url(agency)}"
            )
        )
