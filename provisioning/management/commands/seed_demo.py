"""Demo data for `make run`: one JDN operator and two agencies (Selangor and Kelantan). Idempotent."""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django_tenants.utils import schema_context

from provisioning.services import AgencyRequest, provision_agency
from spotme.malaysia import State
from tenants.models import Agency

OPERATOR = ("operator", "Operator-JDN-2026")
DEMO_PASSWORD = "Demo-SpotMe-2026"
AGENCIES = [
    AgencyRequest(
        name="Pejabat Setiausaha Kerajaan Negeri Selangor",
        subdomain="selangor",
        state=State.SELANGOR,
        admin_mykad="850101105001",
        admin_email="pentadbir@selangor.example.gov.my",
        admin_name="Nurul Aina binti Ahmad",
        ministry="Kerajaan Negeri Selangor",
    ),
    AgencyRequest(
        name="Pejabat Setiausaha Kerajaan Negeri Kelantan",
        subdomain="kelantan",
        state=State.KELANTAN,
        admin_mykad="870202035002",
        admin_email="pentadbir@kelantan.example.gov.my",
        admin_name="Mohd Faiz bin Ismail",
        ministry="Kerajaan Negeri Kelantan",
    ),
]


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--banner", action="store_true", help="print the URLs and demo credentials")

    def handle(self, *args, **options):
        from spotme.accounts.models import User

        call_command(
            "create_operator",
            OPERATOR[0],
            password=OPERATOR[1],
            name="Operator JDN",
            email="operator@jdn.example.gov.my",
            verbosity=0,
        )
        for request in AGENCIES:
            agency = Agency.objects.filter(subdomain=request.subdomain).first()
            if agency is None:
                agency = provision_agency(request, notify=False).agency
            with schema_context(agency.schema_name):
                admin = User.objects.get(username=request.admin_mykad)
                # Demo accounts keep a known password instead of the emailed temporary one.
                admin.set_password(DEMO_PASSWORD)
                admin.must_change_password = False
                admin.save(update_fields=["password", "must_change_password"])
        self.stdout.write("Demo data ready.")
        if options["banner"]:
            self._banner()

    def _banner(self):
        from django.conf import settings

        port = f":{settings.SPOTME_PUBLIC_PORT}" if settings.SPOTME_PUBLIC_PORT else ""
        apex = settings.APEX_DOMAIN
        line = "=" * 88
        self.stdout.write(f"\n{line}\n SPOT-Me: http://{apex}{port}/")
        self.stdout.write(
            f" JDN operator console   http://{apex}{port}/console/   "
            f"login: {OPERATOR[0]}  password: {OPERATOR[1]}"
        )
        for request in AGENCIES:
            self.stdout.write(
                f" {request.subdomain:<22} http://{request.subdomain}.{apex}{port}/   "
                f"org admin MyKad: {request.admin_mykad}  password: {DEMO_PASSWORD}"
            )
        self.stdout.write(line)
