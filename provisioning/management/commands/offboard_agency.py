"""Offboard an agency for good: export it, verify the export where it was written (every file
against the manifest, the dump readable by pg_restore), then drop its schema, delete its domain and
mark it offboarded. Needs `--confirm <subdomain>`, typed out exactly; the export can be restored
with restore_agency. Any failure leaves the agency as it was."""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from provisioning.backup import BackupError, backup_dir_is_persistent, default_export_path, offboard_agency
from provisioning.services import find_agency
from tenants.models import Agency

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("agency", help="subdomain")
        parser.add_argument("--confirm", default="", help="the agency's subdomain again, exactly")
        parser.add_argument(
            "--output", help="export file (default: $SPOTME_BACKUP_DIR/offboard-<subdomain>-<time>.tar)"
        )
        parser.add_argument("--reason", default="")

    def handle(self, *args, **o):
        try:
            agency = find_agency(o["agency"])
        except Agency.DoesNotExist as exc:
            raise CommandError(str(exc)) from exc
        if not agency.subdomain or o["confirm"] != agency.subdomain:
            raise CommandError(
                f"Offboarding deletes {agency.subdomain}'s data after exporting it. "
                f"Repeat the subdomain to confirm: --confirm {agency.subdomain}"
            )
        if not o["output"] and not backup_dir_is_persistent():
            raise CommandError(
                "SPOTME_BACKUP_DIR is not on a persistent volume in this deployment (the export would be "
                "lost with the pod). Mount one (Helm: backups.existingClaim) or give --output on a volume."
            )
        output = Path(o["output"]) if o["output"] else default_export_path(agency)
        try:
            result = offboard_agency(agency, output=output, reason=o["reason"])
        except BackupError as exc:
            raise CommandError(f"{agency.subdomain} was not offboarded: {exc}") from exc
        except Exception as exc:  # an operator reads a sentence, not a traceback; the log keeps it
            log.exception("offboarding %s failed", agency.subdomain)
            raise CommandError(f"{agency.subdomain} was not offboarded: {type(exc).__name__}: {exc}") from exc
        self.stdout.write(self.style.SUCCESS(f"{agency.subdomain}: offboarded; export kept at {result.path}"))
