"""Exporting, restoring and offboarding one agency.

An export is one tar file:

    manifest.json    what was exported: the agency's public rows (Agency, Domain, its application),
                     the row count of every table in its schema, the migrations applied there, and
                     the size and SHA-256 of the dump and of every uploaded file
    schema.pgdump    pg_dump of the agency's schema, custom format, without owners or grants
    media/...        the agency's uploaded files (MEDIA_ROOT/<schema>/)

The counts and the dump come from one snapshot (pg_dump --snapshot), so they agree even while the
agency is in use; a restore checks them before it commits anything. The manifest comes first in the
tar and lists every other member: an export cut short, with a file missing, added or changed, is
refused by `verify_export` and `restore_agency` (naming the file) before anything is restored.

A restore under the original schema name runs pg_restore itself. Under another subdomain (a copy
next to the original, e.g. to inspect an old state) pg_restore writes SQL and the schema name is
rewritten in the statements, never in the rows (COPY data passes through untouched), then psql runs
it in one transaction. In both cases the Agency and Domain rows are created afterwards, and the new
schema is dropped again if that fails: nothing is left half-restored.

Offboarding suspends the agency (no more writes), exports it, checks the archive, then in one
transaction drops the schema, deletes its domains and marks the Agency row offboarded.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import io
import json
import logging
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_exists

from tenants.models import Agency, AgencyStatus, Domain
from tenants.subdomains import domain_for, normalise_subdomain, schema_name_for, validate_subdomain_format

from . import schemas

log = logging.getLogger(__name__)

FORMAT = "spotme-agency-export"
FORMAT_VERSION = 2  # 2: the manifest lists every member with its size and SHA-256
OLDEST_READABLE_VERSION = 1  # version 1 lists no files: restored only when asked to trust them
MANIFEST = "manifest.json"
DUMP = "schema.pgdump"
MEDIA = "media"


class BackupError(Exception):
    pass


@dataclass(frozen=True)
class ExportResult:
    path: Path
    manifest: dict


# --- PostgreSQL client programs -----------------------------------------------------------------


def pg_program(name: str) -> str:
    """pg_dump / pg_restore / psql: from SPOTME_PG_BIN, else PATH, else the newest server install.
    pg_dump must be at least as new as the server (the image ships Debian's current client)."""
    configured = os.environ.get("SPOTME_PG_BIN")
    if configured:
        return str(Path(configured) / name)
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=lambda p: int(Path(p).parent.parent.name)
    )
    if candidates:
        return candidates[-1]
    raise BackupError(f"{name} not found: install the PostgreSQL client or set SPOTME_PG_BIN")


def pg_environ() -> dict[str, str]:
    """libpq variables for the client programs: the password never appears on a command line."""
    s = connection.settings_dict
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    values = {
        "PGHOST": s.get("HOST"),
        "PGPORT": s.get("PORT"),
        "PGUSER": s.get("USER"),
        "PGPASSWORD": s.get("PASSWORD"),
        "PGDATABASE": s.get("NAME"),
    }
    options = s.get("OPTIONS") or {}
    for option, variable in (
        ("sslmode", "PGSSLMODE"),
        ("sslrootcert", "PGSSLROOTCERT"),
        ("sslcert", "PGSSLCERT"),
        ("sslkey", "PGSSLKEY"),
    ):
        if isinstance(options.get(option), str):
            values[variable] = options[option]
    env.update({k: str(v) for k, v in values.items() if v})
    return env


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, env=pg_environ(), capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        raise BackupError(f"{Path(cmd[0]).name} failed: {result.stderr.strip()[-2000:]}")
    return result


def _snapshot_connection():
    """A separate session whose REPEATABLE READ snapshot pg_dump shares (--snapshot)."""
    import psycopg

    s = connection.settings_dict
    options = {k: v for k, v in (s.get("OPTIONS") or {}).items() if isinstance(v, str)}
    conn = psycopg.connect(
        dbname=s["NAME"],
        user=s["USER"] or None,
        password=s["PASSWORD"] or None,
        host=s["HOST"] or None,
        port=s["PORT"] or None,
        **options,
    )
    conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
    return conn


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def table_counts(cursor, schema: str) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", [schema])
    tables = [row[0] for row in cursor.fetchall()]
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT count(*) FROM {_quote(schema)}.{_quote(table)}")
        counts[table] = cursor.fetchone()[0]
    return counts


