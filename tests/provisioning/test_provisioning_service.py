"""The provisioning service and its CLI."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_context, schema_exists

from provisioning.services import AgencyStateError, provision_agency, set_agency_status
from tenants.models import Agency, AgencyStatus
from tests.fixtures.agencies import make_request


def test_provisioned_agency_has_defaults_and_an_admin(
    provision, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = provision("jpn-kelantan", state="03")
    agency = result.agency
    assert agency.schema_name == "agency_jpn_kelantan"
    assert result.url == "http://jpn-kelantan.localhost/"
    from spotme.accounts.models import User
    from tenant_apps.organisation.models import AgencyProfile

    with schema_context(agency.schema_name):
        profile = AgencyProfile.current()
        assert (profile.state, profile.timezone) == ("03", "Asia/Kuala_Lumpur")
        admin = User.objects.get()
        assert admin.check_password(result.temporary_password)
        assert admin.must_change_password
    assert result.temporary_password in mailoutbox[0].body


def test_the_template_holds_no_user_data(provision):
    from spotme.accounts.models import User

    with schema_context("spotme_template"):
        assert not User.objects.exists()


@pytest.mark.parametrize(
    "field,value",
    [
        ("subdomain", "www"),
        ("subdomain", "A B"),
        ("admin_mykad", "1234"),
        ("state", "17"),
        ("admin_email", "x"),
        ("name", " "),
    ],
)
def test_bad_requests_are_refused_before_anything_is_written(platform_db, field, value):
    with pytest.raises(ValidationError):
        provision_agency(make_request(**{"subdomain": "baik", field: value}))
    assert not Agency.objects.exclude(schema_name="public").exists()


def test_same_subdomain_twice_is_refused(provision):
    provision("dua-kali")
    with pytest.raises(ValidationError):
        provision("dua-kali")
    assert Agency.objects.filter(subdomain="dua-kali").count() == 1


def test_an_orphan_schema_blocks_the_subdomain_instead_of_being_reused(provision):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "agency_yatim"')
    with pytest.raises(ValidationError):
        provision("yatim")


def test_suspend_reactivate_archive(provision):
    agency = provision("kitaran").agency
    assert set_agency_status(agency.pk, AgencyStatus.SUSPENDED, reason="Tunggakan").status == "suspended"
    with pytest.raises(AgencyStateError):
        set_agency_status(agency.pk, AgencyStatus.SUSPENDED)
    assert set_agency_status(agency.pk, AgencyStatus.ACTIVE).status == "active"
    assert set_agency_status(agency.pk, AgencyStatus.ARCHIVED, reason="Tamat").status == "archived"
    with pytest.raises(AgencyStateError):
        set_agency_status(agency.pk, AgencyStatus.ACTIVE)
    assert schema_exists(agency.schema_name), "archiving keeps the data"


def test_cli_provision_suspend_reactivate(platform_db, capsys):
    call_command(
        "provision_agency",
        "--name",
        "Jabatan CLI",
        "--subdomain",
        "jabatan-cli",
        "--state",
        "Selangor",
        "--admin-ic",
        "880808-14-5678",
        "--admin-email",
        "cli@jabatan.gov.my",
    )
    out = capsys.readouterr().out
    assert "http://jabatan-cli.localhost/" in out
    assert "Temporary password: " in out and "880808145678" in out
    call_command("suspend_agency", "jabatan-cli", "--reason", "Ujian")
    assert Agency.objects.get(subdomain="jabatan-cli").status == "suspended"
    call_command("reactivate_agency", "jabatan-cli")
    assert Agency.objects.get(subdomain="jabatan-cli").status == "active"
    with pytest.raises(CommandError, match="No agency|Tiada agensi"):
        call_command("suspend_agency", "tiada")
    with pytest.raises(CommandError, match="reserved|dikhaskan"):
        call_command(
            "provision_agency",
            "--name",
            "X",
            "--subdomain",
            "admin",
            "--state",
            "10",
            "--admin-ic",
            "880808145678",
            "--admin-email",
            "a@b.gov.my",
        )
    with pytest.raises(CommandError, match="Unknown state"):
        call_command(
            "provision_agency",
            "--name",
            "X",
            "--subdomain",
            "xyz",
            "--state",
            "Atlantis",
            "--admin-ic",
            "880808145678",
            "--admin-email",
            "a@b.gov.my",
        )


def test_create_operator_command(platform_db):
    from spotme.accounts.models import User

    call_command("create_operator", "pengendali", password="Sangat-Selamat-2026", email="p@jdn.gov.my")
    user = User.objects.get(username="pengendali")
    assert user.is_staff and user.check_password("Sangat-Selamat-2026")
    with pytest.raises(CommandError):
        call_command("create_operator", "lemah", password="123")
