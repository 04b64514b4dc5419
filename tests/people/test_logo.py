"""The agency logo: uploaded by the org admin, validated, stored in the agency's own media folder."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from PIL import Image

from tenant_apps.organisation.models import AgencyProfile
from tests.fixtures.agencies import ADMIN_A, ADMIN_B, PASSWORD


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (11, 61, 145)).save(buffer, "PNG")
    return buffer.getvalue()


def settings_form(schema: str) -> dict:
    with schema_context(schema):
        p = AgencyProfile.current()
    return {
        "name": p.name,
        "state": p.state,
        "timezone": p.timezone,
        "default_working_policy": "WBF",
        "geofence_mode": p.geofence_mode,
        "failed_login_limit": 3,
        "lockout_minutes": 30,
        "idle_timeout_minutes": 30,
    }


def test_logo_upload_is_validated_stored_per_agency_and_shown(
    agency_a, agency_b, client_for, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    admin = client_for(agency_a)
    admin.login_as(ADMIN_A, PASSWORD)
    bad = admin.post(
        "/settings/",
        {
            **settings_form(agency_a.schema_name),
            "logo": SimpleUploadedFile("logo.png", b"not an image", "image/png"),
        },
    )
    assert bad.status_code == 400 and "logo" in bad.context["form"].errors
    ok = admin.post(
        "/settings/",
        {**settings_form(agency_a.schema_name), "logo": SimpleUploadedFile("logo.png", png(), "image/png")},
    )
    assert ok.status_code == 302
    stored = list(tmp_path.rglob("*.png"))
    assert len(stored) == 1 and agency_a.schema_name in stored[0].parts, (
        "files live under the agency's folder"
    )
    assert 'class="brand-logo"' in admin.get("/").content.decode()
    served = client_for(agency_a).get("/logo/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == png()
    other = client_for(agency_b)
    other.login_as(ADMIN_B, PASSWORD)
    assert other.get("/logo/").status_code == 404, "agency B has no logo, and never A's"
    assert 'class="brand-logo"' not in other.get("/").content.decode()
