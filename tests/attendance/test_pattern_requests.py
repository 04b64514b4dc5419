"""Working-pattern requests (Pengurusan Waktu Kerja): an officer asks for another pattern for this
month or a later one; their supervisor (or an org admin) approves — the officer's pattern for the
month is set and the month's existing days recomputed — or rejects with a comment. Through the real
pages and API; permissions of every role are in test_config's matrix."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tenant_apps.attendance import config, services
from tenant_apps.attendance.models import AttendanceDay, OfficerPattern, PatternRequest, WorkingPattern
from tests.fixtures.attendance import INSIDE, at

REASON = "Menghantar anak ke sekolah setiap pagi"


@pytest.fixture
def months(cast):
    """This month and the next two, in the agency's calendar."""
    with schema_context(cast.agency.schema_name):
        this = config.agency_today().replace(day=1)
    return this, config.add_months(this, 1), config.add_months(this, 2)


@pytest.fixture
def patterns(cast):
    with schema_context(cast.agency.schema_name):
        return {p.code: p for p in WorkingPattern.objects.all()}


def requests_of(cast, officer) -> list[PatternRequest]:
    with schema_context(cast.agency.schema_name):
        return list(PatternRequest.objects.filter(officer=officer).order_by("pk"))


def ask(client, month, pattern, reason=REASON):
    return client.post(
        "/attendance/my-pattern/", {"month": f"{month:%Y-%m}", "pattern": pattern.pk, "reason": reason}
    )


def test_officer_sees_the_pattern_of_each_month_of_the_year(cast, login, months, patterns):
    this, following, _ = months
    with schema_context(cast.agency.schema_name):
        OfficerPattern.objects.create(officer=cast.officer_1, month=this, pattern=patterns["WP2"])
    page = login("officer_1").get(f"/attendance/my-pattern/?year={this.year}")
    assert page.status_code == 200
    html = page.content.decode()
    for m in range(1, 13):
        assert f'id="month-{this.year}-{m:02d}"' in html
    assert f'id="month-{this:%Y-%m}" aria-current="date"><th>' in html
    row = html.split(f'id="month-{this:%Y-%m}"')[1].split("</tr>")[0]
    assert 'data-code="WP2"' in row
    if following.year == this.year:
        assert 'data-code="WBF"' in html.split(f'id="month-{following:%Y-%m}"')[1].split("</tr>")[0]
    # Month names in the user's language: Malay by default.
    assert "Disember" in html and "Januari" in html
    assert "December" in login("officer_1", "en").get("/attendance/my-pattern/").content.decode()


def test_request_then_the_right_supervisor_approves(
    cast, login, months, patterns, mailoutbox, django_capture_on_commit_callbacks
):
    _, following, _ = months
    officer = login("officer_1")
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(officer, following, patterns["WP4"]).status_code == 302
    [req] = requests_of(cast, cast.officer_1)
    assert req.status == "pending" and req.month == following and req.reason == REASON
    assert [m.to for m in mailoutbox] == [[cast.supervisor_1.user.email]], "the supervisor is told"
    assert f'id="request-{req.pk}"' in officer.get("/attendance/my-pattern/").content.decode()

    # The supervisor of someone else neither sees nor decides it.
    other = login("supervisor_2")
    assert f'id="request-{req.pk}"' not in other.get("/attendance/team/pattern-requests/").content.decode()
    assert (
        other.post(f"/attendance/team/pattern-requests/{req.pk}/decide/", {"decision": "approve"}).status_code
        == 404
    )
    assert requests_of(cast, cast.officer_1)[0].status == "pending"

    supervisor = login("supervisor_1")
    assert f'id="request-{req.pk}"' in supervisor.get("/attendance/team/pattern-requests/").content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor.post(
            f"/attendance/team/pattern-requests/{req.pk}/decide/",
            {"decision": "approve", "comment": "Setuju"},
        )
    assert response.status_code == 302
    [req] = requests_of(cast, cast.officer_1)
    assert req.status == "approved" and req.decided_by_id == cast.supervisor_1.pk and req.comment == "Setuju"
    assert [m.to for m in mailoutbox] == [[cast.officer_1.user.email]], "the officer is told"
    with schema_context(cast.agency.schema_name):
        assert OfficerPattern.objects.get(officer=cast.officer_1, month=following).pattern.code == "WP4"
    html = officer.get(f"/attendance/my-pattern/?year={following.year}").content.decode()
    assert 'data-code="WP4"' in html.split(f'id="month-{following:%Y-%m}"')[1].split("</tr>")[0]
    assert 'data-status="approved"' in html
    # The supervisor's grid of the team's patterns shows it too.
    grid = supervisor.get(f"/attendance/team/pattern-requests/?year={following.year}").content.decode()
    assert "WP4" in grid.split(f'id="team-pattern-{cast.officer_1.pk}"')[1].split("</tr>")[0]
    # Deciding twice is refused.
    supervisor.post(
        f"/attendance/team/pattern-requests/{req.pk}/decide/", {"decision": "reject", "comment": "X"}
    )
    assert requests_of(cast, cast.officer_1)[0].status == "approved"


