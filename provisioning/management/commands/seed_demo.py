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
    _seed_history(people)


def _seed_history(people) -> None:
    """Six weeks of clock-ins for the team (a few late, early or absent days), recomputed and
    closed in bulk, and the colour cards: the dashboards and reports have a past to show.
    Deterministic, and only once (skipped when the team has clocked already)."""
    import zlib
    from datetime import datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from django.utils import timezone

    from tenant_apps.attendance import batch, rules, services
    from tenant_apps.attendance.models import ClockEvent, OfficeSite, Source
    from tenant_apps.organisation.models import AgencyProfile

    if ClockEvent.objects.filter(officer__in=people).exists():
        return
    profile = AgencyProfile.current()
    tz = ZoneInfo(profile.timezone)
    site = OfficeSite.objects.first()
    today = timezone.localdate()
    days = [today - timedelta(days=n) for n in range(42, 0, -1)]
    events, keys = [], []
    for officer in people:
        for day in days:
            keys.append((officer.pk, day))
            roll = zlib.crc32(f"{officer.pk}:{day}".encode()) % 100
            if day.weekday() in rules.weekend_for(profile.state, day) or roll < 4:  # rest days, absences
                continue
            late = roll >= 88
            # 07:30–08:04 on most days; 09:10–09:49 on late ones (WBF's latest start is 09:00).
            minutes = 100 + roll % 40 if late else roll % 70 // 2
            first_in = datetime.combine(day, time(7, 30), tzinfo=tz) + timedelta(minutes=minutes)
            hours = 9 if roll % 10 else 8  # one day in ten leaves an hour early
            for at, direction in ((first_in, "in"), (first_in + timedelta(hours=hours, minutes=5), "out")):
                events.append(ClockEvent(
                    officer=officer, at=at, direction=direction, attendance_date=day, source=Source.WEB,
                    latitude=site.latitude, longitude=site.longitude, accuracy_m=15, site=site, inside=True,
                ))
    ClockEvent.objects.bulk_create(events)
    batch.recompute_many(keys, close_before=today)
    month = today.replace(day=1)
    for first in ((month - timedelta(days=1)).replace(day=1), month):  # a card follows the previous one
        services.compute_colour_cards(first, today=today)
