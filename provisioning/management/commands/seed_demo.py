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
# Per agency: an office site (latitude, longitude) and a small team: (MyKad, name, roles, supervisor index).
OFFICES = {"selangor": ("Bangunan SUK Selangor, Shah Alam", 3.0738, 101.5183),
           "kelantan": ("Kompleks Kota Darulnaim, Kota Bharu", 6.1248, 102.2386)}
TEAM = [
    ("{p}0303105011", "Penyelia Demo", ["penyelia"], None),
    ("{p}0404105012", "Pegawai Demo Satu", [], 0),
    ("{p}0505105013", "Pegawai Demo Dua", [], 0),
    ("{p}0606105014", "Eksekutif Demo", ["eksekutif"], None),
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
                _seed_team(request.subdomain, "88" if request.subdomain == "selangor" else "89")
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
            prefix = "88" if request.subdomain == "selangor" else "89"
            self.stdout.write(
                f" {request.subdomain:<22} http://{request.subdomain}.{apex}{port}/   "
                f"org admin MyKad: {request.admin_mykad}  password: {DEMO_PASSWORD}"
            )
            team = ", ".join(f"{m.format(p=prefix)} ({name})" for m, name, _r, _s in TEAM)
            self.stdout.write(f"   {'':<20} team (same password): {team}")
        self.stdout.write(line)


def _seed_team(subdomain: str, prefix: str) -> None:
    """An office site, one org unit and a small team, so every page has something to show."""
    from spotme.accounts.models import User
    from tenant_apps.attendance.models import OfficeSite
    from tenant_apps.organisation.models import OrgUnit
    from tenant_apps.people import actions
    from tenant_apps.people.models import Officer

    name, lat, lon = OFFICES[subdomain]
    OfficeSite.objects.get_or_create(name=name, defaults={"latitude": lat, "longitude": lon, "radius_m": 300})
    unit = OrgUnit.objects.filter(name="Bahagian Pengurusan Maklumat").first() or actions.save_org_unit(
        OrgUnit(name="Bahagian Pengurusan Maklumat", code="BPM"))
    people: list[Officer] = []
    for mykad, full_name, roles, supervisor in TEAM:
        mykad = mykad.format(p=prefix)
        officer = Officer.objects.filter(user__username=mykad).first()
        if officer is None:
            officer = actions.create_officer(
                mykad=mykad, full_name=full_name, email=f"{mykad}@{subdomain}.example.gov.my", roles=roles,
                org_unit=unit, supervisor=people[supervisor] if supervisor is not None else None,
                grade="N29" if not roles else "F44", position="Pegawai Teknologi Maklumat", notify=False,
            ).officer
            user = User.objects.get(pk=officer.user_id)
            user.set_password(DEMO_PASSWORD)
            user.must_change_password = False
            user.save(update_fields=["password", "must_change_password"])
        people.append(officer)
