"""Every page of an agency on a 360×740 phone, for each role (Pegawai, Penyelia, Eksekutif, Pentadbir
Organisasi), on the demo data (`seed_demo`'s team with six weeks of history) plus a movement, task
log entries, a task, an open issue, a pattern request, an API token, a webhook with a delivery, a device
batch and an import batch, so lists and tables are not empty.

The pages are enumerated from the agency's URLconf (spotme.urls_tenant): each route is either visited
(with the ids below for routes that take one), or listed in SKIPPED with the reason. A new page thus
joins this test or fails it. Each page, as each role that may open it:
  * no horizontal scroll: the document is no wider than the screen, and no element sticks out on the
    right (a wide grid may scroll inside its own box: `.table-wrap` of a `table.grid`/`.calendar`);
  * every touch target (a, button, input, select, textarea, summary; a checkbox with its label) is at
    least 44×44 CSS px — WCAG 2.2's 2.5.5 (the issue's 44 px), with its exceptions for links inside a
    sentence and for the map's pins (the latitude/longitude fields are the equivalent control):
    phone_targets.js; axe-core's own target-size rule checks 2.5.8's 24 px too;
  * axe-core (vendored from npm, tests/browser/vendor/axe.min.js) finds no serious or critical violation.
In Malay (the default) for every role; in English once per page (by the first role that reaches it).
The main menu folds behind its button, which opens it (aria-expanded)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from provisioning.management.commands.seed_demo import AGENCIES, DEMO_PASSWORD, _seed_team
from provisioning.services import provision_agency
from tests.fixtures.browser import artifacts_dir

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
AXE = HERE / "vendor" / "axe.min.js"
PHONE = {"width": 360, "height": 740}
SUBDOMAIN = "selangor"
# seed_demo's Selangor people: the org admin, then the team ("88" + TEAM's MyKad suffixes).
LOGINS = {
    "pegawai": "880404105012",
    "penyelia": "880303105011",
    "eksekutif": "880606105014",
    "pentadbir": AGENCIES[0].admin_mykad,
}
# What each role must be able to open (the officer's and the supervisor's pages of the issue).
MUST_OPEN = {
    "pegawai": [
        "",
        "attendance/month/",
        "attendance/transactions/",
        "attendance/issues/",
        "tasks/log/",
        "tasks/",
        "tasks/<int:pk>/",
        "tasks/log/<int:pk>/edit/",
        "movements/",
        "movements/new/",
        "movements/<int:pk>/",
        "notifications/",
        "profile/",
        "reports/",
        "reports/<slug:kind>/",
    ],
    "penyelia": [
        "",
        "dashboard/team/",
        "attendance/team/",
        "attendance/team/issues/",
        "attendance/team/pattern-requests/",
        "movements/team/",
        "movements/approvals/",
        "tasks/log/team/",
        "people/",
        "people/<int:pk>/",
    ],
    "eksekutif": ["dashboard/agency/", "reports/<slug:kind>/", "reports/jobs/<int:pk>/"],
    "pentadbir": [
        "dashboard/monitoring/",
        "attendance/admin/sites/<int:pk>/edit/",
        "people/new/",
        "settings/",
    ],
}
# Routes that are not pages to look at on a phone, each with why.
SKIPPED = {
    "login/": "the login form: opened before any role (checked below, logged out)",
    "logout/": "POST only",
    "password/reset/": "logged-out account pages (password reset), not an officer's or supervisor's page",
    "password/reset/sent/": "logged-out account page",
    "password/reset/<uidb64>/<token>/": "needs a one-time link",
    "password/reset/done/": "logged-out account page",
    "login/verify/": "the second step of a two-factor login only",
    "people/activate/<uidb64>/<token>/": "needs a one-time link",
    "movements/ical/<str:token>.ics": "iCalendar file, not a page",
    "people/import/template.csv": "file download",
    "people/import/template.xlsx": "file download",
    "audit/changes.csv": "file download",
    "audit/auth.csv": "file download",
    "logo/": "the agency's logo image",
    "healthz": "health check",
    "attendance/issues/<int:pk>/attachment/": "file download",
    "movements/<int:pk>/attachment/": "file download",
    "tasks/attachments/<int:pk>/": "file download",
    "api/schema/": "OpenAPI schema (JSON/YAML)",
    "api/docs/": "Swagger UI: a third-party page for developers",
    "notifications/devices/<int:pk>/remove/": "POST only (removes a push device)",
    "reports/<slug:kind>/prepare/": "POST only (asks for a report file made in the background)",
    "reports/jobs/<int:pk>/status/": "JSON for the report job page's script",
    "reports/jobs/<int:pk>/download/": "file download",
}


def routes() -> list[str]:
    """Every route of the agency's URLconf, as its pattern string (without the API and i18n)."""
    found = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                found.append(prefix + str(p.pattern))

    walk(get_resolver("spotme.urls_tenant").url_patterns)
    return sorted({r for r in found if not r.startswith(("api/v1/", "i18n/"))})


