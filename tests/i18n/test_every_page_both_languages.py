"""Issue 18, item 9: every page, rendered in Malay and in English, shows no phrase of the other
language. The pages are the GET routes of both URLconfs (tenant and apex), each opened as every role
that can see it, with data in the agency (a day's clock-ins outside the office, an issue, a task, a
movement, a notification). The phrases are the project's catalogue: on an English page no Malay
translation (of a few words or more) that differs from its English source; on a Malay page no
English source that has a different translation. Django's test client, no browser: fast."""

from __future__ import annotations

import re
from datetime import date, time

import pytest
from django.conf import settings
from django_tenants.utils import schema_context

from shared_apps.onboarding.models import ProvisioningEvent
from tenant_apps.attendance import services as attendance
from tests.fixtures.agencies import PASSWORD, make_application
from tests.fixtures.attendance import OUTSIDE, at
from tests.i18n.pages import foreign_phrases, found_foreign, get_routes, is_page, visible_text

MON = date(2025, 11, 17)
ROLES = ("admin", "supervisor_1", "executive", "officer_1")


@pytest.fixture
def agency_data(cast, office):
    from tenant_apps.movements import services as movements
    from tenant_apps.tasks import services as tasks
    from tests.tasks.conftest import access_of

    with schema_context(cast.agency.schema_name):
        attendance.clock(cast.officer_1, "in", position=OUTSIDE, now=at(MON, "09:20"))
        attendance.clock(cast.officer_1, "out", position=OUTSIDE, now=at(MON, "16:00"))
        task = tasks.create_task(
            access_of(cast.supervisor_1), title="Semak laporan", assignees=[cast.officer_1]
        )
        movement = movements.create_movement(
            cast.officer_1,
            dict(
                date=MON,
                whole_day=False,
                start_time=time(10, 0),
                end_time=time(11, 0),
                kind="meeting",
                place="Kompleks JPA Putrajaya",
                purpose="Mesyuarat",
            ),
            now=at(MON, "08:00"),
        )
        from tenant_apps.attendance.models import AttendanceIssue, Policy, WorkingPattern
        from tenant_apps.reports.models import ReportJob

        issue = AttendanceIssue.objects.filter(officer=cast.officer_1).first()
        report_job = ReportJob.objects.create(
            requested_by=cast.executive.user,
            kind="agency",
            params={"start": f"{MON:%Y-%m}-01", "end": f"{MON:%Y-%m}-28"},
            status=ReportJob.Status.RUNNING,
        )
        ids = {
            "report_job": report_job.pk,
            "officer": cast.officer_1.pk,
            "unit": cast.unit.pk,
            "task": task.pk,
            "movement": movement.pk,
            "issue": issue.pk if issue else 0,
            "pattern": WorkingPattern.objects.first().pk,
            "policy": Policy.objects.first().pk,
            "site": office.pk,
        }
    return ids


def tenant_paths(ids: dict) -> list[str]:
    """Every GET page of the agency's URLconf, its parameters filled from the data."""
    by_template = {
        "/attendance/admin/officers/<int:pk>/": ids["officer"],
        "/attendance/admin/officers/<int:pk>/arrangements/": ids["officer"],
        "/attendance/admin/officers/<int:pk>/leave/": ids["officer"],
        "/attendance/admin/officers/<int:pk>/pattern/": ids["officer"],
        "/attendance/admin/patterns/<int:pk>/edit/": ids["pattern"],
        "/attendance/admin/policies/<int:pk>/edit/": ids["policy"],
        "/attendance/admin/sites/<int:pk>/edit/": ids["site"],
        "/attendance/issues/<int:pk>/answer/": ids["issue"],
        "/movements/<int:pk>/": ids["movement"],
        "/movements/<int:pk>/edit/": ids["movement"],
        "/movements/<int:pk>/cancel/": ids["movement"],
        "/org-units/<int:pk>/edit/": ids["unit"],
        "/people/<int:pk>/": ids["officer"],
        "/people/<int:pk>/edit/": ids["officer"],
        "/tasks/<int:pk>/": ids["task"],
        "/tasks/<int:pk>/edit/": ids["task"],
        "/reports/jobs/<int:pk>/": ids["report_job"],
    }
    paths = []
    for path, _name in get_routes("spotme.urls_tenant"):
        if not is_page(path):
            continue
        if "<" in path:
            if path in by_template:
                paths.append(re.sub(r"<[^>]+>", str(by_template[path]), path))
            continue
        paths.append(path)
    paths.remove("/reports/<slug:kind>/") if "/reports/<slug:kind>/" in paths else None
    month = f"{MON:%Y-%m}"
    paths += [
        f"/reports/officer/?month={month}&officer={ids['officer']}",
        f"/reports/unit/?month={month}&org_unit={ids['unit']}",
        f"/reports/agency/?month={month}",
        f"/reports/lateness/?start={MON}&end={MON}",
        f"/reports/issues/?start={MON}&end={MON}",
        f"/reports/tasks/?start={MON}&end={MON}",
        f"/attendance/month/?month={month}",
        f"/dashboard/agency/?start={MON}&end={MON}",
    ]
    return paths


