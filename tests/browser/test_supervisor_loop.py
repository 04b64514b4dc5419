"""Issue 18 items 10, 13, 14 and 15 in a real browser, in Malay and in English, one role at a time.

Supervisor: decides two explained late arrivals at once with one comment (the list shows the
clock-in, minutes late, reason and attachment); returns a task-log entry for correction; is refused
a task already overdue; sees the task they assigned on their own board.
Officer: reads the returned entry's notification in their language, corrects the entry (the status
shows), deletes another entry through its confirmation step (going back first), is refused a
movement in 2030, registers one (the supervisor gets exactly one notification) and cancels it
through its confirmation step.
Operator (JDN console): approves an application, then suspends and archives agencies, each through
its confirmation page (going back first once).

Elements are found by id; visible text is compared with Django's own translation of the message,
so the test reads what the user reads in the language they chose."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from provisioning.services import provision_agency
from shared_apps.onboarding import actions as onboarding
from shared_apps.onboarding.forms import AgencyApplicationForm
from shared_apps.onboarding.models import AgencyApplication, ApplicationStatus
from tenant_apps.attendance import services as attendance
from tenant_apps.attendance.models import AttendanceIssue, IssueStatus
from tenant_apps.movements.models import Movement
from tenant_apps.notifications.models import Kind, Notification
from tenant_apps.tasks import services as tasks
from tenant_apps.tasks.models import Correction, Task, TaskLogEntry
from tenants.models import Agency, AgencyStatus
from tests.fixtures.agencies import PASSWORD, make_request
from tests.fixtures.attendance import INSIDE, at
from tests.fixtures.browser import log_in, prefer_language, submit
from tests.fixtures.people import agency_with_team

pytestmark = pytest.mark.browser

LANGUAGES = ["ms", "en"]
MON = date(2025, 11, 17)
TUE = MON + timedelta(days=1)
SUPERVISOR = ("800606105031", "Penyelia Gelung")
OFFICER = ("930303105032", "Siti Hajar binti Osman")
TO_CORRECT = "Menyediakan minit mesyuarat"
TO_DELETE = "Entri tersilap masuk"


def say(language: str, message: str, **params) -> str:
    with translation.override(language):
        text = translation.gettext(message)
    return text % params if params else text


def say_plural(language: str, singular: str, plural: str, n: int, **params) -> str:
    with translation.override(language):
        return translation.ngettext(singular, plural, n) % {"n": n, **params}


def set_up(subdomain: str, language: str):
    agency, boss, officer = agency_with_team(subdomain, SUPERVISOR, OFFICER)
    with schema_context(agency.schema_name):
        for person in (boss, officer):
            person.user.preferred_language = language
            person.user.save(update_fields=["preferred_language"])
        issues = []
        for day, hhmm in ((MON, "09:25"), (TUE, "09:40")):
            attendance.clock(officer, "in", position=INSIDE, now=at(day, hhmm))
            issue = AttendanceIssue.objects.get(officer=officer, date=day, code="lewat")
            attachment = SimpleUploadedFile("surat-klinik.pdf", b"%PDF-1.4\n") if day == MON else None
            issues.append(
                attendance.answer_issue(issue, reason=f"Kesesakan jalan {hhmm}", attachment=attachment)
            )
        today = timezone.localdate()
        entries = [
            tasks.save_log_entry(officer, TaskLogEntry(), date=today, description=text, minutes=minutes)
            for text, minutes in ((TO_CORRECT, 90), (TO_DELETE, 30))
        ]
    return agency, boss, officer, issues, entries


@pytest.mark.parametrize("language", LANGUAGES)
def test_supervisor_and_officer_close_the_loop(language, live_url, new_page, screenshot):
    subdomain = f"gelung-{language}"
    agency, boss, officer, (mon, tue), (to_correct, to_delete) = set_up(subdomain, language)
    url = live_url(subdomain)
    today = timezone.localdate()

    # --- the supervisor decides both late arrivals at once ------------------------------------------
    sup = new_page()
    prefer_language(sup, url, language)
    sup.goto(f"{url}/login/")
    log_in(sup, SUPERVISOR[0], PASSWORD)
    sup.goto(f"{url}/attendance/team/issues/")
    row = sup.locator(f"#issue-{mon.pk}")
    expect(row.locator(".issue-in")).to_contain_text("09:25")
    expect(row.locator("[data-late='25']")).to_have_text(
        say_plural(language, "%(n)s minute late", "%(n)s minutes late", 25)
    )
    expect(row.locator(".issue-reason")).to_contain_text("Kesesakan jalan 09:25")
    expect(sup.locator(f"#issue-{mon.pk}-attachment")).to_be_visible()
    expect(sup.locator(f"#issue-{tue.pk} [data-late='40']")).to_be_visible()
    screenshot(sup, f"01-{language}-issues-to-decide")
    sup.locator(f"#pick-{mon.pk}").check()
    sup.locator(f"#pick-{tue.pk}").check()
    sup.locator("#id_comment").fill("Tiada bukti kesesakan")
    submit(sup, "#reject")
    expect(sup.locator(".messages .msg-success")).to_have_text(
        say_plural(language, "%(n)d issue decided.", "%(n)d issues decided.", 2)
    )
    with schema_context(agency.schema_name):
        decided = AttendanceIssue.objects.filter(pk__in=[mon.pk, tue.pk])
        assert {(i.status, i.decision_comment) for i in decided} == {
            (IssueStatus.REJECTED, "Tiada bukti kesesakan")
        }
        assert Notification.objects.filter(recipient=officer.user, kind=Kind.ISSUE_DECIDED).count() == 2

    # --- ... returns a task-log entry for correction ----------------------------------------------
    sup.goto(f"{url}/tasks/log/team/?date={today:%Y-%m-%d}")
    sup.locator(f"#return-comment-{to_correct.pk}").fill("Nyatakan nombor fail")
    submit(sup, f"#return-{to_correct.pk}")
    expect(sup.locator(".messages .msg-success")).to_have_text(
        say(language, "The entry has been returned to the officer for correction.")
    )
    expect(sup.locator(f"#correction-{to_correct.pk}")).to_have_text(say(language, "Returned for correction"))
    screenshot(sup, f"02-{language}-entry-returned")

    # --- ... is refused a task already overdue, then sees the task on their own board ------------
    sup.goto(f"{url}/tasks/new/")
    sup.locator("#id_title").fill("Sediakan laporan suku tahun")
    sup.locator("#id_due_date").fill(f"{today - timedelta(days=1):%Y-%m-%d}")
    sup.locator(f"input[name=assignees][value='{officer.pk}']").check()
    submit(sup, "#task-save")
    expect(sup.locator("#id_due_date_error")).to_have_text(
        say(
            language,
            "The due date %(date)s has already passed: give today or a later day.",
            date=f"{today - timedelta(days=1):%d/%m/%Y}",
        )
    )
    sup.locator("#id_due_date").fill(f"{today:%Y-%m-%d}")
    submit(sup, "#task-save")
    with schema_context(agency.schema_name):
        [task] = Task.objects.all()
    expect(sup).to_have_url(f"{url}/tasks/{task.pk}/")
    sup.goto(f"{url}/tasks/")
    card = sup.locator(f"#task-{task.pk}")
    expect(card).to_be_visible()
    expect(card.locator("[data-handed-out='1']")).to_have_text(say(language, "Assigned by you to"))
    screenshot(sup, f"03-{language}-own-board")

    # --- the officer: the notification, the correction ---------------------------------------------
    me = new_page()
    prefer_language(me, url, language)
    me.goto(f"{url}/login/")
    log_in(me, OFFICER[0], PASSWORD)
    me.goto(f"{url}/notifications/")
    returned = say(
        language,
        "%(name)s returned your task-log entry of %(date)s for correction: %(comment)s",
        name=SUPERVISOR[1],
        date=f"{today:%d/%m/%Y}",
        comment="Nyatakan nombor fail",
    )
    expect(me.locator("#notification-list")).to_contain_text(returned)
    me.goto(f"{url}/tasks/log/?date={today:%Y-%m-%d}")
    expect(me.locator(f"#correction-{to_correct.pk}")).to_have_text(say(language, "Returned for correction"))
    expect(me.locator(f"#log-entry-{to_correct.pk}")).to_contain_text("Nyatakan nombor fail")
    with me.expect_navigation():
        me.locator(f"#log-edit-{to_correct.pk}").click()
    expect(me.locator("#correction-note")).to_contain_text("Nyatakan nombor fail")
    me.locator("#id_description").fill(f"{TO_CORRECT} (fail 12/2026)")
    submit(me, "#log-save")
    expect(me.locator(f"#correction-{to_correct.pk}")).to_have_text(say(language, "Corrected"))
    with schema_context(agency.schema_name):
        assert TaskLogEntry.objects.get(pk=to_correct.pk).correction == Correction.CORRECTED
        assert Notification.objects.filter(recipient=boss.user, kind=Kind.TASK_LOG_CORRECTED).count() == 1
    screenshot(me, f"04-{language}-entry-corrected")

    # --- ... deletes an entry through its confirmation (going back first) --------------------------
    submit(me, f"#log-delete-{to_delete.pk}")
    expect(me.locator("#confirm-title")).to_have_text(say(language, "Delete the entry"))
    expect(me.locator("#confirm-details")).to_contain_text(TO_DELETE)
    screenshot(me, f"05-{language}-confirm-delete")
    with me.expect_navigation():
        me.locator("#confirm-back").click()
    expect(me.locator(f"#log-entry-{to_delete.pk}")).to_be_visible()
    submit(me, f"#log-delete-{to_delete.pk}")
    submit(me, "#confirm-action")
    expect(me.locator(f"#log-entry-{to_delete.pk}")).to_have_count(0)
    with schema_context(agency.schema_name):
        assert not TaskLogEntry.objects.filter(pk=to_delete.pk).exists()

    # --- ... a movement in 2030 is refused; one movement, one notification; cancelling asks -------
    me.goto(f"{url}/movements/new/")
    me.locator("#id_kind").select_option(Movement.Kind.MEETING)
    me.locator("#id_date").fill(f"{today.replace(year=2030):%Y-%m-%d}")
    me.locator("#id_start_time").fill("09:00")
    me.locator("#id_end_time").fill("11:00")
    me.locator("#id_place").fill("Menara MKN")
    me.locator("#id_purpose").fill("Bengkel data terbuka")
    submit(me, "#save-movement")
    expect(me.locator("#id_date_error")).to_contain_text(
        say(language, "A movement is registered at most a year ahead (until %(date)s): check the year.")
        .split("(")[0]
        .strip()
    )
    me.locator("#id_date").fill(f"{today + timedelta(days=3):%Y-%m-%d}")
    submit(me, "#save-movement")
    with schema_context(agency.schema_name):
        [movement] = Movement.objects.filter(officer=officer)
        assert Notification.objects.filter(recipient=boss.user, kind=Kind.MOVEMENT_NEW).count() == 1
    expect(me).to_have_url(f"{url}/movements/{movement.pk}/")
    submit(me, "#cancel-movement")
    expect(me.locator("#confirm-title")).to_have_text(say(language, "Cancel the movement"))
    expect(me.locator("#confirm-warning")).to_be_visible()
    screenshot(me, f"06-{language}-confirm-cancel")
    submit(me, "#confirm-action")
    expect(me).to_have_url(f"{url}/movements/{movement.pk}/")
    expect(me.locator("#movement-status")).to_have_attribute("data-status", "cancelled")
    with schema_context(agency.schema_name):
        assert Notification.objects.filter(recipient=boss.user, kind=Kind.MOVEMENT_NEW).count() == 1


APPLICATION = {
    "agency_name": "Jabatan Pengesahan Negeri",
    "ministry": "Kementerian Digital",
    "state": "10",
    "expected_officers": "120",
    "admin_name": "Aminah binti Yusof",
    "admin_mykad": "900101-10-5555",
    "admin_email": "aminah@pengesahan.example.gov.my",
    "admin_phone": "03-8000 8000",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_operator_confirms_approve_suspend_and_archive(
    language, live_url, new_page, operator_live, screenshot
):
    form = AgencyApplicationForm(data={**APPLICATION, "subdomain": f"sah-{language}"})
    assert form.is_valid(), form.errors
    app = onboarding.submit_application(form=form, language="ms")
    others = [
        provision_agency(make_request(f"{kind}-{language}"), notify=False).agency
        for kind in ("gantung", "arkib")
    ]
    apex = live_url()
    op = new_page()
    prefer_language(op, apex, language)
    op.goto(f"{apex}/login/")
    log_in(op, operator_live.username, PASSWORD)

    # Approve: asked first; going back changes nothing; confirming provisions.
    op.goto(f"{apex}/console/applications/{app.pk}/")
    submit(op, "#approve")
    expect(op.locator("#confirm-title")).to_have_text(say(language, "Approve the application"))
    expect(op.locator("#confirm-question")).to_contain_text(APPLICATION["agency_name"])
    expect(op.locator("#confirm-action")).to_have_text(say(language, "Yes, approve and provision"))
    screenshot(op, f"01-{language}-confirm-approve")
    with op.expect_navigation():
        op.locator("#confirm-back").click()
    app.refresh_from_db()
    assert app.status == ApplicationStatus.SUBMITTED
    submit(op, "#approve")
    with op.expect_navigation(timeout=25_000):
        op.locator("#confirm-action").click()
    expect(op).to_have_url(f"{apex}/console/applications/{app.pk}/")
    assert AgencyApplication.objects.get(pk=app.pk).status in (
        ApplicationStatus.QUEUED,
        ApplicationStatus.PROVISIONED,
    )

    # Suspend and archive: asked first, with the reason shown.
    for agency, target, title in (
        (others[0], AgencyStatus.SUSPENDED, "Suspend the agency"),
        (others[1], AgencyStatus.ARCHIVED, "Archive the agency"),
    ):
        op.goto(f"{apex}/console/agencies/")
        field = "reason" if target == AgencyStatus.SUSPENDED else "areason"
        op.locator(f"#{field}-{agency.pk}").fill("Tamat tempoh langganan")
        submit(op, f"#agency-{agency.subdomain} form:has(input[value='{target}']) button")
        expect(op.locator("#confirm-title")).to_have_text(say(language, title))
        expect(op.locator("#confirm-details")).to_contain_text("Tamat tempoh langganan")
        expect(op.locator("#confirm-warning")).to_be_visible()
        screenshot(op, f"02-{language}-confirm-{target}")
        assert Agency.objects.get(pk=agency.pk).status == AgencyStatus.ACTIVE
        submit(op, "#confirm-action")
        expect(op).to_have_url(f"{apex}/console/agencies/")
        assert Agency.objects.get(pk=agency.pk).status == target