def set_up():
    request = AGENCIES[0]
    agency = provision_agency(request, notify=False).agency
    with schema_context(agency.schema_name):
        from spotme.accounts.models import User
        from tenant_apps.attendance import config
        from tenant_apps.attendance.models import AttendanceIssue, OfficeSite, Policy, WorkingPattern
        from tenant_apps.devices.models import DeviceBatch
        from tenant_apps.movements import services as movements
        from tenant_apps.opendata import services as opendata
        from tenant_apps.opendata.models import Scope, WebhookDelivery, WebhookEndpoint
        from tenant_apps.organisation.models import OrgUnit
        from tenant_apps.people.access import Access
        from tenant_apps.people.models import ImportBatch, Officer
        from tenant_apps.tasks import services as tasks
        from tenant_apps.tasks.models import TaskLogEntry

        admin = User.objects.get(username=request.admin_mykad)
        admin.set_password(DEMO_PASSWORD)
        admin.must_change_password = False
        admin.save()
        _seed_team(SUBDOMAIN, "88")
        officer = Officer.objects.get(user__username=LOGINS["pegawai"])
        supervisor = Officer.objects.get(user__username=LOGINS["penyelia"])
        today = timezone.localdate()
        movement = movements.create_movement(
            officer,
            dict(
                date=today + timedelta(days=1),
                whole_day=True,
                start_time=None,
                end_time=None,
                kind="meeting",
                place="Kompleks Kementerian Digital, Putrajaya",
                purpose="Mesyuarat Jawatankuasa Pendigitalan Perkhidmatan Awam",
                latitude=2.9264,
                longitude=101.6964,
            ),
        )
        movements.create_movement(
            officer,
            dict(
                date=today + timedelta(days=2),
                whole_day=False,
                start_time=timezone.datetime.strptime("09:00", "%H:%M").time(),
                end_time=timezone.datetime.strptime("11:00", "%H:%M").time(),
                kind="time_out",
                place="Klinik Kesihatan Seksyen 7",
                purpose="Rawatan susulan",
            ),
        )
        task = tasks.create_task(
            Access(supervisor.user),
            title="Sediakan laporan kehadiran suku tahun",
            description="Gunakan laporan bulanan unit.",
            due_date=timezone.localdate() + timedelta(days=7),
            priority="high",
            assignees=[officer],
        )
        # Overdue, so its highlighting is on the page too (a past due date is refused at creation).
        type(task).objects.filter(pk=task.pk).update(due_date=today - timedelta(days=1))
        entry = tasks.save_log_entry(
            officer,
            TaskLogEntry(officer=officer),
            date=today,
            description="Menyemak data kehadiran bahagian dan menyediakan ringkasan untuk penyelia",
            minutes=150,
            task=task,
        )
        tasks.save_log_entry(
            officer, TaskLogEntry(officer=officer), date=today, description="Mesyuarat unit", minutes=60
        )
        config.request_pattern(
            officer,
            month=today.replace(day=1) + timedelta(days=40),
            pattern=WorkingPattern.objects.get(code="WP3"),
            reason="Menghantar anak ke sekolah",
        )
        unit = OrgUnit.objects.order_by("pk").last()
        token = opendata.create_token(
            name="HRMIS",
            scopes=[Scope.ATTENDANCE],
            expires_at=timezone.now() + timedelta(days=90),
            created_by=admin,
        ).token
        endpoint = WebhookEndpoint.objects.create(
            url="https://hrmis.example.gov.my/spotme/webhook",
            events=["day.closed"],
            secret_encrypted="-",
            secret_prefix="whsec_ab",
            description="HRMIS",
        )
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event="day.closed",
            payload={"date": today.isoformat()},
            status="failed",
            attempts=3,
            last_status_code=503,
            last_error="503 Service Unavailable",
        )
        batch = DeviceBatch.objects.create(
            source=DeviceBatch.Source.UPLOAD,
            status=DeviceBatch.Status.IMPORTED,
            file_name="ATTLOG.dat",
            received=12,
            new=10,
            duplicate=1,
            unmatched=1,
            unmatched_ids=["9001"],
            created_by_label="Pentadbir",
        )
        imported = ImportBatch.objects.create(
            file_name="pegawai-baharu.csv",
            file_size=2048,
            dry_run=True,
            status=ImportBatch.Status.CHECKED,
            rows=5,
        )
        from tenant_apps.reports.models import ReportJob

        report_job = ReportJob.objects.create(  # the executive's agency PDF, being prepared
            requested_by=User.objects.get(username=LOGINS["eksekutif"]),
            kind="agency",
            params={"start": today.replace(day=1).isoformat(), "end": today.isoformat()},
            status=ReportJob.Status.RUNNING,
        )
        ids = {
            "report_job": report_job.pk,
            "movement": movement.pk,
            "task": task.pk,
            "entry": entry.pk,
            "officer": officer.pk,
            "unit": unit.pk,
            "site": OfficeSite.objects.first().pk,
            "pattern": WorkingPattern.objects.get(code="WP3").pk,
            "policy": Policy.objects.order_by("pk").first().pk,
            "token": token.pk,
            "webhook": endpoint.pk,
            "delivery": delivery.pk,
            "batch": batch.pk,
            "import": imported.pk,
            "issue": AttendanceIssue.objects.filter(officer=officer).values_list("pk", flat=True).first(),
        }
    return agency, ids


