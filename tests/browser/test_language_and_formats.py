"""Issue 18 items 9, 11 and 12 in a real browser, in Malay and in English, one role at a time.

Officer: chooses the language on one browser and gets it on a second one (another device, whose own
language is the other one) by signing in: the choice is saved on the account; a notification written
while they read the other language reads in the chosen one (rendered when read); an empty required
field is refused by the browser with the project's message in the chosen language, not the
browser's "Please fill out this field."; the dates on their pages are DD/MM/YYYY.
Org admin: the audit trail shows field labels in the chosen language and local DD/MM/YYYY HH:MM times;
the default working pattern is a choice among the agency's patterns, set in the policy (a value that
is not one of them is refused with a message in the language); the agency's monthly report of every
officer downloaded as CSV and XLSX keeps the MyKad number as text (all 12 digits, leading zero too),
the XLSX with a frozen header.
Operator (JDN console): the applications, an application's history and the platform statistics
show statuses, events and times in the chosen language and in Malaysian time, on a computer whose
clock is in UTC.

Elements are found by id; visible text is compared with Django's own translation of the message, so
the test reads what the user reads in the language they chose."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import trans_real
from django_tenants.utils import schema_context
from openpyxl import load_workbook
from playwright.sync_api import expect

from provisioning.services import provision_agency
from shared_apps.onboarding import actions as onboarding
from shared_apps.onboarding.forms import AgencyApplicationForm
from shared_apps.onboarding.models import ApplicationStatus, ProvisioningEvent
from shared_apps.operators.tasks import collect_stats_everywhere
from spotme.accounts.models import User
from spotme.audit.models import LogEntry
from tenant_apps.attendance import services as attendance
from tenant_apps.attendance.models import AttendanceIssue, OfficeSite, Policy, WorkingPattern
from tenant_apps.movements import services as movements
from tenant_apps.notifications.models import Kind, Notification
from tenant_apps.people.actions import create_officer
from tenant_apps.tasks import services as tasks
from tenant_apps.tasks.models import TaskComment
from tests.fixtures.agencies import ADMIN_A, PASSWORD, activate_admin, make_request
from tests.fixtures.attendance import INSIDE, OFFICE, at
from tests.fixtures.browser import log_in, prefer_language, submit
from tests.fixtures.language import say
from tests.fixtures.people import activate, agency_with_team
from tests.tasks.conftest import access_of

pytestmark = pytest.mark.browser

LANGUAGES = ["ms", "en"]
OTHER = {"ms": "en", "en": "ms"}
# A browser whose own language is this one (Chromium sends it as Accept-Language).
BROWSER_LOCALE = {"ms": "ms-MY", "en": "en-US"}
MALAYSIA = ZoneInfo("Asia/Kuala_Lumpur")
MON = date(2025, 11, 17)
SUPERVISOR = ("800606105041", "Penyelia Bahasa")
OFFICER = ("940404105042", "Nurul Ain binti Zakaria")
# Born in 2005: the MyKad number starts with a zero, which a spreadsheet reading it as a number drops.
YOUNG_OFFICER = ("050505105043", "Muhammad Danial bin Rosli")
CHROME_REQUIRED = "Please fill out this field."
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
OFFSET = re.compile(r"[+-]\d{2}:\d{2}\b")


def lang_of(page) -> str:
    return page.locator("html").get_attribute("lang")


def switch_language(page, language: str):
    """The header's language switch, as the person clicks it."""
    return submit(page, f"form.lang button[name=language][value={language}]")


def assert_local_dates_only(page, where: str) -> None:
    """The page's visible text carries no ISO date, no UTC offset and no 'UTC'."""
    text = page.locator("#main").inner_text()
    assert not ISO_DATE.search(text), f"ISO date on {where}: {ISO_DATE.search(text)[0]!r}"
    assert not OFFSET.search(text), f"UTC offset on {where}: {OFFSET.search(text)[0]!r}"
    assert "UTC" not in text, f"UTC on {where}"


# --- officer ----------------------------------------------------------------------------------------


