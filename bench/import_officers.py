"""Django side of bench/run.py's officer-import measurement (one process, like bench/worker.py).

    python bench/import_officers.py --rows 5000 --runs 3 --out FILE

Generates a valid file of `--rows` officers (unique MyKad numbers with real birth dates and place
codes 01-16; org units by code; supervisors referencing earlier rows, the first ones the agency's
existing org admin; roles; emails; phones; dates in both formats) and times, in a freshly provisioned
agency with 24 organisation units, through the service `tenant_apps.people.importing.import_officers`:

    dry run     read + check every row, nothing written (the CSV, and the same officers as XLSX)
    real run    read + check + write everything in one transaction + queue the activation emails
                (Celery tasks published to an in-memory broker, as a deploy publishes them to Redis)
    emails      what the workers then do: render and send every activation email (locmem backend)

each in its own fresh agency (`--runs` times), then the same file through the real page (Django's test
client, a full request through the middleware; dry run, then real run) in one more fresh agency.
The agencies are removed at the end.
"""

from __future__ import annotations

import argparse
import csv
import datetime
import io
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotme.settings")

ADMIN_MYKAD = "850101105001"
UNIT_CODES = [f"B{d}" for d in range(1, 5)] + [f"B{d}-S{s}" for d in range(1, 5) for s in range(1, 6)]
SUPERVISORS = 500  # rows that supervise others: the first ones of the file


def mykads(count: int, seed: int = 7) -> list[str]:
    """`count` unique valid MyKad numbers: YYMMDD of a real date (1960-2003), place code 01-16, serial."""
    rng = random.Random(seed)
    seen: set[str] = {ADMIN_MYKAD}
    out = []
    start = datetime.date(1960, 1, 1)
    while len(out) < count:
        born = start + datetime.timedelta(days=rng.randrange(16000))
        number = f"{born:%y%m%d}{rng.randint(1, 16):02d}{rng.randrange(10000):04d}"
        if number not in seen:
            seen.add(number)
            out.append(number)
    return out


def officers_csv(rows: int) -> bytes:
    rng = random.Random(11)
    numbers = mykads(rows)
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(
        [
            "mykad",
            "full_name",
            "email",
            "phone",
            "grade",
            "position",
            "org_unit",
            "supervisor_mykad",
            "roles",
            "join_date",
        ]
    )
    for i, number in enumerate(numbers):
        # The first 20 report to the org admin (an existing officer), every other row to one of the
        # supervisor rows before it in the file.
        supervisor = ADMIN_MYKAD if i < 20 else numbers[rng.randrange(min(i, SUPERVISORS))]
        joined = datetime.date(2000, 1, 1) + datetime.timedelta(days=rng.randrange(9000))
        writer.writerow(
            [
                number,
                f"Pegawai Ujian {i:05d} binti Abdullah",
                f"pegawai{i:05d}@bench.gov.my",
                f"01{rng.randint(2, 9)}-{rng.randrange(1000000, 9999999)}",
                rng.choice(["N19", "N22", "F29", "F41", "F44", "F48", "M41"]),
                "Pegawai Tadbir",
                UNIT_CODES[i % len(UNIT_CODES)],
                supervisor,
                "penyelia" if i < SUPERVISORS else ("eksekutif" if i % 500 == 7 else ""),
                f"{joined:%Y-%m-%d}" if i % 2 else f"{joined:%d/%m/%Y}",
            ]
        )
    return out.getvalue().encode("utf-8")


def fresh_agency(subdomain: str):
    from django.db import connection
    from django.test.utils import override_settings
    from django_tenants.utils import schema_context

    from provisioning.services import AgencyRequest, provision_agency
    from spotme.accounts.models import User
    from tenant_apps.organisation.models import OrgUnit
    from tenant_apps.people.actions import save_org_unit

    remove_agency(subdomain)
    request = AgencyRequest(
        name=f"Bench import {subdomain}",
        subdomain=subdomain,
        state="10",
        admin_mykad=ADMIN_MYKAD,
        admin_email="admin@bench.gov.my",
        admin_name="Bench Admin",
    )
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        agency = provision_agency(
            request, notify=False
        ).agency  # set-up only: the admin's hash is not measured
    with schema_context(agency.schema_name):
        User.objects.filter(username=ADMIN_MYKAD).update(must_change_password=False)  # as after first login
        divisions = {}
        for code in UNIT_CODES:
            parent = divisions.get(code.split("-")[0])
            unit = save_org_unit(OrgUnit(name=f"Unit {code}", code=code, parent=parent))
            divisions.setdefault(code, unit)
    connection.set_schema_to_public()
    return agency