# --- export --------------------------------------------------------------------------------------


def _public_rows(agency: Agency, status: str | None) -> dict:
    def rows(queryset):
        return json.loads(serializers.serialize("json", queryset))

    application = None
    if agency.application_id:
        from shared_apps.onboarding.models import AgencyApplication

        application = rows(AgencyApplication.objects.filter(pk=agency.application_id))[0]
    agency_row = rows(Agency.objects.filter(pk=agency.pk))[0]
    if status:
        agency_row["fields"]["status"] = status
    return {
        "agency": agency_row,
        "domains": rows(Domain.objects.filter(tenant=agency)),
        "application": application,
    }


def export_agency(agency: Agency, output: Path, *, status: str | None = None) -> ExportResult:
    """`status`: the status to record for the agency, when it is not the current one (offboarding
    suspends the agency while it exports, but a restore should bring back the status it had)."""
    if agency.is_public:
        raise BackupError("The public schema is not an agency.")
    schema = agency.schema_name
    if not schema_exists(schema):
        raise BackupError(f"Schema {schema} does not exist.")
    output = Path(output)
    check_writable(output)
    with tempfile.TemporaryDirectory(prefix="spotme-export-") as tmp:
        dump = Path(tmp) / DUMP
        snapshot = _snapshot_connection()
        try:
            with snapshot.cursor() as cursor:
                cursor.execute("SELECT pg_export_snapshot()")
                snapshot_id = cursor.fetchone()[0]
                counts = table_counts(cursor, schema)
                cursor.execute(f"SELECT app, name FROM {_quote(schema)}.django_migrations")
                migrations = sorted([app, name] for app, name in cursor.fetchall())
            _run(
                [
                    pg_program("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot_id}",
                    f"--schema={schema}",
                    f"--file={dump}",
                ]
            )
        finally:
            snapshot.rollback()
            snapshot.close()
        # The files as they are now, copied once: the manifest describes exactly what the tar holds
        # even if an officer uploads a logo meanwhile.
        media_copy = Path(tmp) / MEDIA
        source_media = Path(settings.MEDIA_ROOT) / schema
        if source_media.is_dir():
            shutil.copytree(source_media, media_copy, symlinks=False)
        manifest = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "exported_at": timezone.now().isoformat(),
            "schema": schema,
            "subdomain": agency.subdomain,
            "apex_domain": settings.APEX_DOMAIN,
            "tables": counts,
            "migrations": migrations,
            "dump": _describe(dump),
            "files": _describe_tree(media_copy),
            **_public_rows(agency, status),
        }
        partial = output.with_name(output.name + ".partial")
        with open(partial, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w") as archive:
                data = json.dumps(manifest, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(data)
                info.mtime = int(timezone.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
                archive.add(dump, arcname=DUMP)
                for entry in manifest["files"]:
                    archive.add(media_copy / entry["path"], arcname=f"{MEDIA}/{entry['path']}")
            raw.flush()
            os.fsync(raw.fileno())  # on the backup volume before the schema may be dropped
        partial.replace(output)
        _fsync_dir(output.parent)
    log.info(
        "exported agency %s to %s (%d tables, %d files)", schema, output, len(counts), len(manifest["files"])
    )
    return ExportResult(path=output, manifest=manifest)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _describe(path: Path) -> dict:
    return {"size": path.stat().st_size, "sha256": _sha256(path)}


def _describe_tree(root: Path) -> list[dict]:
    """Every regular file under `root`, as {path (posix, relative), size, sha256}, sorted."""
    if not root.is_dir():
        return []
    files = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        files.append({"path": path.relative_to(root).as_posix(), **_describe(path)})
    return files


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem lets a directory be opened
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def check_writable(output: Path) -> None:
    """Fail early and clearly (before any agency is suspended) when the export cannot be written."""
    output = Path(output)
    if output.is_dir():
        raise BackupError(f"{output} is a directory: give the export file's name.")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        probe = output.with_name(output.name + ".partial")
        with open(probe, "wb"):
            pass
        probe.unlink()
    except OSError as exc:
        raise BackupError(f"Cannot write the export to {output}: {exc.strerror or exc}.") from exc


def read_manifest(path: Path) -> dict:
    """The manifest, the archive's first member (read without scanning the rest, so a damaged
    tail is reported by check_contents with the file it hits)."""
    try:
        with tarfile.open(path, "r") as archive:
            first = archive.next()
            if first is None or first.name != MANIFEST:
                raise KeyError(MANIFEST)
            manifest = json.load(archive.extractfile(first))
    except (tarfile.TarError, KeyError, json.JSONDecodeError, OSError, EOFError) as exc:
        raise BackupError(f"{path} is not an agency export: {exc}") from exc
    version = manifest.get("version")
    if (
        manifest.get("format") != FORMAT
        or not isinstance(version, int)
        or not OLDEST_READABLE_VERSION <= version <= FORMAT_VERSION
    ):
        raise BackupError(f"{path}: unknown export format {manifest.get('format')} {version}")
    return manifest


def _expected_members(manifest: dict) -> dict[str, dict]:
    expected = {DUMP: manifest["dump"]}
    for entry in manifest["files"]:
        name = PurePosixPath(entry["path"])
        if name.is_absolute() or ".." in name.parts:
            raise BackupError(f"The manifest lists an unsafe file name: {entry['path']}")
        expected[f"{MEDIA}/{name}"] = entry
    return expected


def check_contents(path: Path, *, into: Path | None = None, trust_files: bool = False) -> dict:
    """Read the whole archive once and compare every member with the manifest: the dump and each
    uploaded file must be there, complete, and have the listed SHA-256; nothing unlisted may be
    there. `into`: also extract the members there (a restore then uses exactly what was checked).
    Raises BackupError naming the first files that differ. Returns the manifest."""
    manifest = read_manifest(path)
    if manifest["version"] < 2:
        if not trust_files:
            raise BackupError(
                f"{path} was made by an older version whose manifest does not list its files, so "
                f"missing or changed files cannot be detected. Make a new export, or restore it "
                f"with --trust-files if you accept that risk."
            )
        expected = None
    else:
        expected = _expected_members(manifest)
    seen: dict[str, dict] = {}
    problems: list[str] = []
    current = MANIFEST
    try:
        with tarfile.open(path, "r") as archive:
            for member in archive:
                current = member.name
                if member.name == MANIFEST or member.isdir():
                    continue
                if not member.isfile():
                    problems.append(f"{member.name}: not a regular file")
                    continue
                if expected is not None and member.name not in expected:
                    problems.append(f"{member.name}: not listed in the manifest")
                    continue
                name = PurePosixPath(member.name)
                unsafe = name.parts[0] != MEDIA or ".." in name.parts or name.is_absolute()
                if member.name != DUMP and unsafe:
                    problems.append(f"{member.name}: not a file an export holds")
                    continue
                destination = None
                if into is not None:
                    destination = into / member.name
                    destination.parent.mkdir(parents=True, exist_ok=True)
                size, digest = _copy_hashing(archive.extractfile(member), destination)
                seen[member.name] = {"size": size, "sha256": digest}
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"{path} is cut short or damaged (while reading {current}): {exc}") from exc
    if expected is not None:
        for name, want in expected.items():
            got = seen.get(name)
            if got is None:
                problems.append(f"{name}: missing")
            elif got["size"] != want["size"]:
                problems.append(f"{name}: {got['size']} bytes instead of {want['size']}")
            elif got["sha256"] != want["sha256"]:
                problems.append(f"{name}: content differs (SHA-256 mismatch)")
    elif not seen.get(DUMP, {}).get("size"):
        problems.append(f"{DUMP}: missing or empty")
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        raise BackupError(f"{path} does not match its manifest: {shown}")
    return manifest


def _copy_hashing(source, destination: Path | None) -> tuple[int, str]:
    """Read `source` to its end (writing it to `destination` if given): its size and SHA-256."""
    digest = hashlib.sha256()
    size = 0
    with open(destination, "wb") if destination is not None else contextlib.nullcontext() as target:
        for block in iter(lambda: source.read(1 << 20), b""):
            digest.update(block)
            size += len(block)
            if target is not None:
                target.write(block)
    return size, digest.hexdigest()


def verify_export(path: Path, *, trust_files: bool = False) -> dict:
    """The archive opens, every member matches the manifest, and pg_restore can list its dump."""
    with tempfile.TemporaryDirectory(prefix="spotme-verify-") as tmp:
        manifest = check_contents(path, into=Path(tmp), trust_files=trust_files)
        listing = _run([pg_program("pg_restore"), "--list", str(Path(tmp) / DUMP)]).stdout
    if f"SCHEMA - {manifest['schema']}" not in listing:
        raise BackupError(f"{path}: the dump does not hold schema {manifest['schema']}")
    return manifest


# --- restore -------------------------------------------------------------------------------------


def _identifier_pattern(name: str) -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z0-9_$]){re.escape(name)}(?![A-Za-z0-9_$])")