def test_rejection_needs_a_comment_and_changes_nothing(cast, login, months, patterns):
    _, following, _ = months
    ask(login("officer_1"), following, patterns["WP1"])
    [req] = requests_of(cast, cast.officer_1)
    supervisor = login("supervisor_1")
    supervisor.post(f"/attendance/team/pattern-requests/{req.pk}/decide/", {"decision": "reject"})
    assert requests_of(cast, cast.officer_1)[0].status == "pending"
    supervisor.post(
        f"/attendance/team/pattern-requests/{req.pk}/decide/",
        {"decision": "reject", "comment": "Kaunter perlu"},
    )
    [req] = requests_of(cast, cast.officer_1)
    assert req.status == "rejected" and req.comment == "Kaunter perlu"
    with schema_context(cast.agency.schema_name):
        assert not OfficerPattern.objects.exists()


def test_approval_for_the_current_month_recomputes_existing_days(cast, office, login, months, patterns):
    this, _, _ = months
    with schema_context(cast.agency.schema_name):
        today = config.agency_today()
        services.clock(cast.officer_1, "in", position=INSIDE, now=at(today, "08:10"))
        assert AttendanceDay.objects.get(officer=cast.officer_1, date=today).pattern_code == "WBF"
    assert ask(login("officer_1"), this, patterns["WP4"]).status_code == 302
    [req] = requests_of(cast, cast.officer_1)
    # An org admin may decide anyone's request.
    login("admin").post(f"/attendance/team/pattern-requests/{req.pk}/decide/", {"decision": "approve"})
    with schema_context(cast.agency.schema_name):
        record = AttendanceDay.objects.get(officer=cast.officer_1, date=today)
        assert record.pattern_code == "WP4"
        if record.working_day:
            assert record.expected_out == at(today, "18:00"), "WP4: 09:00–18:00"


def test_request_form_refuses_each_bad_field(cast, login, months, patterns):
    this, following, _ = months
    officer = login("officer_1")
    ask(officer, following, patterns["WP3"])
    with schema_context(cast.agency.schema_name):
        inactive = WorkingPattern.objects.create(
            code="LAMA", name="Lama", kind="fixed", start=patterns["WP1"].start, is_active=False
        )
    last_month = config.add_months(this, -1)
    cases = [
        ({"month": f"{last_month:%Y-%m}"}, "month"),  # past months are not offered
        ({"month": f"{config.add_months(this, 13):%Y-%m}"}, "month"),  # more than a year ahead
        ({"month": "bulan depan"}, "month"),
        ({"month": f"{following:%Y-%m}"}, "month"),  # already has a pending request
        ({"pattern": ""}, "pattern"),
        ({"pattern": inactive.pk}, "pattern"),
        ({"pattern": patterns["WBF"].pk}, "pattern"),  # already the pattern for that month
        ({"reason": "ok"}, "reason"),
        ({"reason": ""}, "reason"),
    ]
    base = {"month": f"{config.add_months(this, 2):%Y-%m}", "pattern": patterns["WP2"].pk, "reason": REASON}
    wrong = []
    for changes, field in cases:
        response = officer.post("/attendance/my-pattern/", {**base, **changes})
        if response.status_code != 400 or field not in response.context["form"].errors:
            wrong.append((changes, field, response.status_code))
    assert not wrong
    assert len(requests_of(cast, cast.officer_1)) == 1


