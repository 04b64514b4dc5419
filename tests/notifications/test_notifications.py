"""Notifications: created once per event, only after commit, in the recipient's language, by the
recipient's preferences; each person sees only their own."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction
from django_tenants.utils import schema_context

from tenant_apps.attendance import services
from tenant_apps.attendance.models import AttendanceIssue
from tenant_apps.notifications.models import Notification, Preference
from tests.fixtures.agencies import PASSWORD
from tests.fixtures.attendance import INSIDE, OUTSIDE, at

MON = date(2025, 11, 17)


def notes_of(cast, officer):
    with schema_context(cast.agency.schema_name):
        return list(Notification.objects.filter(recipient=officer.user).values_list("kind", "message"))


def test_outside_clock_in_tells_the_supervisor_once_in_malay(
    cast, office, mailoutbox, django_capture_on_commit_callbacks
):
    with schema_context(cast.agency.schema_name), django_capture_on_commit_callbacks(execute=True):
        services.clock(cast.officer_1, "in", position=OUTSIDE, now=at(MON, "08:00"), idempotency_key="a")
        services.clock(cast.officer_1, "in", position=OUTSIDE, now=at(MON, "08:00"), idempotency_key="a")
        services.clock(cast.officer_2, "in", position=INSIDE, now=at(MON, "08:00"))
    assert notes_of(cast, cast.supervisor_1) == [
        ("clock_outside", "Pegawai Satu telah mendaftar masuk dari luar kawasan pejabat")
    ]
    assert notes_of(cast, cast.supervisor_2) == [], "inside the office: nothing to say"
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [cast.supervisor_1.user.email]


def test_english_for_those_who_chose_it(cast, office):
    with schema_context(cast.agency.schema_name):
        user = cast.supervisor_1.user
        user.preferred_language = "en"
        user.save()
        services.clock(cast.officer_1, "out", position=OUTSIDE, now=at(MON, "17:00"))
    assert notes_of(cast, cast.supervisor_1) == [
        ("clock_outside", "Pegawai Satu clocked out from outside the office area")
    ]


def test_a_rolled_back_write_notifies_nobody(cast, office, mailoutbox, django_capture_on_commit_callbacks):
    with (
        schema_context(cast.agency.schema_name),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.clock(cast.officer_1, "in", position=OUTSIDE, now=at(MON, "08:00"))
        raise RuntimeError("something later in the same request failed")
    assert notes_of(cast, cast.supervisor_1) == []
    assert mailoutbox == []


def test_issue_answer_and_decision_are_notified(cast, office):
    with schema_context(cast.agency.schema_name):
        services.clock(cast.officer_1, "in", position=INSIDE, now=at(MON, "09:30"))
        issue = AttendanceIssue.objects.get(officer=cast.officer_1)
        services.answer_issue(issue, reason="Kesesakan lalu lintas teruk")
        services.decide_issue(issue, supervisor=cast.supervisor_1, accept=False, comment="Keluar lebih awal")
    assert [k for k, _m in notes_of(cast, cast.supervisor_1)] == ["issue_answered"]
    [(kind, message)] = notes_of(cast, cast.officer_1)
    assert kind == "issue_decided" and "17/11/2025" in message and "ditolak" in message


def test_preferences_switch_email_and_in_app_off(
    cast, office, mailoutbox, django_capture_on_commit_callbacks
):
    with schema_context(cast.agency.schema_name):
        Preference.objects.create(user=cast.supervisor_1.user, kind="clock_outside", in_app=True, email=False)
        with django_capture_on_commit_callbacks(execute=True):
            services.clock(cast.officer_1, "in", position=OUTSIDE, now=at(MON, "08:00"))
        assert mailoutbox == []
        Preference.objects.filter(user=cast.supervisor_1.user).update(in_app=False)
        services.clock(cast.officer_1, "out", position=OUTSIDE, now=at(MON, "17:00"))
        assert (
            Notification.objects.filter(recipient=cast.supervisor_1.user, read_at__isnull=True).count() == 1
        )


def test_centre_shows_only_your_own_and_marks_read(cast, office, client_for):
    with schema_context(cast.agency.schema_name):
        services.clock(cast.officer_1, "in", position=OUTSIDE, now=at(MON, "08:00"))
    supervisor = client_for(cast.agency)
    supervisor.login_as(cast.LOGINS["supervisor_1"], PASSWORD)
    page = supervisor.get("/notifications/").content.decode()
    assert "Pegawai Satu" in page and 'id="unread-count">1<' in page
    other = client_for(cast.agency)
    other.login_as(cast.LOGINS["supervisor_2"], PASSWORD)
    assert "Pegawai Satu" not in other.get("/notifications/").content.decode()
    assert other.get("/api/v1/notifications/").json()["unread"] == 0
    other.post("/notifications/read/")  # marks only their own
    assert supervisor.get("/api/v1/notifications/").json()["unread"] == 1
    assert (
        supervisor.post(
            "/api/v1/notifications/read/", {"ids": "x"}, content_type="application/json"
        ).status_code
        == 400
    )
    assert (
        supervisor.post("/api/v1/notifications/read/", {}, content_type="application/json").json()["marked"]
        == 1
    )
    assert 'id="unread-count"' not in supervisor.get("/").content.decode()
    assert client_for(cast.agency).get("/notifications/").status_code == 302
    assert client_for(cast.agency).get("/api/v1/notifications/").status_code == 403