def fill(route: str, ids: dict) -> str | None:
    """The route with its ids filled in; None for a route this test does not know (a new page)."""
    table = {
        "movements/<int:pk>": "movement",
        "tasks/log/<int:pk>": "entry",
        "tasks/<int:pk>": "task",
        "people/<int:pk>": "officer",
        "people/import/<int:pk>": "import",
        "org-units/<int:pk>": "unit",
        "attendance/admin/sites/<int:pk>": "site",
        "attendance/admin/patterns/<int:pk>": "pattern",
        "attendance/admin/policies/<int:pk>": "policy",
        "attendance/admin/officers/<int:pk>": "officer",
        "attendance/admin/leave/<int:pk>": "officer",  # delete actions: POST only, any id
        "attendance/admin/arrangements/<int:pk>": "officer",
        "attendance/admin/holidays/<int:pk>": "officer",
        "attendance/issues/<int:pk>": "issue",
        "attendance/team/pattern-requests/<int:pk>": "pattern",
        "open-data/tokens/<int:pk>": "token",
        "open-data/webhooks/<int:pk>": "webhook",
        "open-data/deliveries/<int:pk>": "delivery",
        "devices/batches/<int:pk>": "batch",
        "reports/jobs/<int:pk>": "report_job",
    }
    if "<" not in route:
        return "/" + route
    for prefix, key in table.items():
        if route.startswith(prefix + "/") and route.count("<") == 1:
            return "/" + route.replace("<int:pk>", str(ids[key]))
    if route == "reports/<slug:kind>/":
        return None  # expanded below, one page per report kind
    return None


def report_kinds() -> list[str]:
    from tenant_apps.reports.views import KIND_TITLES

    return list(KIND_TITLES)


PROBE = """async (address) => {
  const r = await fetch(address, { credentials: "same-origin" });
  return [r.status, r.headers.get("content-type"), r.url];
}"""
OVERFLOW = (
    (HERE / "phone_overflow.js").read_text().split("*/", 1)[1].strip()
)  # the function, without its comment


AXE_RUN = (HERE / "phone_axe.js").read_text().split("*/", 1)[1].strip()
TARGETS = (HERE / "phone_targets.js").read_text().split("*/", 1)[1].strip()


def check_page(page, axe_source: str, axe: bool = True) -> list[str]:
    problems = page.evaluate(OVERFLOW) + page.evaluate(TARGETS)
    if not axe:
        return problems
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol: the page's CSP (script-src 'self') stays on.
        page.evaluate(axe_source)
    problems += page.evaluate(AXE_RUN)
    return problems


