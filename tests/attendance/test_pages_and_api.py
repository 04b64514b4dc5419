"""Attendance pages and API through real requests, with the access rules of each role."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import schema_context

from tenant_apps.attendance import services
from tenant_apps.attendance.models import AttendanceIssue, ClockEvent
from tests.fixtures.agencies import PASSWORD
from tests.fixtures.attendance import FAR_AWAY, INSIDE, OFFICE, at

MON = date(2025, 11, 17)


def events_of(cast, officer):
    with schema_context(cast.agency.schema_name):
        return list(ClockEvent.objects.filter(officer=officer))


def test_clock_in_from_the_page(cast, office, login):
    client = login("officer_1")
    page = client.get("/")
    assert page.status_code == 200 and 'id="clock-in"' in page.content.decode()
    response = client.post(
        "/attendance/clock/",
        {
            "direction": "in",
            "latitude": OFFICE[0],
            "longitude": OFFICE[1],
            "accuracy": 10,
            "location_status": "ok",
            "idempotency_key": "p1",
        },
        HTTP_USER_AGENT="Mozilla/5.0 Ujian",
    )
    assert response.status_code == 302
    [event] = events_of(cast, cast.officer_1)
    assert event.inside is True and event.source == "web" and event.user_agent == "Mozilla/5.0 Ujian"
    # The same form submitted twice (double tap, retry) makes one event.
    client.post(
        "/attendance/clock/",
        {"direction": "in", "latitude": OFFICE[0], "longitude": OFFICE[1], "idempotency_key": "p1"},
    )
    assert len(events_of(cast, cast.officer_1)) == 1
    home = client.get("/").content.decode()
    assert 'id="first-in"' in home and "—" not in home.split('id="first-in">')[1][:10]


def test_clock_with_permission_denied_is_recorded_without_location(cast, office, login):
    client = login("officer_1")
    client.post("/attendance/clock/", {"direction": "in", "location_status": "denied"})
    [event] = events_of(cast, cast.officer_1)
    assert event.location_status == "denied" and event.inside is None and event.latitude is None


@pytest.mark.parametrize(
    "bad",
    [
        {"direction": "sideways"},
        {"direction": "in", "latitude": "91", "longitude": "101"},
        {"direction": "in", "latitude": "2.9"},
        {"direction": "in", "latitude": "abc", "longitude": "def"},
    ],
)
def test_bad_clock_requests_write_nothing(cast, office, login, bad):
    client = login("officer_1")
    page = client.post("/attendance/clock/", bad, follow=True)
    assert page.status_code == 200
    assert not events_of(cast, cast.officer_1)
    api = client.post("/api/v1/attendance/clock/", bad, content_type="application/json")
    assert api.status_code == 400 and api.json()["code"] == "invalid"
    assert not events_of(cast, cast.officer_1)


def test_api_clock_idempotency_and_today(cast, office, login):
    client = login("officer_2")
    body = {"direction": "in", "latitude": FAR_AWAY[0], "longitude": FAR_AWAY[1], "accuracy": 12}
    first = client.post(
        "/api/v1/attendance/clock/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == 201 and first.json()["inside"] is False
    again = client.post(
        "/api/v1/attendance/clock/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    today = client.get("/api/v1/attendance/today/").json()
    assert len(today["events"]) == 1 and "luar_kawasan" in today["record"]["codes"]
    issues = client.get("/api/v1/attendance/issues/").json()
    assert "luar_kawasan" in [i["code"] for i in issues]  # (and "lewat", depending on the time of day)


def test_answer_then_supervisor_decides_through_the_pages(cast, office, login):
    with schema_context(cast.agency.schema_name):
        services.clock(cast.officer_1, "in", position=INSIDE, now=at(MON, "09:25"))
        issue = AttendanceIssue.objects.get(officer=cast.officer_1)
    officer = login("officer_1")
    assert officer.post(f"/attendance/issues/{issue.pk}/answer/", {"reason": "x"}).status_code == 302
    with schema_context(cast.agency.schema_name):
        assert AttendanceIssue.objects.get(pk=issue.pk).status == "open", "too short a reason is refused"
    officer.post(f"/attendance/issues/{issue.pk}/answer/", {"reason": "Tayar pancit di jalan"})
    # The supervisor of someone else does not see it; the right supervisor does.
    other = login("supervisor_2")
    assert "Tayar pancit" not in other.get("/attendance/team/issues/").content.decode()
    other.post(
        "/attendance/team/issues/decide/", {"issue": issue.pk, "decision": "reject", "comment": "Tidak"}
    )
    with schema_context(cast.agency.schema_name):
        assert AttendanceIssue.objects.get(pk=issue.pk).status == "answered"
    supervisor = login("supervisor_1")
    assert "Tayar pancit" in supervisor.get("/attendance/team/issues/").content.decode()
    supervisor.post(
        "/attendance/team/issues/decide/", {"issue": issue.pk, "decision": "reject", "comment": "Tiada bukti"}
    )
    with schema_context(cast.agency.schema_name):
        assert AttendanceIssue.objects.get(pk=issue.pk).status == "rejected"
    month = officer.get("/attendance/month/?m=2025-11").content.decode()
    assert 'id="rejected-count">1<' in month


def test_team_page_shows_supervisees_only(cast, office, login):
    with schema_context(cast.agency.schema_name):
        from django.utils import timezone

        # A morning clock-in of today's calendar day (the page shows today; a punch at 00:00-03:30
        # would still belong to yesterday's shift).
        services.clock(
            cast.officer_1,
            "in",
            position=services.Position(*FAR_AWAY, 10),
            now=at(timezone.localdate(), "08:05"),
        )
    page = login("supervisor_1").get("/attendance/team/").content.decode()
    assert "Pegawai Satu" in page and "Pegawai Dua" not in page
    assert "error-text" in page, "the outside clock-in is flagged"
    assert login("officer_1").get("/attendance/team/").status_code == 403


def test_supervisor_sees_supervisee_records_not_others(cast, login):
    sup = login("supervisor_1")
    assert sup.get(f"/attendance/month/?officer={cast.officer_1.pk}").status_code == 200
    assert sup.get(f"/attendance/month/?officer={cast.officer_2.pk}").status_code == 404
    assert sup.get(f"/attendance/transactions/?officer={cast.officer_2.pk}").status_code == 404
    assert sup.get(f"/api/v1/attendance/days/?officer={cast.officer_2.pk}").status_code == 404
    assert login("officer_1").get(f"/api/v1/attendance/days/?officer={cast.officer_2.pk}").status_code == 404
    assert login("executive").get(f"/api/v1/attendance/days/?officer={cast.officer_2.pk}").status_code == 200


def test_officer_cannot_decide_or_answer_others(cast, office, login):
    with schema_context(cast.agency.schema_name):
        services.clock(cast.officer_2, "in", position=INSIDE, now=at(MON, "09:25"))
        issue = AttendanceIssue.objects.get(officer=cast.officer_2)
    officer = login("officer_1")
    assert (
        officer.post(f"/attendance/issues/{issue.pk}/answer/", {"reason": "bukan saya punya"}).status_code
        == 404
    )
    assert (
        officer.post(
            f"/api/v1/attendance/issues/{issue.pk}/decide/", {"accept": True}, content_type="application/json"
        ).status_code
        == 404
    )
    assert (
        login("supervisor_1")
        .post(
            f"/api/v1/attendance/issues/{issue.pk}/decide/", {"accept": True}, content_type="application/json"
        )
        .status_code
        == 404
    )


def test_api_policies_calendar_and_schema(cast, login):
    client = login("officer_1")
    policies = client.get("/api/v1/attendance/policies/").json()
    assert {p["code"] for p in policies["patterns"]} >= {"WBF", "WP1", "WP2", "WP3", "WP4"}
    december = client.get("/api/v1/attendance/calendar/?month=2025-12").json()
    sultan = next(d for d in december if d["date"] == "2025-12-11")
    assert sultan["holiday"] == "Hari Keputeraan Sultan Selangor"
    assert client.get("/api/v1/attendance/calendar/?month=2025-13").status_code == 400
    paths = client.get("/api/schema/?format=json").json()["paths"]
    assert {"/api/v1/attendance/clock/", "/api/v1/attendance/days/", "/api/v1/attendance/issues/"} <= set(
        paths
    )


def test_other_agency_and_anonymous_are_refused(cast, other_agency_client, client_for, settings):
    anonymous = client_for(cast.agency)
    for path in ("/attendance/month/", "/attendance/team/", "/attendance/issues/"):
        assert anonymous.get(path).status_code == 302
    for path in ("/api/v1/attendance/today/", "/api/v1/attendance/days/"):
        assert anonymous.get(path).status_code == 403
    intruder = client_for(cast.agency)
    intruder.cookies[settings.SESSION_COOKIE_NAME] = other_agency_client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    assert (
        intruder.post(
            "/api/v1/attendance/clock/", {"direction": "in"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert intruder.get("/attendance/team/").status_code == 302


def test_a_user_without_an_officer_profile_cannot_clock(cast, office, client_for):
    from django.contrib.auth import get_user_model

    with schema_context(cast.agency.schema_name):
        get_user_model().objects.create_user(username="991231105999", password=PASSWORD)
    client = client_for(cast.agency)
    client.login_as("991231105999", PASSWORD)
    body = {"direction": "in", "latitude": OFFICE[0], "longitude": OFFICE[1], "accuracy": 10}
    api = client.post("/api/v1/attendance/clock/", body, content_type="application/json")
    assert api.status_code == 403 and api.json()["code"] == "permission_denied"
    assert client.post("/attendance/clock/", body).status_code == 403
    with schema_context(cast.agency.schema_name):
        assert not ClockEvent.objects.exists()


def test_issue_attachment_is_served_only_to_the_officer_and_their_supervisor(
    cast, office, login, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    with schema_context(cast.agency.schema_name):
        services.clock(cast.officer_1, "in", position=INSIDE, now=at(MON, "09:25"))
        issue = AttendanceIssue.objects.get(officer=cast.officer_1)
    officer = login("officer_1")
    letter = SimpleUploadedFile("surat.pdf", b"%PDF-1.4 surat panggilan", "application/pdf")
    officer.post(
        f"/attendance/issues/{issue.pk}/answer/", {"reason": "Dipanggil ke mahkamah", "attachment": letter}
    )
    path = f"/attendance/issues/{issue.pk}/attachment/"
    got = officer.get(path)
    assert got.status_code == 200 and b"".join(got.streaming_content) == b"%PDF-1.4 surat panggilan"
    assert login("supervisor_1").get(path).status_code == 200
    assert login("supervisor_2").get(path).status_code == 404
    assert login("officer_2").get(path).status_code == 404
    assert not list(tmp_path.glob("issues")), "files live under the agency's own folder"
    bad = SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")
    officer.post(f"/attendance/issues/{issue.pk}/answer/", {"reason": "Cuba fail lain", "attachment": bad})
    with schema_context(cast.agency.schema_name):
        assert AttendanceIssue.objects.get(pk=issue.pk).attachment.name.endswith(".pdf")