def set_up_officer(subdomain: str, account_language: str):
    """An officer whose account is in `account_language`, with a task assigned, a late arrival whose
    reason the supervisor accepted and a movement: each a notification written in that language."""
    agency, boss, officer = agency_with_team(subdomain, SUPERVISOR, OFFICER, language=account_language)
    today = timezone.localdate()
    with schema_context(agency.schema_name):
        task = tasks.create_task(
            access_of(boss),
            title="Kemas kini senarai aset",
            due_date=today + timedelta(days=3),
            assignees=[officer],
        )
        attendance.clock(officer, "in", position=INSIDE, now=at(MON, "09:25"))
        issue = AttendanceIssue.objects.get(officer=officer, date=MON, code="lewat")
        attendance.answer_issue(issue, reason="Kemalangan di lebuh raya")
        attendance.decide_issue(issue, supervisor=boss, accept=True)
        movements.create_movement(
            officer,
            dict(
                date=today + timedelta(days=5),
                whole_day=False,
                start_time=time(10, 0),
                end_time=time(12, 0),
                kind="meeting",
                place="Kompleks JPA Putrajaya",
                purpose="Mesyuarat jawatankuasa aset",
            ),
        )
        decided = Notification.objects.get(recipient=officer.user, kind=Kind.ISSUE_DECIDED)
        assigned = Notification.objects.get(recipient=officer.user, kind=Kind.TASK_ASSIGNED)
    return agency, officer, task, decided, assigned


def decided_text(language: str) -> str:
    return say(
        language,
        "Your reason for %(issue)s on %(date)s was accepted",
        issue=say(language, "Late"),
        date=f"{MON:%d/%m/%Y}",
    )


def assigned_text(language: str, task) -> str:
    return say(language, "%(name)s assigned you a task: %(title)s", name=SUPERVISOR[1], title=task.title)


@pytest.mark.parametrize("language", LANGUAGES)
def test_officer_language_follows_them_and_pages_speak_it(language, live_url, new_page, screenshot):
    other = OTHER[language]
    agency, officer, task, decided, assigned = set_up_officer(f"bahasa-{language}", other)
    url = live_url(f"bahasa-{language}")

    # --- on the phone: signed in, the account's language; the officer switches -----------------------
    phone = new_page(locale=BROWSER_LOCALE[other])
    phone.goto(f"{url}/login/")
    log_in(phone, OFFICER[0], PASSWORD)
    assert lang_of(phone) == other
    phone.goto(f"{url}/notifications/")
    expect(phone.locator(f"#notification-{decided.pk}")).to_contain_text(decided_text(other))
    switch_language(phone, language)
    assert lang_of(phone) == language
    with schema_context(agency.schema_name):
        assert User.objects.get(pk=officer.user.pk).preferred_language == language
    # Written while the officer read the other language, read now in the chosen one.
    expect(phone.locator(f"#notification-{decided.pk}")).to_contain_text(decided_text(language))
    expect(phone.locator(f"#notification-{decided.pk}")).not_to_contain_text(decided_text(other))
    expect(phone.locator(f"#notification-{assigned.pk}")).to_contain_text(assigned_text(language, task))
    screenshot(phone, f"01-{language}-notifications-after-switching")

    # --- on the laptop, a browser in the other language that never saw the choice ------------------
    laptop = new_page(locale=BROWSER_LOCALE[other])
    laptop.goto(f"{url}/login/")
    assert lang_of(laptop) == other, "before signing in, the browser's own language"
    log_in(laptop, OFFICER[0], PASSWORD)
    assert lang_of(laptop) == language, "signed in, the language saved on the account"
    laptop.goto(f"{url}/notifications/")
    expect(laptop.locator(f"#notification-{decided.pk}")).to_contain_text(decided_text(language))

    # --- a required field left empty: the browser refuses it in the page's words -------------------
    laptop.goto(f"{url}/tasks/{task.pk}/")
    laptop.locator("#comment-add").click()
    message = laptop.locator("#id_body").evaluate("field => field.validationMessage")
    assert message == say(language, "Please fill in this field.")
    assert message != CHROME_REQUIRED
    expect(laptop).to_have_url(f"{url}/tasks/{task.pk}/")
    with schema_context(agency.schema_name):
        assert not TaskComment.objects.filter(task=task).exists()

    # --- dates on the officer's pages: DD/MM/YYYY, never ISO ---------------------------------------
    today = timezone.localdate()
    expect(laptop.locator("#task-due")).to_have_text(f"{today + timedelta(days=3):%d/%m/%Y}")
    for path in (
        "/",
        "/notifications/",
        "/tasks/",
        f"/tasks/{task.pk}/",
        "/tasks/log/",
        "/movements/",
        "/attendance/issues/",
        f"/attendance/month/?month={MON:%Y-%m}",
        f"/attendance/transactions/?month={MON:%Y-%m}",
        "/attendance/my-pattern/",
        "/reports/officer/",
    ):
        laptop.goto(f"{url}{path}")
        assert lang_of(laptop) == language
        assert_local_dates_only(laptop, path)
    laptop.goto(f"{url}/notifications/")
    expect(laptop.locator(f"#notification-{decided.pk} time")).to_have_text(
        re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")
    )
    laptop.goto(f"{url}/attendance/issues/")
    expect(laptop.locator("#main")).to_contain_text(f"{MON:%d/%m/%Y}")
    screenshot(laptop, f"02-{language}-issues-dates")


