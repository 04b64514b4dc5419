from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from provisioning.services import AgencyStateError, find_agency, set_agency_status
from tenants.models import Agency


class AgencyStatusCommand(BaseCommand):
    target_status = ""

    def add_arguments(self, parser):
        parser.add_argument("agency", help="subdomain or schema name")
        parser.add_argument("--reason", default="")

    def handle(self, *args, **o):
        try:
            agency = set_agency_status(find_agency(o["agency"]).pk, self.target_status, reason=o["reason"])
        except (Agency.DoesNotExist, AgencyStateError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"{agency.subdomain}: {agency.status}"))