def test_a_request_for_a_month_now_past_can_only_be_rejected(cast, login, months, patterns):
    this, _, _ = months
    with schema_context(cast.agency.schema_name):
        req = PatternRequest.objects.create(
            officer=cast.officer_1, month=config.add_months(this, -1), pattern=patterns["WP4"], reason=REASON
        )
    client = login("supervisor_1")
    api = client.post(
        f"/api/v1/attendance/pattern-requests/{req.pk}/decide/",
        {"approve": True},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "past"
    rejected = client.post(
        f"/api/v1/attendance/pattern-requests/{req.pk}/decide/",
        {"approve": False, "comment": "Sudah lepas"},
        content_type="application/json",
    )
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"


def test_the_api_flow(cast, login, months, patterns):
    _, following, _ = months
    officer = login("officer_1")
    created = officer.post(
        "/api/v1/attendance/pattern-requests/",
        {"month": f"{following:%Y-%m}", "pattern": "WP3", "reason": REASON},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "pending" and body["month_start"] == following.isoformat()
    bad = officer.post(
        "/api/v1/attendance/pattern-requests/",
        {"month": f"{following:%Y-%m}", "pattern": "WP2", "reason": "x"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and {"month", "reason"} <= set(bad.json()["fields"])
    mine = officer.get("/api/v1/attendance/pattern-requests/").json()["results"]
    assert [r["id"] for r in mine] == [body["id"]]

    supervisor = login("supervisor_1")
    to_decide = supervisor.get("/api/v1/attendance/pattern-requests/?scope=to_decide&status=pending").json()
    assert [r["id"] for r in to_decide["results"]] == [body["id"]]
    assert (
        login("supervisor_2").get("/api/v1/attendance/pattern-requests/?scope=to_decide").json()["results"]
        == []
    )
    not_bool = supervisor.post(
        f"/api/v1/attendance/pattern-requests/{body['id']}/decide/",
        {"approve": "ya"},
        content_type="application/json",
    )
    assert not_bool.status_code == 400
    decided = supervisor.post(
        f"/api/v1/attendance/pattern-requests/{body['id']}/decide/",
        {"approve": True},
        content_type="application/json",
    )
    assert decided.status_code == 200 and decided.json()["status"] == "approved"
    again = supervisor.post(
        f"/api/v1/attendance/pattern-requests/{body['id']}/decide/",
        {"approve": True},
        content_type="application/json",
    )
    assert again.status_code == 400 and again.json()["code"] == "decided"
    seen = supervisor.get(f"/api/v1/attendance/officer-patterns/?officer={cast.officer_1.pk}").json()[
        "results"
    ]
    assert [(r["month"], r["pattern"]) for r in seen] == [(following.isoformat(), "WP3")]
    # A supervisor who is not the officer's sees none of their months.
    other = login("supervisor_2").get(f"/api/v1/attendance/officer-patterns/?officer={cast.officer_1.pk}")
    assert other.json()["results"] == []


def test_the_database_keeps_one_pending_request_per_month(cast, months, patterns):
    """The service checks first; the constraint catches two submits racing past the check."""
    from django.db import IntegrityError, transaction

    _, following, _ = months
    with schema_context(cast.agency.schema_name):
        PatternRequest.objects.create(
            officer=cast.officer_1, month=following, pattern=patterns["WP1"], reason=REASON
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            PatternRequest.objects.create(
                officer=cast.officer_1, month=following, pattern=patterns["WP2"], reason=REASON
            )
        PatternRequest.objects.update(status="rejected")
        config.request_pattern(cast.officer_1, month=following, pattern=patterns["WP2"], reason=REASON)