def check(client, paths, language: str, phrases: set[str], who: str, problems: list, seen: list) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for path in paths:
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        seen.append((who, path))
        for phrase in found_foreign(visible_text(response.content.decode()), phrases):
            problems.append(f"{language} {who} {path}: {phrase!r}")


@pytest.mark.parametrize("language", ["ms", "en"])
def test_every_agency_page_speaks_one_language(language, cast, agency_data, client_for):
    phrases = foreign_phrases(language)
    paths = tenant_paths(agency_data)
    problems: list[str] = []
    seen: list = []
    check(client_for(cast.agency), paths, language, phrases, "anonymous", problems, seen)
    for role in ROLES:
        client = client_for(cast.agency)
        client.login_as(cast.LOGINS[role], PASSWORD)
        check(client, paths, language, phrases, role, problems, seen)
    assert len({p for _, p in seen}) > 60, "the walk reached the pages"
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", ["ms", "en"])
def test_every_apex_page_speaks_one_language(language, operator_client, client_for, settings):
    app = make_application(
        "ujian",
        agency_name="Jabatan Ujian",
        state="10",
        admin_name="A",
        admin_mykad="850101105001",
        admin_email="a@ujian.gov.my",
        expected_officers=5,
        status="failed",
        last_error="RuntimeError: boom",
    )
    ProvisioningEvent.objects.create(application=app, kind="queued", message="approved")
    ProvisioningEvent.objects.create(application=app, kind="started", message="attempt 1")
    ProvisioningEvent.objects.create(application=app, kind="queued", message="retry")
    phrases = foreign_phrases(language)
    paths = [p for p, _ in get_routes("spotme.urls_public") if is_page(p) and "<" not in p]
    paths += [f"/console/applications/{app.pk}/", "/?q=jabatan", "/?q=x", "/?q=tiada"]
    problems: list[str] = []
    seen: list = []
    check(client_for(settings.APEX_DOMAIN), paths, language, phrases, "anonymous", problems, seen)
    check(operator_client, paths, language, phrases, "operator", problems, seen)
    assert len({p for _, p in seen}) >= 10
    assert not problems, "\n".join(problems)


def test_the_check_catches_a_phrase_of_the_other_language():
    """The walk above passes only if the check can fail: a Malay translation on an English page and
    an English source on a Malay page are found, in text and in attributes, not in scripts."""
    malay = "Tiada agensi aktif yang sepadan dengan"
    english = "Find yours by its name or short name and go to its sign-in page"
    assert malay in foreign_phrases("en")
    assert any(english in p for p in foreign_phrases("ms"))
    english = next(p for p in foreign_phrases("ms") if english in p)
    page = f'<p>Hello</p><input placeholder="{malay} x"><script>"{english}"</script>'
    assert found_foreign(visible_text(page), foreign_phrases("en")) == [malay]
    assert found_foreign(visible_text(page), foreign_phrases("ms")) == []
