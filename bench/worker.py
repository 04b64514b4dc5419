"""Django-side helpers for bench/run.py, one sub-command per process.

Run from the repo root with DATABASE_URL pointing at the bench database (bench/run.py does this):

    python bench/worker.py populate --start 1 --count 100 --out FILE   set-up: create agencies
    python bench/worker.py provision SUB [SUB ...] --out FILE           ours: provision_agency()
    python bench/worker.py stock SUB [SUB ...] --out FILE               plain django-tenants path
    python bench/worker.py clone --count 3 --out FILE                   ours: the schema step alone
    python bench/worker.py remove SUB [SUB ...]                         drop agencies again
    python bench/worker.py count --out FILE                             agencies, excluding public

Each timed agency is removed again right after it is measured (unless --no-remove), so every
provisioning is measured at the same number of existing agencies. Results go to --out as JSON
(stdout carries Django's own output, e.g. the welcome e-mail of the console backend).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotme.settings")

ADMIN_MYKAD = "850101105001"  # 1985-01-01, place code 10 (Selangor)
ADMIN_EMAIL = "admin@bench.gov.my"
STATE = "10"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def agency_request(subdomain: str):
    from provisioning.services import AgencyRequest

    return AgencyRequest(
        name=f"Bench agency {subdomain}",
        subdomain=subdomain,
        state=STATE,
        admin_mykad=ADMIN_MYKAD,
        admin_email=ADMIN_EMAIL,
        admin_name="Bench Admin",
    )


def remove_agency(subdomain: str) -> None:
    """Drop an agency's schema and its rows (domains cascade)."""
    from django.db import transaction

    from tenants.models import Agency

    with transaction.atomic():
        for agency in Agency.objects.filter(subdomain=subdomain):
            agency.delete(force_drop=True)


def populate(start: int, count: int, prefix: str) -> dict:
    """Set-up only: create agencies through the provisioning service. The org admin's password
    is hashed with a fast hasher here, which is not what the measurements below use."""
    from django.test.utils import override_settings

    from provisioning.services import provision_agency

    started = time.perf_counter()
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        for i in range(start, start + count):
            provision_agency(agency_request(f"{prefix}{i:03d}"), notify=False)
    return {"created": count, "seconds": time.perf_counter() - started}


def provision_ours(subdomain: str) -> dict:
    """One agency the SPOT-Me way: provision_agency() clones the template in one transaction."""
    from provisioning.services import provision_agency

    started = time.perf_counter()
    result = provision_agency(agency_request(subdomain))  # notify: welcome mail on the console backend
    wall_ms = (time.perf_counter() - started) * 1000
    return {"subdomain": subdomain, "service_ms": result.duration_ms, "wall_ms": wall_ms}


def provision_stock(subdomain: str) -> dict:
    """One agency the plain django-tenants way: TenantMixin.save() with auto_create_schema and
    TENANT_CREATION_FAKES_MIGRATIONS off runs CREATE SCHEMA + migrate_schemas --schema=<name>
    (every migration, in that schema). Then the same domain, settings and org admin as ours."""
    from django.test.utils import override_settings
    from django.utils import timezone

    from provisioning.services import _set_up_agency_schema, generate_temporary_password
    from tenants.models import Agency, AgencyStatus, Domain
    from tenants.subdomains import domain_for, schema_name_for

    request = agency_request(subdomain)
    started = time.perf_counter()
    with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
        agency = Agency(
            schema_name=schema_name_for(subdomain),
            name=request.name,
            subdomain=subdomain,
            state=STATE,
            status=AgencyStatus.ACTIVE,
            status_changed_at=timezone.now(),
        )
        agency.auto_create_schema = True
        agency.save(verbosity=0)
    schema_ms = (time.perf_counter() - started) * 1000
    Domain.objects.create(domain=domain_for(subdomain), tenant=agency, is_primary=True)
    _set_up_agency_schema(agency, request, generate_temporary_password())
    wall_ms = (time.perf_counter() - started) * 1000
    return {"subdomain": subdomain, "schema_ms": schema_ms, "wall_ms": wall_ms}


def clone_only(count: int) -> dict:
    """The schema step of provision_agency() alone: clone the template, then roll back."""
    from django.db import transaction

    from provisioning import schemas

    runs_ms = []
    for i in range(count):
        with transaction.atomic():
            started = time.perf_counter()
            schemas.clone_template(f"bench_clone_only{i}")
            runs_ms.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    return {"runs_ms": runs_ms}


def count_agencies() -> dict:
    from tenants.models import Agency, AgencyStatus, Domain

    agencies = Agency.objects.exclude(schema_name="public")
    return {
        "agencies": agencies.count(),
        "active": agencies.filter(status=AgencyStatus.ACTIVE).count(),
        "with_domain": Domain.objects.exclude(tenant__schema_name="public").count(),
    }


def timed_each(measure, subdomains: list[str], remove: bool) -> dict:
    runs = []
    for subdomain in subdomains:
        existing = count_agencies()["agencies"]
        runs.append({**measure(subdomain), "existing_agencies": existing})
        if remove:
            remove_agency(subdomain)
    return {"runs": runs}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=["populate", "provision", "stock", "clone", "remove", "count"])
    parser.add_argument("subdomains", nargs="*")
    parser.add_argument("--start", type=int, default=1)
    parser.add_argument("--count", type=int, default=0)
    parser.add_argument("--prefix", default="bench")
    parser.add_argument("--no-remove", action="store_true")
    parser.add_argument("--out", type=Path)
    return parser.parse_args()


def run(args: argparse.Namespace) -> dict:
    remove = not args.no_remove
    if args.action == "populate":
        return populate(args.start, args.count, args.prefix)
    if args.action == "provision":
        return timed_each(provision_ours, args.subdomains, remove)
    if args.action == "stock":
        return timed_each(provision_stock, args.subdomains, remove)
    if args.action == "clone":
        return clone_only(args.count)
    if args.action == "remove":
        for subdomain in args.subdomains:
            remove_agency(subdomain)
        return {"removed": args.subdomains}
    return count_agencies()


def main() -> None:
    args = parse_args()
    import django

    django.setup()
    result = run(args)
    if args.out:
        args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