def rewrite_schema_sql(lines, old: str, new: str):
    """pg_restore's SQL with schema `old` renamed to `new` in statements; the rows of COPY blocks
    (data, which may mention anything) pass through unchanged."""
    pattern = _identifier_pattern(old)
    in_copy = False
    for line in lines:
        if in_copy:
            if line.rstrip("\r\n") == "\\.":
                in_copy = False
            yield line
            continue
        if line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
            in_copy = True
        yield pattern.sub(new, line)


def _restore_schema(dump: Path, source_schema: str, target_schema: str) -> None:
    if source_schema == target_schema:
        _run(
            [
                pg_program("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={connection.settings_dict['NAME']}",
                str(dump),
            ]
        )
        return
    env = pg_environ()
    with tempfile.TemporaryFile("w+") as restore_err, tempfile.TemporaryFile("w+") as psql_err:
        restore = subprocess.Popen(
            [pg_program("pg_restore"), "--no-owner", "--no-privileges", "--file=-", str(dump)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=restore_err,
            text=True,
        )
        psql = subprocess.Popen(
            [
                pg_program("psql"),
                "--quiet",
                "--no-psqlrc",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                "--file=-",
            ],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=psql_err,
            text=True,
        )
        try:
            for line in rewrite_schema_sql(restore.stdout, source_schema, target_schema):
                psql.stdin.write(line)
        except BrokenPipeError:
            pass  # psql stopped on an error: reported below
        finally:
            with contextlib.suppress(BrokenPipeError):
                psql.stdin.close()
            restore_code, psql_code = restore.wait(), psql.wait()
        if restore_code != 0 or psql_code != 0:
            restore_err.seek(0)
            psql_err.seek(0)
            raise BackupError(
                "restore failed: " + (restore_err.read().strip() + " " + psql_err.read().strip())[-2000:]
            )


def _check_target(subdomain: str, target_schema: str, manifest: dict) -> Agency | None:
    """The offboarded Agency row to reinstate, if any; raises when the subdomain is in use.

    An offboarded agency's subdomain stays reserved for that agency: only an export *of that
    agency* (the same Agency row and schema, by the identity recorded in the manifest) brings it
    back. Any other export, restored there, would hand one agency's name and officers' records to
    another agency's address and wipe the record of where the offboarded one's export went."""
    from tenants.subdomains import subdomain_in_use

    existing = Agency.objects.filter(subdomain=subdomain).first()
    if schema_exists(target_schema):
        raise BackupError(f"Schema {target_schema} already exists.")
    if existing is not None:
        if existing.status != AgencyStatus.OFFBOARDED or existing.schema_name != target_schema:
            raise BackupError(f"The subdomain {subdomain} is already taken.")
        exported = manifest.get("agency") or {}
        if exported.get("pk") != existing.pk or manifest.get("schema") != existing.schema_name:
            raise BackupError(
                f"The subdomain {subdomain} is reserved for the offboarded agency "
                f"'{existing.name}' (id {existing.pk}), and this export is of another agency "
                f"('{exported.get('fields', {}).get('name', '?')}', id {exported.get('pk', '?')}, "
                f"schema {manifest.get('schema', '?')}). Restore it under a new subdomain with "
                "--as-subdomain."
            )
        return existing
    if Agency.objects.filter(schema_name=target_schema).exists():
        raise BackupError(f"An agency already uses schema {target_schema}.")
    if subdomain_in_use(subdomain):
        raise BackupError(f"The subdomain {subdomain} is claimed by an application.")
    return None


def _recreate_public_rows(manifest: dict, subdomain: str, schema: str, reinstate: Agency | None) -> Agency:
    from shared_apps.onboarding.models import AgencyApplication

    fields = manifest["agency"]["fields"]
    renamed = subdomain != manifest["subdomain"]
    application = None
    app_row = manifest.get("application")
    if app_row and not renamed:
        application = AgencyApplication.objects.filter(pk=app_row["pk"]).first()
        if application is None:  # a fresh database: bring the application back as it was
            obj = next(serializers.deserialize("json", json.dumps([app_row])))
            obj.save()
            application = obj.object
        if Agency.objects.filter(application=application).exclude(pk=getattr(reinstate, "pk", None)).exists():
            application = None
    agency = reinstate or Agency(schema_name=schema, subdomain=subdomain)
    agency.name = fields["name"]
    agency.ministry = fields.get("ministry", "")
    agency.state = fields.get("state", "")
    agency.timezone = fields.get("timezone") or agency.timezone
    agency.expected_officers = fields.get("expected_officers") or 0
    agency.status = fields.get("status") or AgencyStatus.ACTIVE
    if agency.status == AgencyStatus.OFFBOARDED:
        agency.status = AgencyStatus.SUSPENDED
    agency.status_reason = fields.get("status_reason", "")
    agency.status_changed_at = timezone.now()
    agency.application = application
    agency.save()
    Domain.objects.create(domain=domain_for(subdomain), tenant=agency, is_primary=True)
    if not renamed:  # further domains the agency had, where still free
        for row in manifest.get("domains", []):
            name = row["fields"]["domain"]
            if name != domain_for(subdomain) and not Domain.objects.filter(domain=name).exists():
                Domain.objects.create(domain=name, tenant=agency, is_primary=False)
    return agency


def restore_agency(path: Path, *, as_subdomain: str | None = None, trust_files: bool = False) -> Agency:
    """All or nothing: the archive is checked against its manifest (every file, by SHA-256) and
    its files staged beside MEDIA_ROOT before the schema is restored; any failure leaves neither
    schema, rows nor files behind. `trust_files`: accept a version-1 export (files unlisted)."""
    manifest = read_manifest(path)
    subdomain = normalise_subdomain(as_subdomain or manifest["subdomain"])
    try:
        validate_subdomain_format(subdomain)
    except ValidationError as exc:
        raise BackupError("; ".join(exc.messages)) from exc
    target = schema_name_for(subdomain)
    known = schemas.expected_migrations()
    unknown = {tuple(m) for m in manifest["migrations"]} - known
    if unknown:
        raise BackupError(
            f"The export has {len(unknown)} migrations this version does not know "
            f"(e.g. {sorted(unknown)[0]}): restore it with the version that made it."
        )
    reinstate = _check_target(subdomain, target, manifest)
    media_root = Path(settings.MEDIA_ROOT)
    destination = media_root / target
    with tempfile.TemporaryDirectory(prefix="spotme-restore-") as tmp:
        check_contents(path, into=Path(tmp), trust_files=trust_files)
        staged = None
        media = Path(tmp) / MEDIA
        if media.is_dir():
            # Staged on the media volume itself, so the final step is a rename, not a copy.
            try:
                media_root.mkdir(parents=True, exist_ok=True)
                staged = Path(tempfile.mkdtemp(prefix=f".restoring-{target}-", dir=media_root))
                shutil.copytree(media, staged, dirs_exist_ok=True)
            except OSError as exc:
                if staged is not None:
                    shutil.rmtree(staged, ignore_errors=True)
                raise BackupError(f"Cannot write the agency's files under {media_root}: {exc}") from exc
        try:
            _restore_schema(Path(tmp) / DUMP, manifest["schema"], target)
            try:
                with connection.cursor() as cursor:
                    counts = table_counts(cursor, target)
                if counts != manifest["tables"]:
                    expected = manifest["tables"]
                    differ = sorted(t for t in {*counts, *expected} if counts.get(t) != expected.get(t))
                    raise BackupError(f"Row counts differ from the export in: {', '.join(differ)}")
                with transaction.atomic():
                    agency = _recreate_public_rows(manifest, subdomain, target, reinstate)
                    if staged is not None:
                        _move_into_place(staged, destination)
                        staged = None
            except BaseException:
                schemas.drop_schema(target)
                raise
        finally:
            if staged is not None:
                shutil.rmtree(staged, ignore_errors=True)
    if schemas.pending_schemas([target], known):  # an export made by an older version
        from django.core.management import call_command

        call_command("migrate_schemas", schema_name=target, interactive=False, verbosity=0)
        connection.set_schema_to_public()
    log.info("restored agency %s from %s as %s", manifest["schema"], path, target)
    return agency


def _move_into_place(staged: Path, destination: Path) -> None:
    """Inside the public rows' transaction: if this fails, the rows roll back with it."""
    if destination.exists():
        # Left over from an earlier life of the subdomain: the export's files win.
        shutil.copytree(staged, destination, dirs_exist_ok=True)
        shutil.rmtree(staged, ignore_errors=True)
    else:
        staged.replace(destination)


# --- offboarding ---------------------------------------------------------------------------------


def backup_dir_is_persistent() -> bool:
    """False when the deployment says SPOTME_BACKUP_DIR is lost with the pod (the chart sets
    SPOTME_BACKUP_DIR_PERSISTENT=0 when no volume claim backs it); unset: assumed persistent."""
    value = os.environ.get("SPOTME_BACKUP_DIR_PERSISTENT", "1").strip().lower()
    return value not in {"0", "false", "no", "off"}


def default_export_path(agency: Agency, kind: str = "offboard") -> Path:
    folder = Path(os.environ.get("SPOTME_BACKUP_DIR") or ".")
    stamp = timezone.now().strftime("%Y%m%dT%H%M%S")
    return folder / f"{kind}-{agency.subdomain}-{stamp}.tar"


def offboard_agency(agency: Agency, *, output: Path, reason: str = "") -> ExportResult:
    """Export, verify the export, then drop the schema, delete the domains, mark it offboarded."""
    if agency.is_public:
        raise BackupError("The platform itself cannot be offboarded.")
    if agency.status == AgencyStatus.OFFBOARDED:
        raise BackupError(f"{agency.subdomain} is already offboarded.")
    check_writable(output)
    previous = agency.status
    # No more writes from its users while the export runs (the nightly jobs skip it too), so
    # nothing is written after the export's snapshot and lost with the schema.
    Agency.objects.filter(pk=agency.pk).update(status=AgencyStatus.SUSPENDED)
    try:
        result = export_agency(agency, output, status=previous)
        verify_export(result.path)
    except BaseException:
        Agency.objects.filter(pk=agency.pk).update(status=previous)
        raise
    schema = agency.schema_name
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        schemas.drop_schema(schema)
        Domain.objects.filter(tenant=locked).delete()
        locked.status = AgencyStatus.OFFBOARDED
        locked.status_reason = (reason + " — " if reason else "") + f"export: {result.path.name}"
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at"])
        transaction.on_commit(lambda: shutil.rmtree(Path(settings.MEDIA_ROOT) / schema, ignore_errors=True))
    log.info("offboarded agency %s (export %s)", schema, result.path)
    return result
