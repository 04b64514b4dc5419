"""Writes of the attendance engine. Each public function is one transaction: the write, the
recomputed day, the issues it raises or withdraws, and notifications after commit."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenant_apps.organisation.models import AgencyProfile, GeofenceMode

from . import agency_config, calendar, clock_write, geo, offline, rules, snapshot
from .models import (
    AttendanceDay,
    AttendanceIssue,
    ClockAdjustment,
    ClockEvent,
    IssueStatus,
    LocationStatus,
    OfficeSite,
    Policy,
    Source,
)
from .punches import (  # noqa: F401 (the rule's home; batch.py and tests import them from here)
    DEVICE_SOURCES,
    NO_LOCATION,
    day_punches,
    device_coverage,
    device_directions,
)

log = logging.getLogger(__name__)

# Issues raised while the day is still open (the officer can explain at once); the others wait for
# the nightly close.
RAISED_WHILE_OPEN = {rules.Code.LEWAT, rules.Code.PULANG_AWAL, rules.Code.LUAR_KAWASAN}


class ClockError(ValidationError):
    pass


@dataclass(frozen=True)
class Position:
    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    status: str = LocationStatus.OK

    @classmethod
    def missing(cls, status: str = LocationStatus.UNAVAILABLE) -> Position:
        return cls(status=status)


def agency_tz(profile: AgencyProfile) -> ZoneInfo:
    return ZoneInfo(profile.timezone)


def sites_for(officer, config: agency_config.AgencyConfig | None = None) -> list[OfficeSite]:
    """Active sites of the officer's unit and its parents, plus sites with no unit (everyone's)."""
    unit_ids = []
    if officer.org_unit_id:
        unit_ids = [int(x) for x in officer.org_unit.path.strip("/").split("/") if x]
    return (config or agency_config.current()).sites_for_units(unit_ids)


def clock(
    officer,
    direction: str,
    *,
    position: Position,
    source: str = Source.WEB,
    idempotency_key: str = "",
    user_agent: str = "",
    ip: str | None = None,
    client_time: datetime | None = None,
    now: datetime | None = None,
    profile: AgencyProfile | None = None,
    user=None,
    tap: offline.Tap | None = None,
    refuse_out_without_in: bool = False,
) -> ClockEvent:
    """Daftar Masuk / Daftar Keluar. Server time is authoritative (`client_time` is only kept), unless
    the phone's tap time comes resolved in `tap` (offline.py: a punch kept offline and sent later; it
    may land on an earlier, even closed, day, which is recomputed). A retried request with the same
    idempotency key returns the first event. Pages and the API pass the signed-in `user` instead of
    the officer (None): the officer profile is then read with the day, in the same statement; a user
    without one gets `PermissionDenied`. Pages and the API also refuse a clock-out without a clock-in
    on the day (`refuse_out_without_in`)."""
    if direction not in ("in", "out"):
        raise ClockError(_("Choose clock in or clock out."), code="direction")
    if tap is not None:
        now, client_time = tap.at, tap.tapped
    punch = dict(
        position=position, source=source, idempotency_key=idempotency_key, user_agent=user_agent, ip=ip,
        client_time=client_time, now=now or timezone.now(), profile=profile, user=user, tap=tap,
        refuse_out_without_in=refuse_out_without_in,
    )  # fmt: skip
    # A lost database connection (a restart, a failover) is retried once on a new one, when the
    # idempotency key makes that safe (a commit whose answer was lost is then answered as a replay)
    # and the punch is its own transaction.
    retry = bool(idempotency_key) and not transaction.get_connection().in_atomic_block
    try:
        return _clock_once(officer, direction, **punch)
    except (OperationalError, InterfaceError) as exc:
        if not retry:
            raise
        log.warning("clock-in retried on a new database connection after: %s", exc)
        transaction.get_connection().close()  # the broken connection leaves the pool
        time.sleep(RETRY_DELAY_SECONDS)
        return _clock_once(officer, direction, **punch)


RETRY_DELAY_SECONDS = 0.5


def _clock_once(
    officer, direction, *, position, source, idempotency_key, user_agent, ip, client_time, now, profile, user,
    tap, refuse_out_without_in,
) -> ClockEvent:  # fmt: skip
    config = agency_config.current()
    profile = profile or config.profile
    now = now.astimezone(agency_tz(profile))
    user_id = officer.user_id if officer is not None else user.pk
    # The officer-day's lock, the day's read and the write in one transaction (clock_write.py):
    # simultaneous punches of one officer-day are planned one after the other, never from the same
    # stale read.
    with transaction.atomic():
        clock_write.lock_day(user_id, now.date())
        return _clock_locked(
            officer, direction, position=position, source=source, idempotency_key=idempotency_key,
            user_agent=user_agent, ip=ip, client_time=client_time, now=now, profile=profile,
            config=config, user=user, user_id=user_id, tap=tap, refuse_out_without_in=refuse_out_without_in,
        )  # fmt: skip


def _clock_locked(
    officer, direction, *, position, source, idempotency_key, user_agent, ip, client_time, now, profile,
    config, user, user_id, tap=None, refuse_out_without_in=False,
) -> ClockEvent:  # fmt: skip
    # One read for the whole day (snapshot.py); a night shift's clock-out belongs to the previous
    # day, which is locked and read then.
    if officer is None:
        snap = snapshot.user_snapshot(user, now.date())
        officer = snap.officer
        if officer is None:
            raise PermissionDenied("no officer profile")
    else:
        snap = snapshot.day_snapshot(officer.pk, now.date())
    match = _locate(officer, position, profile, config)
    if profile.geofence_mode == GeofenceMode.BLOCK and not match.inside:
        raise ClockError(
            _("You are outside the office area; this agency does not allow clocking from there."),
            code="outside_blocked",
        )
    day = rules.attendance_date(now, calendar.facts_from(snap, config).pattern)
    if day != now.date():
        clock_write.lock_day(user_id, day)
        snap = snapshot.day_snapshot(officer.pk, day)
    facts = calendar.facts_from(snap, config)
    if direction == "out" and refuse_out_without_in and not _clocked_in(snap, idempotency_key):
        raise ClockError(
            _("You have not clocked in today, so you cannot clock out. Clock in first."),
            code="out_without_in",
        )
    event = ClockEvent(
        officer=officer,
        at=now,
        direction=direction,
        attendance_date=day,
        source=source,
        latitude=position.latitude,
        longitude=position.longitude,
        accuracy_m=int(position.accuracy_m) if position.accuracy_m is not None else None,
        location_status=position.status,
        site=match.site,
        inside=match.inside_or_none,
        distance_m=match.distance_m,
        client_time=client_time,
        phone_sent_at=tap.sent if tap else None,
        clock_skew_seconds=tap.skew_seconds if tap else None,
        user_agent=user_agent[:300],
        ip_address=ip,
        idempotency_key=idempotency_key,
    )
    # Device data takes priority direction by direction: an app punch the device already has is
    # kept, marked, and does not count (day_punches).
    event.overridden_by_device = event.direction in device_coverage(snap.events, snap.adjustments)
    snap.events.append(event)
    plan = plan_day(officer, snap, facts, agency_tz(profile))
    tell_supervisor = rules.Code.LUAR_KAWASAN in _location_codes(event, facts)
    if not clock_write.insert(event, plan.record, plan.new_issues):
        # A retried request (same idempotency key): answered with the first event.
        first = ClockEvent.objects.get(officer=officer, idempotency_key=idempotency_key)
        first.replayed = True
        return first
    save_issues([], plan.changed_issues)
    if tell_supervisor:
        _tell_supervisor_outside(officer, event)
    return event


def _location_codes(event: ClockEvent, facts: rules.DayFacts) -> tuple[rules.Code, ...]:
    """What the punch's position makes of the day, by the same rule as the day's record
    (rules.location_codes): the supervisor is told exactly when the day gets luar kawasan for it
    — never for a BDR officer at home, on official duty or a course, or during a movement."""
    punch = rules.Punch(
        event.at,
        event.direction,
        event.inside,
        located=event.location_status not in NO_LOCATION,
    )
    return rules.location_codes(facts, punch)


def _clocked_in(snap: snapshot.DaySnapshot, idempotency_key: str) -> bool:
    """The day has a clock-in that counts (or a device punch, or a clock-in added by a correction);
    a replayed clock-out (its key already used) is answered as before, not refused."""
    voided = {a.event_id for a in snap.adjustments if a.kind == ClockAdjustment.Kind.VOID}
    return (
        any(e.direction in ("in", "punch") and e.pk not in voided for e in snap.events)
        or any(a.kind == ClockAdjustment.Kind.ADD and a.direction == "in" for a in snap.adjustments)
        or bool(idempotency_key)
        and any(e.idempotency_key == idempotency_key for e in snap.events)
    )


def _tell_supervisor_outside(officer, event: ClockEvent) -> None:
    """ "X telah mendaftar masuk dari luar kawasan pejabat" — to the officer's supervisor."""
    from django.utils.translation import gettext_lazy

    from tenant_apps.notifications.models import Kind
    from tenant_apps.notifications.services import notify

    if officer.supervisor_id is None:
        return
    supervisor = type(officer).objects.select_related("user").get(pk=officer.supervisor_id)
    if event.location_status in NO_LOCATION:
        message = (
            gettext_lazy("%(name)s clocked in without a location")
            if event.direction == "in"
            else gettext_lazy("%(name)s clocked out without a location")
        )
    else:
        message = (
            gettext_lazy("%(name)s clocked in from outside the office area")
            if event.direction == "in"
            else gettext_lazy("%(name)s clocked out from outside the office area")
        )
    notify(
        supervisor.user,
        Kind.CLOCK_OUTSIDE,
        message,
        url=f"/attendance/month/?officer={officer.pk}",
        name=officer.user.get_full_name(),
    )


