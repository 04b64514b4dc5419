"""Movement pages and API end to end: register (with an attachment), errors shown on the form, a
change after the start, the supervisor's day view and approvals, the day on the home card and the
month, the OpenAPI schema."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django_tenants.utils import schema_context

from spotme.audit.models import LogEntry
from tenant_apps.movements import services
from tenant_apps.movements.models import Movement
from tenant_apps.notifications.models import Notification

from .conftest import upload, values

DAY = date.today() + timedelta(days=3)


def form(**overrides):
    data = {
        "kind": "meeting",
        "date": DAY.isoformat(),
        "start_time": "09:00",
        "end_time": "11:00",
        "place": "Menara MKN",
        "purpose": "Bengkel data terbuka",
    }
    data.update(overrides)
    return data


def in_schema(cast, fn):
    with schema_context(cast.agency.schema_name):
        return fn()


def test_register_on_the_page_with_an_attachment(cast, login):
    client = login("officer_1", "en")
    response = client.post("/movements/new/", form(attachment=upload()))
    assert response.status_code == 302
    m = in_schema(cast, lambda: Movement.objects.get(officer=cast.officer_1))
    assert response["Location"] == f"/movements/{m.pk}/"
    assert (m.kind, m.place, m.start_time, m.end_time, m.approval) == (
        "meeting",
        "Menara MKN",
        time(9, 0),
        time(11, 0),
        "",
    )
    download = client.get(f"/movements/{m.pk}/attachment/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert in_schema(cast, lambda: Notification.objects.filter(recipient=cast.supervisor_1.user).count()) == 1
    page = client.get("/movements/").content.decode()
    assert f'id="movement-{m.pk}"' in page


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (dict(end_time="08:00"), "end_time"),
        (dict(kind="time_out", start_time="08:00", end_time="12:30"), "end_time"),
        (dict(whole_day="on"), "whole_day"),
        (dict(date=(date.today() - timedelta(days=1)).isoformat()), "date"),
        (dict(attachment=upload("senarai.docx", b"PK\x03\x04")), "attachment"),
    ],
)
def test_errors_are_shown_next_to_their_field(cast, login, overrides, field):
    response = login("officer_1", "en").post("/movements/new/", form(**overrides))
    assert response.status_code == 200
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not in_schema(cast, lambda: Movement.objects.exists())


def test_edit_and_cancel_on_the_page(cast, login):
    client = login("officer_1", "en")
    m = in_schema(cast, lambda: services.create_movement(cast.officer_1, values(date=DAY)))
    assert client.get(f"/movements/{m.pk}/edit/").status_code == 200
    response = client.post(f"/movements/{m.pk}/edit/", form(place="Dewan Besar"))
    assert response.status_code == 302
    assert in_schema(cast, lambda: Movement.objects.get(pk=m.pk).place) == "Dewan Besar"
    client.post(f"/movements/{m.pk}/cancel/", {"confirmed": "yes"})
    assert in_schema(cast, lambda: Movement.objects.get(pk=m.pk).status) == "cancelled"


def test_api_create_refuses_with_field_errors(cast, login):
    client = login("officer_1", "en")
    too_long = client.post(
        "/api/v1/movements/",
        {**form(kind="time_out", start_time="08:00", end_time="12:30")},
        content_type="application/json",
    )
    assert too_long.status_code == 400 and "end_time" in too_long.json()["fields"]
    created = client.post("/api/v1/movements/", form(), content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["officer"] == cast.officer_1.pk and body["status"] == "active"
    mine = client.get("/api/v1/movements/").json()
    assert [r["id"] for r in mine["results"]] == [body["id"]]


def test_api_change_after_the_start_needs_a_reason_and_is_audited(cast, login):
    client = login("officer_1", "en")
    # Today from midnight: it has started whenever the test runs.
    m = in_schema(
        cast,
        lambda: services.create_movement(
            cast.officer_1,
            values(date=services.now_local().date(), start_time=time(0, 0), end_time=time(0, 1)),
        ),
    )
    url = f"/api/v1/movements/{m.pk}/"
    refused = client.patch(url, {"place": "Menara MKN"}, content_type="application/json")
    assert refused.status_code == 400 and "change_reason" in refused.json()["fields"]
    ok = client.patch(
        url,
        {"place": "Menara MKN", "reason": "Tempat bertukar pada saat akhir"},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["change_reason"] == "Tempat bertukar pada saat akhir"

    def last_entry():
        ct = ContentType.objects.get_for_model(Movement)
        return LogEntry.objects.filter(content_type=ct, object_pk=str(m.pk)).latest("pk")

    entry = in_schema(cast, last_entry)
    assert entry.changes_dict["place"] == ["Kompleks JPA Putrajaya", "Menara MKN"]
    assert entry.actor_id == cast.officer_1.user_id
    cancelled = client.post(f"{url}cancel/", {}, content_type="application/json")
    assert cancelled.status_code == 400 and "change_reason" in cancelled.json()["fields"]


def test_supervisors_see_only_their_supervisees_movements(cast, login):
    def make():
        return {
            who: services.create_movement(getattr(cast, who), values(date=DAY, place=f"Tempat {who}")).pk
            for who in ("officer_1", "officer_2", "officer_3", "supervisor_1")
        }

    ids = in_schema(cast, make)
    for who, expected in (
        ("supervisor_1", {"officer_1"}),  # officer_3 is officer_1's supervisee: only with the chain setting
        ("supervisor_2", {"officer_2"}),
        ("admin", {"officer_1", "officer_2", "officer_3", "supervisor_1"}),
    ):
        client = login(who, "en")
        page = client.get(f"/movements/team/?date={DAY.isoformat()}").content.decode()
        shown = {name for name, pk in ids.items() if f'id="movement-{pk}"' in page}
        assert shown == expected, who
        api = client.get(f"/api/v1/movements/team/?date={DAY.isoformat()}").json()["results"]
        assert {r["id"] for r in api} == {ids[n] for n in expected}, who
    other_day = login("supervisor_1", "en").get(
        f"/movements/team/?date={(DAY + timedelta(days=1)).isoformat()}"
    )
    assert 'id="movement-' not in other_day.content.decode()


def test_time_out_approval_on_the_page_and_in_the_api(cast, login):
    def make():
        return [
            services.create_movement(
                cast.officer_1,
                values(date=DAY, kind="time_out", start_time=time(h, 0), end_time=time(h + 2, 0)),
            ).pk
            for h in (8, 14)
        ]

    first, second = in_schema(cast, make)
    supervisor = login("supervisor_1", "en")
    page = supervisor.get("/movements/approvals/").content.decode()
    assert f'id="movement-{first}"' in page and f'id="movement-{second}"' in page
    assert supervisor.post(f"/movements/{first}/decide/", {"decision": "approve"}).status_code == 302
    refused = supervisor.post(f"/api/v1/movements/{second}/reject/", {}, content_type="application/json")
    assert refused.status_code == 400 and "decision_comment" in refused.json()["fields"]
    rejected = supervisor.post(
        f"/api/v1/movements/{second}/reject/",
        {"comment": "Sila hadir taklimat"},
        content_type="application/json",
    )
    assert rejected.status_code == 200 and rejected.json()["approval"] == "rejected"
    assert in_schema(cast, lambda: Movement.objects.get(pk=first).approval) == "approved"
    assert f'id="movement-{first}"' not in supervisor.get("/movements/approvals/").content.decode()


def test_the_day_shows_its_movements_on_home_and_month(cast, login):
    from tenant_apps.attendance import services as attendance
    from tenant_apps.organisation.models import AgencyProfile

    today = in_schema(cast, lambda: services.now_local().date())
    # The home page shows the officer's attendance day: between 00:00 and 03:30 still yesterday's.
    home_day = in_schema(cast, lambda: attendance.today_for(cast.officer_1, AgencyProfile.current())[0])
    m = in_schema(
        cast,
        lambda: services.create_movement(
            cast.officer_1, values(date=today, whole_day=True, start_time=None, end_time=None)
        ),
    )
    client = login("officer_1", "en")
    home = client.get("/").content.decode()
    if home_day == today:
        assert f'data-movement="{m.pk}"' in home and "Kompleks JPA Putrajaya" in home
    month = client.get(f"/attendance/month/?m={today:%Y-%m}").content.decode()
    assert f'data-movement="{m.pk}"' in month
    supervisor_view = login("supervisor_1", "en").get(
        f"/attendance/month/?m={today:%Y-%m}&officer={cast.officer_1.pk}"
    )
    assert f'data-movement="{m.pk}"' in supervisor_view.content.decode()


def test_movements_are_in_the_openapi_schema(cast, login):
    paths = set(login("officer_1", "en").get("/api/schema/?format=json").json()["paths"])
    assert {
        "/api/v1/movements/",
        "/api/v1/movements/{id}/",
        "/api/v1/movements/{id}/cancel/",
        "/api/v1/movements/{id}/approve/",
        "/api/v1/movements/{id}/reject/",
        "/api/v1/movements/team/",
    } <= paths
