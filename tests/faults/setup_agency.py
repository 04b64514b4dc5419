"""Run by the fault drills against their private PostgreSQL (DATABASE_URL): the project's own
migration and provisioning, then one agency with the test cast and an office site. Prints JSON."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "platform"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotme.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django_tenants.utils import schema_context  # noqa: E402

from provisioning.services import provision_agency  # noqa: E402
from tenant_apps.attendance.models import OfficeSite  # noqa: E402
from tenants.bootstrap import ensure_public_agency  # noqa: E402
from tests.fixtures.agencies import ADMIN_A, PASSWORD, activate_admin, make_request  # noqa: E402
from tests.fixtures.attendance import OFFICE  # noqa: E402
from tests.fixtures.people import make_cast  # noqa: E402

call_command("migrate_agencies", verbosity=0)
ensure_public_agency()
agency = provision_agency(make_request("latihan", admin_mykad=ADMIN_A)).agency
activate_admin(agency, ADMIN_A)
cast = make_cast(agency)


def signed_in(user) -> str:
    """A session as a real login leaves it (django.contrib.auth.login and its signals), signed with
    the drill's SECRET_KEY: the phones need no login page (no collected static files here)."""
    from django.contrib.auth import login
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from spotme.sessions import SessionStore

    request = RequestFactory().post("/login/", HTTP_USER_AGENT="spotme-drill/1")
    request.session = SessionStore()
    request.user = AnonymousUser()
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session.save()
    return request.session.session_key


with schema_context(agency.schema_name):
    OfficeSite.objects.create(name="Ibu Pejabat", latitude=OFFICE[0], longitude=OFFICE[1], radius_m=200)
    people = (cast.officer_1, cast.officer_2, cast.officer_3, cast.supervisor_1)
    sessions = [signed_in(officer.user) for officer in people]
print(
    json.dumps(
        {"host": agency.host, "schema": agency.schema_name, "password": PASSWORD, "sessions": sessions}
    )
)
