"""Exports that cannot lie: the manifest lists every file with its size and SHA-256; an export cut
short, missing a file or holding a changed one is refused by verify_export and restore_agency
(naming the file, nothing restored), and offboarding never drops a schema whose export fails
that check."""

from __future__ import annotations

import hashlib
import io
import shutil
import tarfile

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import schema_exists

from provisioning import backup
from provisioning.backup import BackupError, read_manifest, verify_export
from tenants.models import Agency, AgencyStatus, Domain
from tests.ops.test_backup import busy_agency  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db(transaction=True)

LOGO = "media/logos/logo.png"
NOTE = "media/attachments/surat.pdf"


@pytest.fixture
def export(busy_agency, settings, tmp_path):  # noqa: F811
    attachment = settings.MEDIA_ROOT / busy_agency.schema_name / "attachments" / "surat.pdf"
    attachment.parent.mkdir(parents=True)
    attachment.write_bytes(b"%PDF-1.4 " + b"x" * 50_000)
    path = tmp_path / "eksport.tar"
    call_command("export_agency", "eksport", output=str(path))
    return path


def rewrite(source, target, *, drop=(), change=None):
    """Copy a tar member by member, leaving out `drop` and replacing `change` = (name, bytes)."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old:
            if member.name in drop:
                continue
            data = old.extractfile(member).read() if member.isfile() else None
            if change and member.name == change[0]:
                data = change[1]
                member.size = len(data)
            new.addfile(member, io.BytesIO(data) if data is not None else None)
    return target


def cut_inside(source, target, member_name):
    with tarfile.open(source) as archive:
        offset = archive.getmember(member_name).offset_data
    shutil.copyfile(source, target)
    with open(target, "r+b") as f:
        f.truncate(offset + 1000)
    return target


def cut_before_files(source, target):
    """Cut where the first uploaded file begins: the dump is whole, the files are gone."""
    with tarfile.open(source) as archive:
        offset = min(m.offset for m in archive.getmembers() if m.name.startswith("media/"))
    shutil.copyfile(source, target)
    with open(target, "r+b") as f:
        f.truncate(offset)
    return target


def assert_nothing_restored(settings):
    assert not Agency.objects.filter(subdomain="salinan").exists()
    assert not Domain.objects.filter(domain__startswith="salinan.").exists()
    assert not schema_exists("agency_salinan")
    assert not any(p.name.startswith(("agency_salinan", ".restoring")) for p in settings.MEDIA_ROOT.iterdir())


def test_manifest_lists_every_file_with_size_and_sha256(export, settings, busy_agency):  # noqa: F811
    manifest = read_manifest(export)
    assert manifest["version"] == 2
    files = {f["path"]: f for f in manifest["files"]}
    assert set(files) == {"logos/logo.png", "attachments/surat.pdf"}
    logo = (settings.MEDIA_ROOT / busy_agency.schema_name / "logos" / "logo.png").read_bytes()
    assert files["logos/logo.png"] == {
        "path": "logos/logo.png",
        "size": len(logo),
        "sha256": hashlib.sha256(logo).hexdigest(),
    }
    assert manifest["dump"]["size"] > 0 and len(manifest["dump"]["sha256"]) == 64
    assert verify_export(export)["schema"] == busy_agency.schema_name
    call_command("verify_export", input=str(export))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda src, dst: cut_inside(src, dst, NOTE), "cut short|attachments/surat.pdf"),
        (cut_before_files, "media/logos/logo.png: missing"),
        (lambda src, dst: rewrite(src, dst, drop={NOTE}), "media/attachments/surat.pdf: missing"),
        (lambda src, dst: rewrite(src, dst, change=(LOGO, b"\x89PNG fake lgoo")), f"{LOGO}: content differs"),
        (lambda src, dst: rewrite(src, dst, change=(LOGO, b"\x89PNG")), f"{LOGO}: 4 bytes instead of"),
        (lambda src, dst: rewrite(src, dst, drop={backup.DUMP}), "schema.pgdump"),
    ],
    ids=[
        "truncated-in-files",
        "cut-after-dump",
        "member-deleted",
        "file-changed",
        "file-shortened",
        "dump-deleted",
    ],
)
def test_a_damaged_export_is_refused_and_nothing_is_restored(export, tmp_path, settings, damage, message):
    damaged = damage(export, tmp_path / "damaged.tar")
    with pytest.raises(BackupError, match=message):
        verify_export(damaged)
    with pytest.raises(CommandError, match=message):
        call_command("verify_export", input=str(damaged))
    with pytest.raises(CommandError, match=f"Nothing was restored.*({message})"):
        call_command("restore_agency", input=str(damaged), as_subdomain="salinan")
    assert_nothing_restored(settings)


def test_an_unlisted_extra_file_is_refused(export, tmp_path, settings):
    damaged = tmp_path / "extra.tar"
    shutil.copyfile(export, damaged)
    with tarfile.open(damaged, "a") as archive:
        info = tarfile.TarInfo("media/planted.html")
        info.size = 3
        archive.addfile(info, io.BytesIO(b"hi!"))
    with pytest.raises(CommandError, match="media/planted.html: not listed"):
        call_command("restore_agency", input=str(damaged), as_subdomain="salinan")
    assert_nothing_restored(settings)


def test_an_intact_export_restores_with_its_files(export, settings):
    call_command("restore_agency", input=str(export), as_subdomain="salinan")
    restored = settings.MEDIA_ROOT / "agency_salinan"
    assert (restored / "attachments" / "surat.pdf").stat().st_size == 50_009
    assert not any(p.name.startswith(".restoring") for p in settings.MEDIA_ROOT.iterdir())


def test_offboarding_refuses_to_drop_when_verification_fails(busy_agency, tmp_path, monkeypatch):  # noqa: F811
    real_export = backup.export_agency

    def export_cut_short_on_disk(agency, output, **kwargs):
        # The export is written, then the volume loses its tail (the fault offboarding guards against).
        result = real_export(agency, output, **kwargs)
        with open(result.path, "r+b") as f:
            f.truncate(result.path.stat().st_size // 2)
        return result

    monkeypatch.setattr(backup, "export_agency", export_cut_short_on_disk)
    with pytest.raises(CommandError, match="eksport was not offboarded"):
        call_command("offboard_agency", "eksport", confirm="eksport", output=str(tmp_path / "off.tar"))
    busy_agency.refresh_from_db()
    assert busy_agency.status == AgencyStatus.ACTIVE
    assert schema_exists(busy_agency.schema_name)
    assert Domain.objects.filter(tenant=busy_agency).exists()


def test_an_unwritable_output_is_a_clear_error_before_anything_changes(busy_agency, tmp_path):  # noqa: F811
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    for command, options in (
        ("offboard_agency", {"confirm": "eksport"}),
        ("export_agency", {}),
    ):
        with pytest.raises(CommandError, match="Cannot write the export to .*not-a-folder"):
            call_command(command, "eksport", output=str(blocker / "x.tar"), **options)
    busy_agency.refresh_from_db()
    assert busy_agency.status == AgencyStatus.ACTIVE
    assert schema_exists(busy_agency.schema_name)


def test_offboarding_writes_to_the_backup_dir_by_default(busy_agency, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SPOTME_BACKUP_DIR", str(tmp_path / "backups"))
    call_command("offboard_agency", "eksport", confirm="eksport")
    (written,) = (tmp_path / "backups").glob("offboard-eksport-*.tar")
    assert verify_export(written)["subdomain"] == "eksport"


def test_offboarding_refuses_a_backup_dir_lost_with_the_pod(busy_agency, tmp_path, monkeypatch):  # noqa: F811
    monkeypatch.setenv("SPOTME_BACKUP_DIR", str(tmp_path / "backups"))
    monkeypatch.setenv("SPOTME_BACKUP_DIR_PERSISTENT", "0")
    with pytest.raises(CommandError, match="not on a persistent volume"):
        call_command("offboard_agency", "eksport", confirm="eksport")
    busy_agency.refresh_from_db()
    assert busy_agency.status == AgencyStatus.ACTIVE and schema_exists(busy_agency.schema_name)
