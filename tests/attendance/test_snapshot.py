"""The one-query day snapshot gives the same objects as the plain ORM reads it replaces, and the
cached agency configuration follows every change of what it caches."""

from __future__ import annotations

from datetime import date, time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tenant_apps.attendance import agency_config, services
from tenant_apps.attendance.models import (
    Arrangement,
    AttendanceIssue,
    ClockAdjustment,
    ClockEvent,
    HolidayOverride,
    Leave,
    OfficerPattern,
    OfficeSite,
    Policy,
    WorkingPattern,
)
from tenant_apps.attendance.snapshot import day_snapshot, user_snapshot
from tenant_apps.movements.models import Movement
from tenant_apps.people.models import Officer
from tests.fixtures.attendance import INSIDE, OFFICE, at

MON = date(2025, 11, 17)


def fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def same(a, b):
    left, right = fields(a), fields(b)
    for name in ("latitude", "longitude"):  # decimals: equal in value, not necessarily in digits
        if left.get(name) is not None:
            assert left.pop(name) == right.pop(name)
    assert left == right


@pytest.fixture
def busy_day(cast, office):
    """officer_1's Monday with a bit of everything the recompute reads."""
    with schema_context(cast.agency.schema_name):
        o = cast.officer_1
        OfficerPattern.objects.create(
            officer=o, month=MON.replace(day=1), pattern=WorkingPattern.objects.get(code="WP1")
        )
        services.clock(o, "in", position=INSIDE, now=at(MON, "08:40"), idempotency_key="a")
        services.clock(o, "out", position=INSIDE, now=at(MON, "12:00"))
        first = ClockEvent.objects.filter(officer=o).first()
        ClockAdjustment.objects.create(
            officer=o, attendance_date=MON, kind="void", event=first, reason="x", created_by=cast.admin.user
        )
        Leave.objects.create(officer=o, start_date=MON, end_date=MON, half="pm")
        Leave.objects.create(officer=o, start_date=MON - date.resolution, end_date=MON, half="am")
        Arrangement.objects.create(officer=o, kind="bdr", start_date=MON, end_date=MON, half="full")
        Movement.objects.create(
            officer=o,
            date=MON,
            kind="meeting",
            place="MAMPU",
            purpose="x",
            start_time=time(9),
            end_time=time(11),
            latitude=OFFICE[0],
            longitude=OFFICE[1],
        )
        Movement.objects.create(
            officer=o, date=MON, kind="meeting", place="JPA", purpose="x", whole_day=True, status="cancelled"
        )
        return o


def test_snapshot_equals_the_orm_reads(cast, busy_day):
    o = busy_day
    with schema_context(cast.agency.schema_name):
        with CaptureQueriesContext(connection) as ctx:
            snap = day_snapshot(o.pk, MON)
        assert len([q for q in ctx.captured_queries if not q["sql"].startswith("SET ")]) == 1
        orm = {
            "events": list(ClockEvent.objects.filter(officer=o, attendance_date=MON)),
            "adjustments": list(
                ClockAdjustment.objects.filter(officer=o, attendance_date=MON).order_by("pk")
            ),
            "issues": list(AttendanceIssue.objects.filter(officer=o, date=MON).order_by("pk")),
            "arrangements": list(
                Arrangement.objects.filter(officer=o, start_date__lte=MON, end_date__gte=MON)
            ),
            "movements": list(Movement.objects.filter(officer=o, date=MON, status="active").order_by("pk")),
        }
        assert orm["events"] and orm["issues"] and orm["movements"]  # the fixture is not empty
        for name, objects in orm.items():
            got = getattr(snap, name)
            assert len(got) == len(objects), name
            for a, b in zip(got, objects, strict=True):
                same(a, b)
        same(snap.record, o.days.get(date=MON))
        same(snap.leave, Leave.objects.filter(officer=o, start_date__lte=MON, end_date__gte=MON).first())
        assert snap.own_pattern.code == "WP1"
        assert day_snapshot(o.pk, MON.replace(day=2)).record is None  # another day: nothing of this one


def test_user_snapshot_reads_the_officer_with_the_day(cast, busy_day):
    """The clock-in starts from the signed-in user: the officer and their org unit come in the same
    statement as the day, and the day is the one `day_snapshot` reads by officer id."""
    from django.contrib.auth import get_user_model

    o = busy_day
    with schema_context(cast.agency.schema_name):
        user = get_user_model().objects.get(pk=o.user_id)
        with CaptureQueriesContext(connection) as ctx:
            snap = user_snapshot(user, MON)
            assert snap.officer.org_unit.path  # no query of its own
            assert snap.officer.user is user
        assert len([q for q in ctx.captured_queries if not q["sql"].startswith("SET ")]) == 1
        same(snap.officer, Officer.objects.get(pk=o.pk))
        same(snap.officer.org_unit, cast.sub_unit)
        assert snap.officer_id == o.pk
        by_id = day_snapshot(o.pk, MON)
        for name in ("events", "adjustments", "issues", "arrangements", "movements"):
            got, expected = getattr(snap, name), getattr(by_id, name)
            assert len(got) == len(expected) > 0, name
            for a, b in zip(got, expected, strict=True):
                same(a, b)
        same(snap.record, by_id.record)
        same(snap.leave, by_id.leave)
        assert snap.own_pattern.code == by_id.own_pattern.code == "WP1"
        # Another officer's day is not mixed in; a user without an officer profile reads nothing.
        other = user_snapshot(get_user_model().objects.get(pk=cast.officer_2.user_id), MON)
        assert other.officer.pk == cast.officer_2.pk and not other.events and other.record is None
        plain = get_user_model().objects.create_user(username="tanpa-profil", password="Kata-Laluan-1")
        empty = user_snapshot(plain, MON)
        assert empty.officer is None and empty.record is None and not empty.events


def test_cached_configuration_follows_changes(cast, office):
    with schema_context(cast.agency.schema_name):
        first = agency_config.current()
        assert [s.pk for s, _ in first.sites] == [office.pk]
        with CaptureQueriesContext(connection) as ctx:
            assert agency_config.current() is first  # this process's copy, while the version holds
        assert not [q for q in ctx.captured_queries if not q["sql"].startswith("SET ")]  # from the cache
        # Another process changed the configuration: the shared version token is gone, so this
        # process loads it again instead of trusting its copy.
        cache.delete(agency_config.KEY)
        assert agency_config.current() is not first
        far = OfficeSite.objects.create(name="Cawangan", latitude=3.1, longitude=101.6, radius_m=100)
        far.org_units.add(cast.sub_unit)
        HolidayOverride.objects.create(date=MON, name="Cuti Peristiwa")
        Policy.objects.create(effective_from=MON, default_pattern=WorkingPattern.objects.get(code="WP2"))
        config = agency_config.current()
        assert {s.pk: units for s, units in config.sites}[far.pk] == {cast.sub_unit.pk}
        assert config.overrides[MON].name == "Cuti Peristiwa"
        assert config.policy_for(MON).default_pattern.code == "WP2"
        assert config.policy_for(MON - date.resolution).effective_from < MON
        # The site belongs to the sub-unit only: its officers see it, others do not.
        assert far in config.sites_for_units([cast.unit.pk, cast.sub_unit.pk])
        assert far not in config.sites_for_units([cast.unit.pk])
        office.is_active = False
        office.save()
        assert office.pk not in [s.pk for s, _ in agency_config.current().sites]
