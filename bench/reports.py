"""Django side of bench/run.py's report measurement (one process, like bench/import_officers.py):

    python bench/reports.py --officers 10000 --runs 3 --out FILE

Seeds one agency with `--officers` officers and one month (October 2026) of daily records, issues and
colour cards with bench/seed_month.py (COPY, not the engine), then, signed in as one of the agency's
executives, times through Django's test client (the whole middleware stack, a real request):

    csv    GET /reports/agency/?month=2026-10&export=csv  — the streamed CSV, time to the LAST byte
           (the streaming body is consumed), rows counted;
    xlsx   GET /reports/agency/?month=2026-10&export=xlsx — the workbook generated (openpyxl
           write-only) and read to the last byte, then opened with openpyxl to count the rows;
    page   GET /reports/agency/?month=2026-10 — the first page of 100 rows with the totals;
    json   GET /api/v1/reports/agency/?month=2026-10&limit=500;
    queries the SQL statements of the CSV request (constant in the number of officers).

Each `--runs` times, after one warm-up request of the reports' index page (so the process's first
request — URL resolver, template loading — is not counted against a report); the agency is removed
at the end unless --keep.
"""

from __future__ import annotations

import datetime
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotme.settings")

SUBDOMAIN = "benchreports"
MONTH = datetime.date(2026, 10, 1)
TARGET_CSV_S = 3.0
TARGET_XLSX_S = 15.0


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def body(response) -> bytes:
    """The whole body: a streaming response is consumed to its last byte."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def measure(officers: int, runs: int, keep: bool) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context
    from openpyxl import load_workbook
    from seed_month import seed_agency_month

    from spotme.accounts.models import User

    seed = seed_agency_month(subdomain=SUBDOMAIN, officers=officers, month=MONTH)
    print(
        f"seeded {seed['officers']} officers, {seed['days']} days, {seed['issues']} issues "
        f"in {seed['seconds']:.1f}s",
        flush=True,
    )
    client = Client(HTTP_HOST=seed["host"])
    with schema_context(seed["schema"]):
        client.force_login(User.objects.get(username=seed["executive_username"]))
    connection.set_schema_to_public()
    query = f"month={MONTH:%Y-%m}"

    def get(path):
        response = client.get(path)
        data = body(response)
        connection.set_schema_to_public()
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {data[:300]!r}")
        return data

    get("/reports/")  # warm-up: the process's first request (URL resolver, templates), not a report
    result = {
        "officers": officers,
        "seed": {k: v for k, v in seed.items() if k.endswith("_s") or k in ("days", "issues", "seconds")},
        "runs": [],
    }
    for n in range(runs):
        csv_s, csv_data = timed(lambda: get(f"/reports/agency/?{query}&export=csv"))
        csv_rows = csv_data.decode("utf-8-sig").count("\n") - 2  # header, totals
        xlsx_s, xlsx_data = timed(lambda: get(f"/reports/agency/?{query}&export=xlsx"))
        sheet = load_workbook(io.BytesIO(xlsx_data), read_only=True).worksheets[0]
        xlsx_rows = sum(1 for _row in sheet.iter_rows(values_only=True)) - 2  # header, totals
        page_s, _ = timed(lambda: get(f"/reports/agency/?{query}"))
        json_s, _ = timed(lambda: get(f"/api/v1/reports/agency/?{query}&limit=500"))
        run = {
            "csv_s": csv_s,
            "csv_rows": csv_rows,
            "csv_bytes": len(csv_data),
            "xlsx_s": xlsx_s,
            "xlsx_rows": xlsx_rows,
            "xlsx_bytes": len(xlsx_data),
            "page_s": page_s,
            "json_500_s": json_s,
        }
        print(
            f"run {n + 1}: CSV {csv_s:.2f}s ({csv_rows} rows, {len(csv_data) / 1e6:.1f} MB), "
            f"XLSX {xlsx_s:.2f}s ({xlsx_rows} rows, {len(xlsx_data) / 1e6:.1f} MB), "
            f"page {page_s:.2f}s, JSON(500) {json_s:.2f}s",
            flush=True,
        )
        if csv_rows != officers or xlsx_rows != officers:
            raise SystemExit(f"expected {officers} rows, got CSV {csv_rows}, XLSX {xlsx_rows}")
        result["runs"].append(run)
    with CaptureQueriesContext(connection) as captured:
        get(f"/reports/agency/?{query}&export=csv")
    result["csv_queries"] = len(captured.captured_queries)
    for key in ("csv_s", "xlsx_s", "page_s", "json_500_s"):
        values = sorted(r[key] for r in result["runs"])
        result[f"median_{key}"] = values[len(values) // 2]
        result[f"max_{key}"] = values[-1]
    result["targets"] = {"csv_s": TARGET_CSV_S, "xlsx_s": TARGET_XLSX_S}
    if not keep:
        from import_officers import remove_agency

        remove_agency(SUBDOMAIN)
    return result


def table_rows(r: dict) -> list[tuple[str, str, str]]:
    runs = f"{len(r['runs'])} runs"

    def pair(key):
        return f"{r[f'median_{key}']:.2f} / {r[f'max_{key}']:.2f} s"

    return [
        (f"agency monthly report, {r['officers']} officers x 1 month (median / max)", "", ""),
        ("  CSV streamed, time to last byte", pair("csv_s"), f"target < {TARGET_CSV_S:.0f} s, {runs}"),
        (
            "  XLSX (openpyxl write-only), generated + read",
            pair("xlsx_s"),
            f"target < {TARGET_XLSX_S:.0f} s, {runs}",
        ),
        ("  page of 100 rows + totals", pair("page_s"), runs),
        ("  JSON API, 500 rows", pair("json_500_s"), runs),
        ("  SQL statements of the CSV request", str(r["csv_queries"]), "independent of officers"),
        ("  seeding (COPY)", f"{r['seed']['seconds']:.1f} s", f"{r['seed']['days']} daily records"),
    ]


def main() -> None:
    from seed_month import measurement_cli

    measurement_cli(__doc__, measure, runs=3)


if __name__ == "__main__":
    main()