# --- org admin --------------------------------------------------------------------------------------


def set_up_org_admin(subdomain: str, language: str):
    agency = provision_agency(make_request(subdomain), notify=False).agency
    activate_admin(agency, ADMIN_A)
    with schema_context(agency.schema_name):
        admin = User.objects.get(username=ADMIN_A)
        admin.preferred_language = language
        admin.save(update_fields=["preferred_language"])
        officers = [
            activate(create_officer(mykad=mykad, full_name=name, notify=False).officer)
            for mykad, name in (OFFICER, YOUNG_OFFICER)
        ]
        OfficeSite.objects.create(name="Ibu Pejabat", latitude=OFFICE[0], longitude=OFFICE[1], radius_m=200)
        attendance.clock(officers[0], "in", position=INSIDE, now=at(MON, "08:10"))
        attendance.clock(officers[0], "out", position=INSIDE, now=at(MON, "17:15"))
        movements.create_movement(
            officers[0],
            dict(
                date=timezone.localdate() + timedelta(days=2),
                whole_day=True,
                kind="course",
                place="INTAN Bukit Kiara",
                purpose="Kursus pengurusan rekod",
            ),
        )
        # One pattern the agency no longer uses: not a choice either.
        WorkingPattern.objects.filter(code="WP4").update(is_active=False)
        retired = WorkingPattern.objects.get(code="WP4")
    return agency, officers, retired


def catalogue_phrases(language: str) -> tuple[set[str], set[str], set[str]]:
    """(English sources translated otherwise, their translations, words the same in both) of the merged
    catalogues (Django's, the libraries' and the project's) of `language`, capitalised as labels are."""
    pairs = [
        (capfirst(k), capfirst(v))
        for k, v in trans_real.translation(language)._catalog.items()
        if isinstance(k, str) and k and v
    ]
    return {k for k, v in pairs if v != k}, {v for k, v in pairs if v != k}, {k for k, v in pairs if v == k}