@dataclass(frozen=True)
class _Located:
    site: OfficeSite | None
    inside: bool
    inside_or_none: bool | None
    distance_m: int | None


def _locate(officer, position: Position, profile: AgencyProfile, config) -> _Located:
    """Where the punch was, against the officer's office sites. With the location check "off" the
    position is kept but not judged (inside unknown); the day's facts say location is not checked,
    so such a punch is labelled neither "tiada lokasi" nor "luar kawasan"."""
    if profile.geofence_mode == GeofenceMode.OFF:
        return _Located(None, True, None, None)
    if position.latitude is None or position.longitude is None:
        return _Located(None, False, None, None)
    sites = sites_for(officer, config)
    match = geo.match_site(position.latitude, position.longitude, position.accuracy_m, sites)
    return _Located(match.site, match.inside, match.inside, match.distance_m)


def _punches(officer, day: date, tz: ZoneInfo) -> list[rules.Punch]:
    """The day's punches in the agency's time zone (the rules compare them with local times)."""
    return day_punches(
        ClockEvent.objects.filter(officer=officer, attendance_date=day),
        ClockAdjustment.objects.filter(officer=officer, attendance_date=day),
        tz,
    )


@dataclass
class DayPlan:
    """What a recompute writes: the day's record (new, or the existing one with its new values),
    the issues to raise and the existing issues whose status changes."""

    record: AttendanceDay
    new_issues: list[AttendanceIssue]
    changed_issues: list[AttendanceIssue]
    result: rules.DayResult


