"""Movement rules and writes: each bad input refused with its code, editing before and after the
start (audited), cancelling, time-out approval, and what a movement excuses in the attendance day."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import translation

from spotme.audit.models import LogEntry
from tenant_apps.attendance import services as attendance
from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue
from tenant_apps.movements import services
from tenant_apps.movements.models import Movement
from tenant_apps.notifications.models import Notification
from tests.fixtures.attendance import INSIDE, OUTSIDE, at

from .conftest import MON, PNG, upload, values

EARLY = at(MON, "07:00")  # before the 08:00 movement starts
ADMIN = services.Actor(user=None, is_org_admin=True)


def officer_actor(cast, who="officer_1"):
    return services.Actor(getattr(cast, who).user, False)


def codes(exc: ValidationError) -> dict[str, set[str]]:
    return {field: {e.code for e in errors} for field, errors in exc.error_dict.items()}


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        (dict(end_time=time(7, 30)), "end_time", "end_before_start"),
        (dict(end_time=time(8, 0)), "end_time", "end_before_start"),
        (dict(kind="time_out", start_time=time(8, 0), end_time=time(12, 1)), "end_time", "time_out_too_long"),
        (
            dict(kind="time_out", whole_day=True, start_time=None, end_time=None),
            "whole_day",
            "time_out_whole_day",
        ),
        (dict(whole_day=True), "whole_day", "whole_day_times"),
        (dict(start_time=None), "start_time", "times_required"),
        (dict(end_time=None), "start_time", "times_required"),
        (dict(date=MON - timedelta(days=1)), "date", "past"),
        (dict(place="  "), "place", "required"),
        (dict(purpose=""), "purpose", "required"),
        (dict(kind="holiday"), "kind", "kind"),
        (dict(latitude=2.9), "latitude", "half_location"),
        (dict(latitude=91, longitude=101.7), "latitude", "outside_malaysia"),
        (dict(latitude=3.1, longitude=10.33), "latitude", "outside_malaysia"),
        (dict(attachment=upload("virus.exe", b"MZ\x90\x00")), "attachment", "type"),
        (dict(attachment=upload("pretend.pdf", b"MZ\x90\x00")), "attachment", "type"),
        (dict(attachment=upload(content=b"%PDF-" + b"0" * (5 * 1024 * 1024))), "attachment", "size"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(agency_schema, overrides, field, code):
    with pytest.raises(ValidationError) as caught:
        services.create_movement(agency_schema.officer_1, values(**overrides), now=EARLY)
    assert code in codes(caught.value)[field]
    assert not Movement.objects.exists()
    assert not Notification.objects.exists()


def test_good_input_whole_day_time_out_and_attachment(agency_schema):
    o = agency_schema.officer_1
    whole = services.create_movement(
        o, values(whole_day=True, start_time=None, end_time=None, kind="course"), now=EARLY
    )
    assert whole.whole_day and whole.approval == ""
    four_hours = services.create_movement(
        o, values(kind="time_out", start_time=time(14, 0), end_time=time(18, 0)), now=EARLY
    )
    assert four_hours.approval == "pending"
    attached = services.create_movement(
        o,
        values(attachment=upload("jemputan.png", PNG, "image/png"), latitude=2.9, longitude=101.7),
        now=EARLY,
    )
    assert attached.attachment.name.startswith("movements/") and attached.attachment.read() == PNG
    today = services.create_movement(o, values(start_time=time(6, 0)), now=EARLY)
    assert today.date == MON, "registering for today, even after its start, is allowed"


# --- editing, cancelling, the audit trail -----------------------------------------------------------


def entries_of(movement) -> list[LogEntry]:
    ct = ContentType.objects.get_for_model(Movement)
    return list(LogEntry.objects.filter(content_type=ct, object_pk=str(movement.pk)).order_by("pk"))


def test_editing_before_the_start_needs_no_reason(agency_schema):
    m = services.create_movement(agency_schema.officer_1, values(), now=EARLY)
    services.update_movement(
        m, {"place": "Menara MKN", "end_time": time(11, 0)}, by=officer_actor(agency_schema), now=EARLY
    )
    m.refresh_from_db()
    assert (m.place, m.end_time, m.change_reason) == ("Menara MKN", time(11, 0), "")
    assert len(entries_of(m)) == 2  # created, updated


def test_editing_after_the_start_needs_a_reason_and_is_audited(agency_schema):
    m = services.create_movement(agency_schema.officer_1, values(), now=EARLY)
    later = at(MON, "09:30")
    with pytest.raises(ValidationError) as caught:
        services.update_movement(m, {"place": "Menara MKN"}, by=officer_actor(agency_schema), now=later)
    assert codes(caught.value) == {"change_reason": {"reason_required"}}
    m.refresh_from_db()
    assert m.place == "Kompleks JPA Putrajaya"
    services.update_movement(
        m,
        {"place": "Menara MKN"},
        by=officer_actor(agency_schema),
        reason="Lokasi mesyuarat dipindahkan",
        now=later,
    )
    update = entries_of(m)[-1]
    assert update.action == LogEntry.Action.UPDATE
    assert update.changes_dict["place"] == ["Kompleks JPA Putrajaya", "Menara MKN"]
    assert update.changes_dict["change_reason"] == ["", "Lokasi mesyuarat dipindahkan"]
    assert update.additional_data == {"reason": "Lokasi mesyuarat dipindahkan"}


def test_an_org_admin_may_change_after_the_start_without_a_reason(agency_schema):
    m = services.create_movement(agency_schema.officer_1, values(), now=EARLY)
    services.update_movement(m, {"purpose": "Mesyuarat khas"}, by=ADMIN, now=at(MON, "10:00"))
    assert entries_of(m)[-1].changes_dict["purpose"][1] == "Mesyuarat khas"


def test_moving_to_a_past_day_is_refused_but_a_past_movement_may_be_corrected(agency_schema):
    m = services.create_movement(agency_schema.officer_1, values(), now=EARLY)
    tomorrow = at(MON + timedelta(days=1), "09:00")
    services.update_movement(m, {"place": "Menara MKN"}, by=ADMIN, now=tomorrow)
    with pytest.raises(ValidationError) as caught:
        services.update_movement(m, {"date": MON - timedelta(days=1)}, by=ADMIN, now=tomorrow)
    assert codes(caught.value) == {"date": {"past"}}


def test_cancelling_before_and_after_the_start(agency_schema):
    c = agency_schema
    first = services.create_movement(c.officer_1, values(), now=EARLY)
    services.cancel_movement(first, by=officer_actor(c), now=EARLY)
    first.refresh_from_db()
    assert first.status == "cancelled"
    with pytest.raises(ValidationError) as caught:
        services.cancel_movement(first, by=officer_actor(c), now=EARLY)
    assert caught.value.code == "cancelled"
    with pytest.raises(ValidationError) as caught:
        services.update_movement(first, {"place": "X"}, by=officer_actor(c), now=EARLY)
    assert caught.value.code == "cancelled"

    second = services.create_movement(c.officer_1, values(), now=EARLY)
    with pytest.raises(ValidationError):
        services.cancel_movement(second, by=officer_actor(c), now=at(MON, "08:30"))
    services.cancel_movement(
        second, by=officer_actor(c), reason="Mesyuarat ditangguhkan", now=at(MON, "08:30")
    )
    assert entries_of(second)[-1].changes_dict["status"] == ["active", "cancelled"]


# --- time out of office ---------------------------------------------------------------------------


def test_time_out_approval_by_the_supervisor(agency_schema):
    c = agency_schema
    m = services.create_movement(
        c.officer_1, values(kind="time_out", start_time=time(10, 0), end_time=time(12, 0)), now=EARLY
    )
    with pytest.raises(ValidationError) as caught:
        services.decide_time_out(m, by=c.supervisor_1, approve=False, comment="")
    assert "decision_comment" in caught.value.error_dict
    with pytest.raises(ValidationError) as caught:
        services.decide_time_out(m, by=c.officer_1, approve=True)
    assert caught.value.code == "own"
    services.decide_time_out(m, by=c.supervisor_1, approve=True)
    m.refresh_from_db()
    assert (m.approval, m.decided_by) == ("approved", c.supervisor_1)
    with pytest.raises(ValidationError) as caught:
        services.decide_time_out(m, by=c.supervisor_1, approve=True)
    assert caught.value.code == "not_pending"
    # A new window needs a new approval.
    services.update_movement(m, {"end_time": time(13, 0)}, by=officer_actor(c), now=EARLY)
    m.refresh_from_db()
    assert (m.approval, m.decided_by) == ("pending", None)


def test_who_may_decide(agency_schema):
    from tenant_apps.people.access import Access

    c = agency_schema
    m = services.create_movement(
        c.officer_1, values(kind="time_out", start_time=time(10, 0), end_time=time(12, 0)), now=EARLY
    )
    can = {
        who: services.decidable_movements(Access(getattr(c, who).user)).filter(pk=m.pk).exists()
        for who in ("officer_1", "supervisor_1", "supervisor_2", "executive", "admin")
    }
    assert can == dict(officer_1=False, supervisor_1=True, supervisor_2=False, executive=False, admin=True)


# --- what a movement excuses ----------------------------------------------------------------------


def day_of(officer) -> AttendanceDay:
    return AttendanceDay.objects.get(officer=officer, date=MON)


def issues_of(officer) -> dict[str, str]:
    return dict(AttendanceIssue.objects.filter(officer=officer, date=MON).values_list("code", "status"))


def test_outside_clock_in_inside_the_window_is_excused(agency_schema, office):
    o = agency_schema.officer_1
    services.create_movement(o, values(start_time=time(8, 0), end_time=time(12, 0)), now=EARLY)
    attendance.clock(o, "in", position=OUTSIDE, now=at(MON, "08:30"))
    assert "luar_kawasan" not in day_of(o).codes
    assert "luar_kawasan" not in issues_of(o)


def test_outside_clock_in_outside_the_window_is_not(agency_schema, office):
    o = agency_schema.officer_1
    services.create_movement(o, values(start_time=time(14, 0), end_time=time(16, 0)), now=EARLY)
    attendance.clock(o, "in", position=OUTSIDE, now=at(MON, "08:30"))
    assert "luar_kawasan" in day_of(o).codes
    assert issues_of(o) == {"luar_kawasan": "open"}


def test_a_whole_day_movement_excuses_the_day_but_owes_the_same(agency_schema, office):
    o = agency_schema.officer_1
    services.create_movement(
        o, values(whole_day=True, start_time=None, end_time=None, kind="duty_out_station"), now=EARLY
    )
    attendance.clock(o, "in", position=OUTSIDE, now=at(MON, "09:20"))
    attendance.clock(o, "out", position=OUTSIDE, now=at(MON, "18:05"))
    record = day_of(o)
    assert "luar_kawasan" not in record.codes
    assert "lewat" in record.codes, "a movement excuses the place, not the hours (Arrangements do that)"


def test_registering_or_cancelling_later_recomputes_the_day(agency_schema, office):
    o = agency_schema.officer_1
    attendance.clock(o, "in", position=OUTSIDE, now=at(MON, "08:30"))
    assert issues_of(o) == {"luar_kawasan": "open"}
    m = services.create_movement(o, values(), now=at(MON, "08:45"))
    assert issues_of(o) == {"luar_kawasan": "withdrawn"}
    services.cancel_movement(
        m, by=officer_actor(agency_schema), reason="Tersilap daftar", now=at(MON, "09:00")
    )
    assert issues_of(o) == {"luar_kawasan": "open"}
    assert "luar_kawasan" in day_of(o).codes


def test_time_out_excuses_only_once_approved(agency_schema, office):
    c = agency_schema
    o = c.officer_1
    m = services.create_movement(
        o, values(kind="time_out", start_time=time(10, 0), end_time=time(12, 0)), now=EARLY
    )
    attendance.clock(o, "in", position=INSIDE, now=at(MON, "08:00"))
    attendance.clock(o, "out", position=OUTSIDE, now=at(MON, "11:00"))
    assert issues_of(o).get("luar_kawasan") == "open", "pending: not excused yet"
    services.decide_time_out(m, by=c.supervisor_1, approve=True)
    assert issues_of(o).get("luar_kawasan") == "withdrawn"
    assert "luar_kawasan" not in day_of(o).codes


def test_a_rejected_time_out_excuses_nothing(agency_schema, office):
    c = agency_schema
    m = services.create_movement(
        c.officer_1, values(kind="time_out", start_time=time(10, 0), end_time=time(12, 0)), now=EARLY
    )
    services.decide_time_out(m, by=c.supervisor_1, approve=False, comment="Tiada keperluan")
    attendance.clock(c.officer_1, "in", position=OUTSIDE, now=at(MON, "10:30"))
    assert "luar_kawasan" in day_of(c.officer_1).codes


# --- the supervisor is told -----------------------------------------------------------------------

MSGID = "%(name)s has registered a new movement - %(place)s"


def _malay_translated() -> bool:
    with translation.override("ms"):
        return translation.gettext(MSGID) != MSGID


def test_the_supervisor_is_notified_with_a_link_to_the_day(agency_schema, django_capture_on_commit_callbacks):
    c = agency_schema
    user = c.supervisor_1.user
    user.preferred_language = "en"
    user.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.create_movement(c.officer_1, values(), now=EARLY)
    [note] = Notification.objects.filter(recipient=user)
    assert note.kind == "movement_new"
    assert note.message == "Pegawai Satu has registered a new movement - Kompleks JPA Putrajaya"
    assert note.url == "/movements/team/?date=2025-11-17"
    assert not Notification.objects.filter(recipient=c.supervisor_2.user).exists()


# TRANSLATION CHECK: this is the one assertion on Malay text. It is an expected failure until the ms
# catalogue has "%(name)s telah memasukkan pergerakan baru - %(place)s" for MSGID; once it does, the
# condition is false and the test runs (and must pass).
@pytest.mark.xfail(
    condition=not _malay_translated(), reason="ms translation of MSGID not added yet", strict=True
)
def test_the_supervisor_is_notified_in_malay(agency_schema):
    c = agency_schema
    services.create_movement(c.officer_1, values(), now=EARLY)
    [note] = Notification.objects.filter(recipient=c.supervisor_1.user)
    assert note.message == "Pegawai Satu telah memasukkan pergerakan baru - Kompleks JPA Putrajaya"