@pytest.mark.parametrize("language", LANGUAGES)
def test_org_admin_audit_settings_and_exports(language, live_url, new_page, screenshot, tmp_path):
    agency, (officer, young), retired = set_up_org_admin(f"jejak-{language}", language)
    course = timezone.localdate() + timedelta(days=2)
    url = live_url(f"jejak-{language}")
    admin = new_page()
    prefer_language(admin, url, language)
    admin.goto(f"{url}/login/")
    log_in(admin, ADMIN_A, PASSWORD)

    # --- the audit trail: labels in the language, local times --------------------------------------
    admin.goto(f"{url}/audit/")
    assert lang_of(admin) == language
    with schema_context(agency.schema_name):
        entries = list(LogEntry.objects.order_by("-timestamp")[:50])
        movement_entry = LogEntry.objects.get(content_type__model="movement")
    for entry in entries:
        expect(admin.locator(f"#change-{entry.pk} time")).to_have_text(
            entry.timestamp.astimezone(MALAYSIA).strftime("%d/%m/%Y %H:%M")
        )
    table = admin.locator("#audit-changes").inner_text()
    assert not ISO_DATE.search(table), f"a raw date in the trail: {ISO_DATE.search(table)[0]}"
    assert not OFFSET.search(table), "a raw date-time in the trail"
    # The record's own name (what it was called when it changed) has its date as the pages do.
    expect(admin.locator(f"#change-{movement_entry.pk}")).to_contain_text(f"{course:%d/%m/%Y}")
    # A language is named, not coded.
    assert "Bahasa Melayu" in table
    values = admin.locator("#audit-changes .changes li").all_inner_texts()
    assert not [v for v in values if re.search(r"→ (ms|en)$", v)], "a language code in the trail"
    labels = set(admin.locator("#audit-changes .changes strong").all_inner_texts())
    assert labels, "the trail shows the fields that changed"
    expect(admin.locator(f"#change-{movement_entry.pk} .changes")).to_contain_text(say(language, "Officer"))
    english, malay, both = catalogue_phrases("ms")
    if language == "ms":
        untranslated = {label for label in labels if label not in malay | both}
        assert not untranslated, f"field labels not in Malay: {sorted(untranslated)}"
    else:
        malay_only = {label for label in labels if label in malay and label not in english}
        assert not malay_only, f"Malay field labels on an English page: {sorted(malay_only)}"
    screenshot(admin, f"01-{language}-audit-trail")

    # --- the org admin's other pages: DD/MM/YYYY, never ISO; the charts' axes too --------------------
    for path in (
        "/",
        "/dashboard/agency/",
        "/dashboard/team/",
        "/dashboard/monitoring/",
        "/people/",
        f"/people/{young.pk}/",
        "/attendance/admin/policies/",
        "/attendance/admin/holidays/",
        "/devices/",
        "/open-data/",
        "/audit/auth/",
    ):
        admin.goto(f"{url}{path}")
        assert lang_of(admin) == language
        assert_local_dates_only(admin, path)
    admin.goto(f"{url}/dashboard/agency/?start={MON:%Y-%m-%d}&end={MON + timedelta(days=4):%Y-%m-%d}")
    trend = json.loads(admin.locator("#chart-trend-data").text_content())
    assert trend["labels"] and all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", label) for label in trend["labels"])

    # --- the default working pattern: a choice among the agency's patterns, set in the policy --------
    admin.goto(f"{url}/settings/")
    expect(admin.locator("#id_default_working_policy")).to_have_count(0)
    with admin.expect_navigation():
        admin.locator("#link-default-pattern").click()
    with admin.expect_navigation():
        admin.locator("#add-policy").click()
    choice = admin.locator("#id_default_pattern")
    expect(choice).to_have_js_property("tagName", "SELECT")
    offered = {v for v in choice.locator("option").evaluate_all("os => os.map(o => o.value)") if v}
    with schema_context(agency.schema_name):
        active = {
            str(pk) for pk in WorkingPattern.objects.filter(is_active=True).values_list("pk", flat=True)
        }
        policies_before = Policy.objects.count()
    assert offered == active and str(retired.pk) not in offered
    for foreign in ("XYZ", str(retired.pk)):
        # What a tampered form (or an old tab) sends: a value that is not one of the choices.
        choice.evaluate("(select, v) => { select.add(new Option(v, v)); select.value = v; }", foreign)
        submit(admin, "#save-policy")
        expect(admin.locator("#id_default_pattern_error")).to_have_text(
            say(language, "Select a valid choice. That choice is not one of the available choices.")
        )
        choice = admin.locator("#id_default_pattern")
    with schema_context(agency.schema_name):
        assert Policy.objects.count() == policies_before
    screenshot(admin, f"02-{language}-pattern-refused")

    # --- the agency's monthly report, every officer, downloaded for Excel --------------------------
    admin.goto(f"{url}/reports/")
    with admin.expect_navigation():
        admin.locator("#report-agency").click()
    expect(admin.locator("#report-table")).to_contain_text(young.user.get_full_name())
    mykad = say(language, "MyKad number")

    with admin.expect_download() as got:
        admin.locator("#export-csv").click()
    rows = list(csv.reader(io.StringIO(got.value.path().read_text("utf-8-sig"))))
    column = rows[0].index(mykad)
    cells = {row[column] for row in rows[1:]}
    # Excel's text formula: opened in Excel, every digit stays (no 5.05051E+10).
    assert f'="{YOUNG_OFFICER[0]}"' in cells and f'="{OFFICER[0]}"' in cells

    with admin.expect_download() as got:
        admin.locator("#export-xlsx").click()
    path = tmp_path / got.value.suggested_filename
    got.value.save_as(path)
    assert path.suffix == ".xlsx"
    sheet = load_workbook(path).worksheets[0]
    assert sheet.freeze_panes == "A2", "the header stays in view"
    header = [c.value for c in sheet[1]]
    column = header.index(mykad) + 1
    letter = sheet.cell(row=1, column=column).column_letter
    assert sheet.column_dimensions[letter].width >= 14, "wide enough for 12 digits"
    ids = {
        sheet.cell(row=r, column=column).value: sheet.cell(row=r, column=column)
        for r in range(2, sheet.max_row + 1)
    }
    for mykad_number in (YOUNG_OFFICER[0], OFFICER[0]):
        assert mykad_number in ids, f"{mykad_number} not in the XLSX: {sorted(map(str, ids))}"
        assert ids[mykad_number].data_type == "s" and ids[mykad_number].number_format == "@"
    screenshot(admin, f"03-{language}-agency-report")


