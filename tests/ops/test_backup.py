"""Agency export, restore and offboarding (provisioning/backup.py), on committed data with the real
pg_dump / pg_restore / psql."""

from __future__ import annotations

import tarfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from provisioning.backup import read_manifest, rewrite_schema_sql
from provisioning.services import provision_agency
from tenant_apps.attendance import services as attendance
from tenants.models import Agency, AgencyStatus, Domain
from tests.fixtures.agencies import ADMIN_A, PASSWORD, activate_admin, make_request
from tests.fixtures.attendance import INSIDE, OUTSIDE
from tests.fixtures.people import make_cast

pytestmark = pytest.mark.django_db(transaction=True)


def schema_content(schema: str) -> dict[str, tuple[int, str]]:
    """Every table of a schema: its row count and a digest of all its rows."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
        tables = [row[0] for row in cursor.fetchall()]
        content = {}
        for table in tables:
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) "
                f'FROM "{schema}"."{table}" t'
            )
            content[table] = cursor.fetchone()
    return content


@pytest.fixture
def busy_agency(live_platform, settings, tmp_path):
    """An agency with people, clock events (trigger-protected), and an uploaded file."""
    settings.MEDIA_ROOT = tmp_path / "media"
    agency = provision_agency(make_request("eksport", admin_mykad=ADMIN_A), notify=False).agency
    activate_admin(agency, ADMIN_A)
    cast = make_cast(agency)
    with schema_context(agency.schema_name):
        attendance.clock(cast.officer_1, "in", position=INSIDE)
        attendance.clock(cast.officer_2, "in", position=OUTSIDE)
        attendance.clock(cast.officer_1, "out", position=INSIDE)
    upload = settings.MEDIA_ROOT / agency.schema_name / "logos" / "logo.png"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"\x89PNG fake logo")
    return agency


def test_export_then_restore_under_a_new_subdomain_is_identical(busy_agency, tmp_path, settings, client_for):
    archive = tmp_path / "eksport.tar"
    call_command("export_agency", "eksport", output=str(archive))
    manifest = read_manifest(archive)
    assert manifest["schema"] == busy_agency.schema_name and manifest["agency"]["fields"]["name"]
    assert manifest["tables"]["attendance_clockevent"] == 3
    with tarfile.open(archive) as tar:
        assert {"manifest.json", "schema.pgdump", "media/logos/logo.png"} <= set(tar.getnames())

    call_command("restore_agency", input=str(archive), as_subdomain="salinan")

    copy = Agency.objects.get(subdomain="salinan")
    assert copy.schema_name == "agency_salinan" and copy.name == busy_agency.name
    assert copy.status == AgencyStatus.ACTIVE
    assert Domain.objects.get(tenant=copy).domain == "salinan.localhost"
    original, restored = schema_content(busy_agency.schema_name), schema_content(copy.schema_name)
    assert set(restored) == set(original) and len(original) > 20
    differ = [t for t in original if original[t] != restored[t]]
    assert not differ, f"tables differ after restore: {differ}"
    assert (
        settings.MEDIA_ROOT / "agency_salinan" / "logos" / "logo.png"
    ).read_bytes() == b"\x89PNG fake logo"

    # The copy is a working agency on its own host, and the original is untouched.
    assert client_for(copy).get("/login/").status_code == 200
    client_for(copy).login_as(ADMIN_A, PASSWORD)
    assert schema_content(busy_agency.schema_name) == original
    # The append-only trigger came along, in the new schema.
    with (
        schema_context(copy.schema_name),
        connection.cursor() as cursor,
        pytest.raises(Exception, match="append-only"),
    ):
        cursor.execute("DELETE FROM attendance_clockevent")


def test_restore_refuses_a_subdomain_in_use(busy_agency, tmp_path):
    archive = tmp_path / "eksport.tar"
    call_command("export_agency", "eksport", output=str(archive))
    with pytest.raises(CommandError, match="already"):
        call_command("restore_agency", input=str(archive))  # the original still exists
    with pytest.raises(CommandError, match="admin"):  # a reserved name
        call_command("restore_agency", input=str(archive), as_subdomain="admin")
    assert Agency.objects.exclude(schema_name="public").count() == 1


def test_offboarding_refuses_without_the_exact_confirmation(busy_agency, tmp_path, client_for):
    for confirm in (None, "", "EKSPORT", "eksport2"):
        options = {"output": str(tmp_path / "x.tar")}
        if confirm is not None:
            options["confirm"] = confirm
        with pytest.raises(CommandError, match="--confirm eksport"):
            call_command("offboard_agency", "eksport", **options)
    busy_agency.refresh_from_db()
    assert busy_agency.status == AgencyStatus.ACTIVE
    assert schema_exists(busy_agency.schema_name)
    assert Domain.objects.filter(tenant=busy_agency).exists()
    assert not (tmp_path / "x.tar").exists()
    assert client_for(busy_agency).get("/login/").status_code == 200


def test_offboarding_exports_drops_and_can_be_undone(busy_agency, tmp_path, client_for, settings):
    before = schema_content(busy_agency.schema_name)
    host = busy_agency.host
    archive = tmp_path / "offboard.tar"
    call_command("offboard_agency", "eksport", confirm="eksport", output=str(archive), reason="agency merged")

    busy_agency.refresh_from_db()
    assert busy_agency.status == AgencyStatus.OFFBOARDED
    assert "agency merged" in busy_agency.status_reason and "offboard.tar" in busy_agency.status_reason
    assert not schema_exists(busy_agency.schema_name)
    assert not Domain.objects.filter(tenant=busy_agency).exists()
    assert client_for(host).get("/login/").status_code == 404
    assert not (settings.MEDIA_ROOT / busy_agency.schema_name).exists()
    assert read_manifest(archive)["tables"]["attendance_clockevent"] == 3
    # Later deploys skip it; the nightly jobs only visit active agencies.
    call_command("migrate_agencies", verbosity=0)
    assert not schema_exists(busy_agency.schema_name)
    with pytest.raises(CommandError, match="already offboarded"):
        call_command("offboard_agency", "eksport", confirm="eksport", output=str(tmp_path / "again.tar"))

    # Restoring under its own subdomain reinstates the same Agency row (pg_restore's own path).
    call_command("restore_agency", input=str(archive))
    busy_agency.refresh_from_db()
    assert busy_agency.status == AgencyStatus.ACTIVE
    assert schema_content(busy_agency.schema_name) == before
    assert client_for(host).get("/login/").status_code == 200
    assert (settings.MEDIA_ROOT / busy_agency.schema_name / "logos" / "logo.png").exists()


def test_a_reserved_subdomain_takes_back_only_its_own_agencys_export(busy_agency, tmp_path, client_for):
    """Export agency B, offboard agency A, restore B's export as A's subdomain: refused, A's row and
    the record of where A's export went stay as they were, nothing is created."""
    other = provision_agency(make_request("lain", admin_mykad="880808105555"), notify=False).agency
    other_archive = tmp_path / "lain.tar"
    call_command("export_agency", "lain", output=str(other_archive))
    call_command(
        "offboard_agency",
        "eksport",
        confirm="eksport",
        output=str(tmp_path / "a.tar"),
        reason="agency merged",
    )
    busy_agency.refresh_from_db()
    reason = busy_agency.status_reason
    with pytest.raises(CommandError, match="reserved for the offboarded agency"):
        call_command("restore_agency", input=str(other_archive), as_subdomain="eksport")
    busy_agency.refresh_from_db()
    assert busy_agency.status == AgencyStatus.OFFBOARDED and busy_agency.status_reason == reason
    assert busy_agency.name != other.name
    assert not schema_exists(busy_agency.schema_name)
    assert client_for(busy_agency.host).get("/login/").status_code == 404
    assert Agency.objects.filter(subdomain="lain", status=AgencyStatus.ACTIVE).count() == 1
    # Its own export still brings it back.
    call_command("restore_agency", input=str(tmp_path / "a.tar"))
    busy_agency.refresh_from_db()
    assert busy_agency.status == AgencyStatus.ACTIVE


def test_schema_rename_leaves_copied_rows_alone():
    sql = [
        "CREATE TABLE agency_a.people_officer (id bigint);\n",
        "COPY agency_a.people_officer (id, note) FROM stdin;\n",
        "1\tmoved from agency_a to agency_ab\n",
        "\\.\n",
        "SELECT pg_catalog.setval('agency_a.people_officer_id_seq', 1, true);\n",
        'ALTER TABLE ONLY "agency_a".x ADD CONSTRAINT agency_a_pk PRIMARY KEY (id);\n',
    ]
    out = list(rewrite_schema_sql(sql, "agency_a", "agency_b"))
    assert out[0] == "CREATE TABLE agency_b.people_officer (id bigint);\n"
    assert out[1] == "COPY agency_b.people_officer (id, note) FROM stdin;\n"
    assert out[2] == sql[2], "data rows are never rewritten"
    assert out[4] == "SELECT pg_catalog.setval('agency_b.people_officer_id_seq', 1, true);\n"
    assert out[5] == 'ALTER TABLE ONLY "agency_b".x ADD CONSTRAINT agency_a_pk PRIMARY KEY (id);\n'
