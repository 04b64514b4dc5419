"""Issue 18 item 13: the supervisor's list of issues to decide shows the clock-in, minutes late or
early, the reason and the attachment; several issues are decided at once with one comment — all or
nothing, in one transaction, each decision audited and each officer notified as a single decision
is; issues outside the supervisor's scope are refused. Pages and API, both languages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from django_tenants.utils import schema_context

from spotme.audit.models import LogEntry
from tenant_apps.attendance import services
from tenant_apps.attendance.models import AttendanceIssue, IssueStatus
from tenant_apps.notifications.models import Kind, Notification
from tests.fixtures.attendance import INSIDE, at
from tests.fixtures.language import say

LANGUAGES = ["ms", "en"]
MON = date(2025, 11, 17)
TUE = MON + timedelta(days=1)
NOT_DECIDABLE = "Some of the chosen issues are not yours to decide or no longer exist; nothing was decided."


@pytest.fixture
def answered(cast, office):
    """Late arrivals explained: officer_1 on Monday (09:25, with an attachment) and Tuesday (09:40),
    officer_2 (another supervisor's) on Monday."""
    with schema_context(cast.agency.schema_name):
        made = {}
        for key, officer, day, hhmm in (
            ("mon", cast.officer_1, MON, "09:25"),
            ("tue", cast.officer_1, TUE, "09:40"),
            ("other", cast.officer_2, MON, "09:30"),
        ):
            services.clock(officer, "in", position=INSIDE, now=at(day, hhmm))
            issue = AttendanceIssue.objects.get(officer=officer, date=day, code="lewat")
            attachment = SimpleUploadedFile("surat-klinik.pdf", b"%PDF-1.4\n") if key == "mon" else None
            made[key] = services.answer_issue(
                issue, reason=f"Kesesakan jalan raya ({key})", attachment=attachment
            )
    return made


def statuses(cast, *issues):
    with schema_context(cast.agency.schema_name):
        return [AttendanceIssue.objects.get(pk=i.pk).status for i in issues]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_list_shows_clock_in_minutes_reason_and_attachment(cast, answered, login, language):
    page = login("supervisor_1", language).get("/attendance/team/issues/").content.decode()
    mon, tue = answered["mon"], answered["tue"]
    assert f'id="issue-{mon.pk}"' in page and f'id="issue-{tue.pk}"' in page
    assert f'id="issue-{answered["other"].pk}"' not in page, "another supervisor's officer"
    assert "09:25" in page and "09:40" in page
    assert 'data-late="25"' in page and 'data-late="40"' in page
    with translation.override(language):
        late = translation.ngettext("%(n)s minute late", "%(n)s minutes late", 25) % {"n": 25}
    assert late in page and (language == "en" or late != "25 minutes late")
    assert "Kesesakan jalan raya (mon)" in page
    assert f'href="/attendance/issues/{mon.pk}/attachment/"' in page
    assert say(language, "Reject") in page


def test_bulk_reject_with_one_comment_decides_audits_and_notifies_each(cast, answered, login):
    mon, tue = answered["mon"], answered["tue"]
    response = login("supervisor_1", "en").post(
        "/attendance/team/issues/decide/",
        {"issue": [mon.pk, tue.pk], "decision": "reject", "comment": "Tiada bukti yang mencukupi"},
    )
    assert response.status_code == 302
    with schema_context(cast.agency.schema_name):
        decided = list(AttendanceIssue.objects.filter(pk__in=[mon.pk, tue.pk]).order_by("date"))
        assert [i.status for i in decided] == [IssueStatus.REJECTED] * 2
        assert {i.decision_comment for i in decided} == {"Tiada bukti yang mencukupi"}
        assert {i.decided_by_id for i in decided} == {cast.supervisor_1.pk}
        notes = Notification.objects.filter(recipient=cast.officer_1.user, kind=Kind.ISSUE_DECIDED)
        assert notes.count() == 2
        entries = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(AttendanceIssue), object_id__in=[mon.pk, tue.pk]
        )
        assert sorted(entries.values_list("object_id", flat=True)) == sorted([mon.pk, tue.pk])
        assert {e.actor_id for e in entries} == {cast.supervisor_1.user_id}
        assert all(e.changes_dict["status"] == ["answered", "rejected"] for e in entries)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_issue_out_of_scope_refuses_the_whole_batch(cast, answered, login, language):
    mon, other = answered["mon"], answered["other"]
    client = login("supervisor_1", language)
    page = client.post(
        "/attendance/team/issues/decide/",
        {"issue": [mon.pk, other.pk], "decision": "accept", "comment": ""},
        follow=True,
    ).content.decode()
    assert say(language, NOT_DECIDABLE) in page
    api = client.post(
        "/api/v1/attendance/issues/decide/",
        {"issues": [mon.pk, other.pk], "accept": True},
        content_type="application/json",
    )
    assert api.status_code == 400
    body = api.json()
    assert set(body) == {"detail", "code", "fields"} and body["fields"]["issues"] == [
        say(language, NOT_DECIDABLE)
    ]
    assert statuses(cast, mon, other) == [IssueStatus.ANSWERED, IssueStatus.ANSWERED]
    with schema_context(cast.agency.schema_name):
        assert not Notification.objects.filter(kind=Kind.ISSUE_DECIDED).exists()