# --- operator ---------------------------------------------------------------------------------------

APPLICATION = {
    "agency_name": "Jabatan Bahasa dan Masa",
    "ministry": "Kementerian Digital",
    "state": "10",
    "expected_officers": "80",
    "admin_name": "Rosnah binti Ahmad",
    "admin_mykad": "880808105044",
    "admin_email": "rosnah@masa.example.gov.my",
    "admin_phone": "03-8000 8044",
}


def local(moment, fmt: str = "%d/%m/%Y %H:%M") -> str:
    return moment.astimezone(MALAYSIA).strftime(fmt)


@pytest.mark.parametrize("language", LANGUAGES)
def test_operator_console_speaks_the_language_in_malaysian_time(
    language, live_url, new_page, operator_live, screenshot
):
    form = AgencyApplicationForm(data={**APPLICATION, "subdomain": f"masa-{language}"})
    assert form.is_valid(), form.errors
    app = onboarding.submit_application(form=form, language="ms")
    onboarding.approve_application(app.pk, operator=operator_live)  # provisioned after the commit
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PROVISIONED
    collect_stats_everywhere()
    events = list(ProvisioningEvent.objects.filter(application=app).order_by("created_at", "pk"))
    assert [e.kind for e in events] == ["queued", "started", "succeeded"]

    apex = live_url()
    # An operator whose computer keeps UTC: the console still shows Malaysian time.
    op = new_page(timezone_id="UTC")
    prefer_language(op, apex, language)
    op.goto(f"{apex}/login/")
    log_in(op, operator_live.username, PASSWORD)

    op.goto(f"{apex}/console/")
    assert lang_of(op) == language
    counts = op.locator("ul.counts li").all_inner_texts()
    assert counts == [
        f"{say(language, label)}: {int(status == ApplicationStatus.PROVISIONED)}"
        for status, label in (
            (ApplicationStatus.SUBMITTED, "Submitted"),
            (ApplicationStatus.QUEUED, "Approved, waiting for provisioning"),
            (ApplicationStatus.PROVISIONING, "Provisioning"),
            (ApplicationStatus.PROVISIONED, "Provisioned"),
            (ApplicationStatus.FAILED, "Provisioning failed"),
            (ApplicationStatus.REJECTED, "Rejected"),
        )
    ]
    assert_local_dates_only(op, "/console/")

    op.goto(f"{apex}/console/applications/{app.pk}/")
    expect(op.locator("#app-status")).to_have_text(say(language, "Provisioned"))
    history = op.locator("ol.timeline li")
    expect(history).to_have_count(3)
    words = [
        (say(language, "Queued"), say(language, "approved")),
        (say(language, "Started"), say(language, "attempt %(n)s", n=1)),
        (say(language, "Succeeded"), ""),
    ]
    for line, event, (kind, message) in zip(history.all(), events, words, strict=True):
        expect(line.locator("time")).to_have_text(local(event.created_at, "%d/%m/%Y %H:%M:%S"))
        expect(line.locator("strong")).to_have_text(kind)
        if message:
            expect(line).to_contain_text(f": {message}")
    assert_local_dates_only(op, "application detail")
    screenshot(op, f"01-{language}-application-history")

    op.goto(f"{apex}/console/stats/")
    expect(op.locator("#provisioning-events")).to_contain_text(local(events[-1].created_at))
    expect(op.locator("#provisioning-events")).to_contain_text(say(language, "Succeeded"))
    chart = json.loads(op.locator("#chart-platform-data").text_content())
    assert chart["labels"] and all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", label) for label in chart["labels"])
    assert_local_dates_only(op, "/console/stats/")
    screenshot(op, f"02-{language}-platform-stats")

    op.goto(f"{apex}/console/agencies/")
    [agency_row] = op.locator(f"#agency-masa-{language} .status").all()
    expect(agency_row).to_have_text(say(language, "Active"))
    assert_local_dates_only(op, "/console/agencies/")