def plan_day(
    officer, snap: snapshot.DaySnapshot, facts: rules.DayFacts, tz: ZoneInfo, closed=None
) -> DayPlan:
    """The recompute of one officer-day, without writing anything (pure apart from the objects it
    fills in): both the single-day write below and the clock-in's one-statement write use it."""
    record = snap.record
    if closed is None:
        closed = record.closed if record else False
    result = rules.evaluate(facts, day_punches(snap.events, snap.adjustments, tz), closed=closed)
    values = {
        "pattern_code": facts.pattern.code,
        "working_day": result.working_day,
        "first_in": result.first_in,
        "last_out": result.last_out,
        "expected_out": result.expected_out,
        "worked_minutes": result.worked_minutes,
        "late_minutes": result.late_minutes,
        "early_minutes": result.early_minutes,
        "codes": [str(c) for c in result.codes],
        "primary": str(result.primary),
        "closed": closed,
    }
    if record is None:
        record = AttendanceDay(officer=officer, date=snap.day)
    for k, v in values.items():
        setattr(record, k, v)
    new, changed = issue_changes(officer, snap.day, result, closed=closed, existing=snap.issues)
    return DayPlan(record, new, changed, result)


def recompute_day(
    officer,
    day: date,
    *,
    closed: bool | None = None,
    profile: AgencyProfile | None = None,
    facts: rules.DayFacts | None = None,
    snap: snapshot.DaySnapshot | None = None,
) -> AttendanceDay:
    """Recompute one officer-day from its events and facts, and sync its issues. Cost is constant:
    one read of the day (snapshot.py), one write of the record, and the issues that change."""
    config = agency_config.current()
    profile = profile or config.profile
    if snap is None:
        if transaction.get_connection().in_atomic_block:
            # Serialised with the officer-day's punches (clock_write.lock_day) until commit.
            clock_write.lock_day(officer.user_id, day)
        snap = snapshot.day_snapshot(officer.pk, day)
    facts = facts or calendar.facts_from(snap, config)
    plan = plan_day(officer, snap, facts, agency_tz(profile), closed)
    record = plan.record
    if record.pk is None:
        # An upsert: two first punches of the same day racing each other both succeed.
        (record,) = AttendanceDay.objects.bulk_create(
            [record],
            update_conflicts=True,
            unique_fields=["officer", "date"],
            update_fields=[*DAY_VALUES, "updated_at"],
        )
    else:
        record.save()
    save_issues(plan.new_issues, plan.changed_issues)
    return record