def test_every_page_fits_a_360_px_phone_and_has_no_serious_accessibility_violation(
    live_url, new_page, request
):
    agency, ids = set_up()
    url = live_url(SUBDOMAIN)
    axe_source = AXE.read_text()
    problems: dict[str, list[str]] = {}
    visited: dict[str, list[str]] = {}  # route -> roles that could open it
    seen_in_english: set[str] = set()
    axed: set[tuple[str, str]] = set()  # (language, path) already through axe: markup differs little by role
    why_not: dict[str, list[str]] = {}

    # The login page, logged out; and the menu button of a logged-in page.
    anonymous = new_page(viewport=PHONE)
    anonymous.goto(f"{url}/login/")
    if found := check_page(anonymous, axe_source):
        problems["anonymous /login/"] = found

    paths: list[tuple[str, str]] = []  # (route, path)
    unknown = []
    for route in routes():
        if route in SKIPPED:
            continue
        if route == "reports/<slug:kind>/":
            paths += [(route, f"/reports/{kind}/") for kind in report_kinds()]
            continue
        path = fill(route, ids)
        if path is None:
            unknown.append(route)
        else:
            paths.append((route, path))
    assert not unknown, (
        f"routes this test does not know how to open (add their id or a SKIPPED reason): {unknown}"
    )

    for role, mykad in LOGINS.items():
        page = new_page(viewport=PHONE, locale="ms-MY")
        page.goto(f"{url}/login/")
        page.locator("#id_username").fill(mykad)
        page.locator("#id_password").fill(DEMO_PASSWORD)
        with page.expect_navigation():
            page.locator("#main form[method=post] button[type=submit]").click()
        expect(page).to_have_url(f"{url}/")
        # The menu is folded behind a real button that opens it.
        toggle = page.locator("#menu-toggle")
        expect(toggle).to_be_visible()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        expect(page.locator("#main-nav")).to_be_hidden()
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(page.locator("#main-nav")).to_be_visible()
        box = toggle.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44, "the menu button is a 44 px touch target"

        for route, path in paths:
            for language in ("ms", "en"):
                if language == "en" and route in seen_in_english:
                    continue
                page.context.add_cookies([{"name": "spotme_lang", "value": language, "url": url}])
                # Ask first with the context's cookies: POST-only actions (405) and other roles' pages
                # (403/404) are not opened, so Chromium never shows (and auto-reloads) an error page.
                # (A fetch from the page itself: Chromium resolves the agency's *.localhost name.)
                status, kind, final = page.evaluate(PROBE, url + path)
                if status != 200 or "text/html" not in (kind or "") or not final.startswith(url + path):
                    why_not.setdefault(route, []).append(f"{role}: {status} {final}")
                    break
                page.goto(url + path)
                visited.setdefault(route, []).append(role)
                if language == "en":
                    seen_in_english.add(route)
                axe = (language, path) not in axed
                axed.add((language, path))
                if found := check_page(page, axe_source, axe=axe):
                    problems[f"{role} {language} {path}"] = found
        page.context.add_cookies([{"name": "spotme_lang", "value": "ms", "url": url}])

    never = sorted({r for r, _ in paths} - set(visited))
    report = "\n".join(f"{where}:\n    " + "\n    ".join(found) for where, found in problems.items())
    coverage = (
        "Pages checked at 360×740 (route: roles):\n"
        + "\n".join(f"  /{r}  ({', '.join(dict.fromkeys(v))})" for r, v in sorted(visited.items()))
        + "\nRoutes no role opens with GET (POST-only actions, or not allowed):\n"
        + "\n".join(f"  /{r}: {why_not.get(r)}" for r in never)
        + "\nNot opened, by route and role:\n"
        + "\n".join(f"  /{r}: {w}" for r, w in sorted(why_not.items()))
    )
    print(coverage)
    (artifacts_dir(request.node) / "pages.txt").write_text(coverage + "\n")
    assert not problems, f"{len(problems)} pages with problems:\n{report}"
    # Each role's own pages are among them.
    for role, pages in MUST_OPEN.items():
        missing = [p for p in pages if role not in visited.get(p, [])]
        assert not missing, f"{role} could not open {missing}"
