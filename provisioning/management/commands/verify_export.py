"""Check an agency export without restoring it: the archive is complete, the dump and every uploaded
file match the size and SHA-256 in its manifest, nothing unlisted is in it, and pg_restore can read
the dump. Exits non-zero, naming the file, when anything differs."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from provisioning.backup import BackupError, verify_export


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="the export file")

    def handle(self, *args, **o):
        path = Path(o["input"])
        if not path.is_file():
            raise CommandError(f"No file {path}")
        try:
            manifest = verify_export(path)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{path}: {manifest['subdomain']}, {len(manifest['tables'])} tables, "
                f"{len(manifest['files'])} files, all as listed"
            )
        )