DAY_VALUES = (
    "pattern_code", "working_day", "first_in", "last_out", "expected_out", "worked_minutes",
    "late_minutes", "early_minutes", "codes", "primary", "closed",
)  # fmt: skip


def issue_changes(
    officer, day: date, result: rules.DayResult, *, closed: bool, existing
) -> tuple[list[AttendanceIssue], list[AttendanceIssue]]:
    """(issues to raise, existing issues whose status changes) for one officer-day."""
    codes, changed = issue_plan(result, closed=closed, existing={i.code: i for i in existing})
    return [AttendanceIssue(officer=officer, date=day, code=code) for code in codes], changed


def issue_plan(result: rules.DayResult, *, closed: bool, existing: dict) -> tuple[list[str], list]:
    """(codes to raise, existing issues whose status it changes — changed in place): an issue for
    each non-compliance of the day (those of an open day only if raised while open); those that no
    longer apply are withdrawn, and come back if they apply again. Pure: the single-day and the
    bulk recompute (batch.py) share it."""
    wanted = {str(c) for c in result.non_compliances if closed or c in RAISED_WHILE_OPEN}
    changed = []
    for code, issue in existing.items():
        if code in wanted and issue.status == IssueStatus.WITHDRAWN:
            issue.status = IssueStatus.ANSWERED if issue.reason else IssueStatus.OPEN
            changed.append(issue)
        elif code not in wanted and issue.status in (IssueStatus.OPEN, IssueStatus.ANSWERED):
            issue.status = IssueStatus.WITHDRAWN
            changed.append(issue)
    return sorted(wanted - existing.keys()), changed


def save_issues(new: list[AttendanceIssue], changed: list[AttendanceIssue]) -> None:
    if new:
        AttendanceIssue.objects.bulk_create(new)
    for issue in changed:
        issue.save(update_fields=["status"])


def sync_issues(officer, day: date, result: rules.DayResult, *, closed: bool) -> None:
    """Raise an issue for each non-compliance of the day; withdraw those that no longer apply."""
    existing = AttendanceIssue.objects.filter(officer=officer, date=day)
    save_issues(*issue_changes(officer, day, result, closed=closed, existing=existing))


def close_day(day: date) -> int:
    """The nightly close for every active officer of the agency (idempotent): absent and incomplete
    days become final and their issues are raised."""
    from tenant_apps.people.models import Officer

    profile = AgencyProfile.current()
    count = 0
    officers = Officer.objects.filter(user__is_active=True).select_related("org_unit")
    for officer in officers.iterator(chunk_size=500):
        if officer.join_date and officer.join_date > day or officer.leave_date and officer.leave_date < day:
            continue
        with transaction.atomic():
            recompute_day(officer, day, closed=True, profile=profile)
        count += 1
    from .signals import day_closed  # followers: opendata's day.closed webhook

    day_closed.send(sender=AttendanceDay, day=day, officers=count)
    return count


def today_for(officer, profile: AgencyProfile | None = None) -> tuple[date, AttendanceDay | None]:
    profile = profile or AgencyProfile.current()
    now = timezone.now().astimezone(agency_tz(profile))
    pattern = calendar.pattern_for(officer, now.date(), calendar.policy_for(now.date()))
    day = rules.attendance_date(now, pattern)
    return day, AttendanceDay.objects.filter(officer=officer, date=day).first()


# The issue workflow, colour cards and corrections live in their own modules; their functions stay
# importable from here, where callers have always found them.
from .colour_cards import compute_colour_cards, next_colour  # noqa: E402
from .corrections import adjust  # noqa: E402
from .issues import answer_issue, decide_issue, expire_undecided  # noqa: E402

__all__ = [
    "Policy",
    "clock",
    "recompute_day",
    "close_day",
    "answer_issue",
    "decide_issue",
    "compute_colour_cards",
    "next_colour",
    "expire_undecided",
    "adjust",
    "today_for",
    "Position",
    "ClockError",
    "Source",
]