def remove_agency(subdomain: str) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from worker import remove_agency as remove  # bench/ is not a package

    remove(subdomain)


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def as_xlsx(data: bytes) -> bytes:
    """The same officers as an Excel workbook (cells as text, as the template formats them)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for values in csv.reader(io.StringIO(data.decode("utf-8"), newline="")):
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def in_process(agency, data: bytes, xlsx: bytes) -> dict:
    from django.core import mail
    from django.test.utils import override_settings
    from django_tenants.utils import schema_context

    from spotme.accounts.models import User
    from tenant_apps.people.activation import send_activation_emails
    from tenant_apps.people.importing import import_officers
    from tenant_apps.people.models import Officer

    with schema_context(agency.schema_name):
        admin = User.objects.get(username=ADMIN_MYKAD)
        dry_s, dry = timed(
            lambda: import_officers(file_name="bench.csv", data=data, dry_run=True, actor=admin)
        )
        if not dry.ok:
            raise SystemExit(f"the generated file has errors: {dry.file_error} {dry.errors[:5]}")
        xlsx_s, xlsx_dry = timed(
            lambda: import_officers(file_name="bench.xlsx", data=xlsx, dry_run=True, actor=admin)
        )
        if not xlsx_dry.ok or xlsx_dry.rows != dry.rows:
            raise SystemExit(f"the XLSX file has errors: {xlsx_dry.file_error} {xlsx_dry.errors[:5]}")
        real_s, real = timed(
            lambda: import_officers(file_name="bench.csv", data=data, dry_run=False, actor=admin)
        )
        officers = Officer.objects.count() - 1
        supervised = Officer.objects.exclude(supervisor=None).count()
        ids = list(User.objects.exclude(username=ADMIN_MYKAD).values_list("pk", flat=True))
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            emails_s, sent = timed(lambda: send_activation_emails(ids))
    if not real.ok or officers != real.created or supervised != real.created:
        raise SystemExit(f"import did not write what it should: {real.created} created, {officers} officers")
    return {
        "dry_run_s": dry_s,
        "xlsx_dry_run_s": xlsx_s,
        "real_run_s": real_s,
        "created": real.created,
        "activation_emails_queued": real.activation_emails,
        "activation_emails_sent": sent,
        "activation_emails_s": emails_s,
        "service_dry_ms": dry.batch.duration_ms,
        "service_real_ms": real.batch.duration_ms,
    }


def through_http(agency, data: bytes) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test import Client
    from django_tenants.utils import schema_context

    from spotme.accounts.models import User
    from tenant_apps.people.models import Officer

    client = Client(HTTP_HOST=agency.host)
    with schema_context(agency.schema_name):
        client.force_login(User.objects.get(username=ADMIN_MYKAD))

    def post(dry_run: bool):
        payload = {"file": SimpleUploadedFile("bench.csv", data, content_type="text/csv")}
        if dry_run:
            payload["dry_run"] = "on"
        response = client.post("/people/import/", payload)
        connection.set_schema_to_public()
        return response

    dry_s, dry = timed(lambda: post(True))
    real_s, real = timed(lambda: post(False))
    if dry.status_code != 200 or real.status_code != 302:
        raise SystemExit(f"HTTP import failed: {dry.status_code}, {real.status_code}")
    with schema_context(agency.schema_name):
        created = Officer.objects.count() - 1
    return {"dry_run_s": dry_s, "real_run_s": real_s, "created": created}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3, help="in-process runs, each in a fresh agency")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()

    import django

    django.setup()
    from spotme.celery import app

    # Publish the activation-email tasks as a deploy does (to a broker), not run them in-process:
    # without REDIS_URL the broker is kombu's in-memory transport; the emails are measured apart.
    app.conf.task_always_eager = False

    data = officers_csv(args.rows)
    xlsx = as_xlsx(data)
    result = {"rows": args.rows, "file_bytes": len(data), "xlsx_bytes": len(xlsx), "in_process": []}
    subdomains = [f"benchimport{i}" for i in range(1, args.runs + 1)] + ["benchimporthttp"]
    try:
        # The first run pays this process's warm-up (imports, translation catalogues, the broker
        # connection), as the first import served by a fresh web worker would.
        for subdomain in subdomains[:-1]:
            result["in_process"].append(in_process(fresh_agency(subdomain), data, xlsx))
        result["http"] = through_http(fresh_agency(subdomains[-1]), data)
    finally:
        for subdomain in subdomains:
            remove_agency(subdomain)
    if args.out:
        args.out.write_text(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