def test_a_decided_issue_in_the_batch_refuses_it_all(cast, answered, login):
    mon, tue = answered["mon"], answered["tue"]
    client = login("supervisor_1", "en")
    first = client.post(
        "/api/v1/attendance/issues/decide/",
        {"issues": [mon.pk], "accept": True},
        content_type="application/json",
    )
    assert first.status_code == 200 and first.json()["decided"] == 1
    again = client.post(
        "/api/v1/attendance/issues/decide/",
        {"issues": [mon.pk, tue.pk], "accept": False, "comment": "Tidak diterima"},
        content_type="application/json",
    )
    assert again.status_code == 400 and "issues" in again.json()["fields"]
    assert "Pegawai Satu" in again.json()["fields"]["issues"][0]
    assert statuses(cast, mon, tue) == [IssueStatus.ACCEPTED, IssueStatus.ANSWERED]


def test_a_rejection_needs_a_comment(cast, answered, login):
    response = login("supervisor_1", "en").post(
        "/api/v1/attendance/issues/decide/",
        {"issues": [answered["mon"].pk], "accept": False},
        content_type="application/json",
    )
    assert response.status_code == 400 and "comment" in response.json()["fields"]
    assert statuses(cast, answered["mon"]) == [IssueStatus.ANSWERED]


def test_api_lists_what_to_decide_and_decides_many(cast, answered, login):
    client = login("supervisor_1", "en")
    rows = client.get("/api/v1/attendance/issues/to-decide/").json()
    assert [r["id"] for r in rows] == [answered["mon"].pk, answered["tue"].pk]
    mon = rows[0]
    assert (mon["late_minutes"], mon["early_minutes"], mon["code"]) == (25, 0, "lewat")
    assert mon["first_in"].startswith(f"{MON.isoformat()}T09:25")
    assert mon["attachment_url"] == f"/attendance/issues/{answered['mon'].pk}/attachment/"
    assert mon["reason"] == "Kesesakan jalan raya (mon)" and rows[1]["attachment_url"] is None
    done = client.post(
        "/api/v1/attendance/issues/decide/",
        {"issues": [r["id"] for r in rows], "accept": True, "comment": "Diterima"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["decided"] == 2
    assert {r["status"] for r in done.json()["results"]} == {IssueStatus.ACCEPTED}
    assert client.get("/api/v1/attendance/issues/to-decide/").json() == []


@pytest.mark.parametrize("who", ["officer_1", "executive", "supervisor_2"])
def test_lesser_roles_and_other_supervisors_cannot_decide(cast, answered, login, who):
    client = login(who, "en")
    body = {"issues": [answered["mon"].pk], "accept": True}
    api = client.post("/api/v1/attendance/issues/decide/", body, content_type="application/json")
    assert api.status_code == (400 if who == "supervisor_2" else 403)
    listing = client.get("/api/v1/attendance/issues/to-decide/")
    if who == "supervisor_2":
        assert [r["id"] for r in listing.json()] == [answered["other"].pk]
    else:
        assert listing.status_code == 403
    page = client.post("/attendance/team/issues/decide/", {"issue": answered["mon"].pk, "decision": "accept"})
    assert page.status_code in (302, 403)
    assert statuses(cast, answered["mon"]) == [IssueStatus.ANSWERED]


def test_another_agency_cannot_decide(cast, answered, other_agency_client, client_for, settings):
    body = {"issues": [answered["mon"].pk], "accept": True}
    # Agency B's admin on agency B's host: the id is not theirs (nothing in their schema).
    own_host = other_agency_client.post(
        "/api/v1/attendance/issues/decide/", body, content_type="application/json"
    )
    assert own_host.status_code == 400
    # Agency B's session presented on agency A's host: not signed in there.
    stolen = client_for(cast.agency)
    stolen.cookies[settings.SESSION_COOKIE_NAME] = other_agency_client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    assert (
        stolen.post("/api/v1/attendance/issues/decide/", body, content_type="application/json").status_code
        == 403
    )
    assert stolen.get("/api/v1/attendance/issues/to-decide/").status_code == 403
    assert statuses(cast, answered["mon"]) == [IssueStatus.ANSWERED]
