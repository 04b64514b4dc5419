"""Calendar facts for an officer's day: state weekend and holidays, the agency's overrides, the
officer's pattern, leave, arrangements and movements. One query per kind of fact, whatever the
history."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from tenant_apps.organisation.models import AgencyProfile

from . import rules
from .models import Arrangement, HolidayOverride, Leave, OfficerPattern, Policy, WorkingPattern


@lru_cache(maxsize=512)
def state_holidays(state: str, year: int) -> dict[date, str]:
    """Public holidays of a state in Malay (the `holidays` package, the baseline)."""
    return dict(holidays.Malaysia(subdiv=state, years=year, language="ms_MY"))


def month_start(day: date) -> date:
    return day.replace(day=1)


def policy_for(day: date) -> Policy | None:
    return Policy.objects.select_related("default_pattern").filter(effective_from__lte=day).first()


def holiday_name(state: str, day: date) -> str | None:
    return holiday_from(state, day, HolidayOverride.objects.filter(date=day).first())


def holiday_from(state: str, day: date, override: HolidayOverride | None) -> str | None:
    """The day's public holiday: the agency's override if any, else the state's calendar."""
    if override is not None:
        return override.name if override.action == HolidayOverride.Action.ADD else None
    return state_holidays(state, day.year).get(day)


def pattern_for(officer, day: date, policy: Policy | None) -> rules.Pattern:
    own = (
        OfficerPattern.objects.select_related("pattern")
        .filter(officer=officer, month=month_start(day))
        .first()
    )
    if own is not None:
        return own.pattern.as_rule()
    if policy is not None:
        return policy.default_pattern.as_rule()
    return rules.WBF


def weekend(state: str, day: date, policy: Policy | None) -> frozenset[int]:
    if policy is not None and policy.weekend_days:
        return frozenset(policy.weekend_days)
    return rules.weekend_for(state, day)


def facts_for(
    officer,
    day: date,
    *,
    profile: AgencyProfile | None = None,
    policy: Policy | None = None,
    pattern: rules.Pattern | None = None,
) -> rules.DayFacts:
    """The day's facts. A caller that already holds the day's policy and pattern passes them in."""
    profile = profile or AgencyProfile.current()
    state = profile.state
    policy = policy if policy is not None else policy_for(day)
    leave = Leave.objects.filter(officer=officer, start_date__lte=day, end_date__gte=day).first()
    arrangements = list(Arrangement.objects.filter(officer=officer, start_date__lte=day, end_date__gte=day))
    return build_facts(
        day,
        state,
        policy,
        pattern if pattern is not None else pattern_for(officer, day, policy),
        holiday_name(state, day),
        leave,
        arrangements,
        excused_windows=movement_windows(officer, day, ZoneInfo(profile.timezone)),
        **location_rules(profile),
    )


def facts_from(snapshot, config) -> rules.DayFacts:
    """The day's facts from a `snapshot.DaySnapshot` and the cached `agency_config.AgencyConfig`:
    no query at all (the clock-in path)."""
    day, profile = snapshot.day, config.profile
    policy = config.policy_for(day)
    if snapshot.own_pattern is not None:
        pattern = snapshot.own_pattern.as_rule()
    elif policy is not None:
        pattern = policy.default_pattern.as_rule()
    else:
        pattern = rules.WBF
    tz = ZoneInfo(profile.timezone)
    return build_facts(
        day,
        profile.state,
        policy,
        pattern,
        holiday_from(profile.state, day, config.overrides.get(day)),
        snapshot.leave,
        snapshot.arrangements,
        excused_windows=sorted(m.window(tz) for m in snapshot.movements if m.excuses),
        **location_rules(profile),
    )


def movement_windows(officer, day: date, tz: ZoneInfo) -> list[tuple]:
    """The windows of the officer's movements that excuse clocking outside the office on `day`
    (active; time out of office only once approved). One query. Movements excuse the location only:
    what the day owes is unchanged (whole-day duty or courses that free the day are Arrangements)."""
    from tenant_apps.movements.models import Movement

    movements = Movement.objects.filter(officer=officer, date=day, status=Movement.Status.ACTIVE)
    return sorted(m.window(tz) for m in movements if m.excuses)


def location_rules(profile: AgencyProfile | None) -> dict:
    """The agency's location settings as day facts: whether location is checked at all, and what a
    punch without a location counts as."""
    from tenant_apps.organisation.models import GeofenceMode

    if profile is None:
        return {}
    return {
        "check_location": profile.geofence_mode != GeofenceMode.OFF,
        "no_location": rules.NoLocation(profile.no_location_mode),
    }


def build_facts(
    day,
    state,
    policy,
    pattern,
    holiday,
    leave,
    arrangements,
    excused_windows=(),
    check_location: bool = True,
    no_location: rules.NoLocation = rules.NoLocation.OUTSIDE,
) -> rules.DayFacts:
    kinds = {a.kind: a for a in arrangements}
    duty = duty_half = None
    if Arrangement.Kind.DUTY in kinds and kinds[Arrangement.Kind.DUTY].half == rules.Half.FULL:
        duty = rules.Code.TUGAS_RASMI
    elif Arrangement.Kind.COURSE in kinds and kinds[Arrangement.Kind.COURSE].half == rules.Half.FULL:
        duty = rules.Code.KURSUS
    else:
        # A half day of duty or course frees the location for that half (rules.location_excused).
        halves = [kinds[k].half for k in (Arrangement.Kind.DUTY, Arrangement.Kind.COURSE) if k in kinds]
        duty_half = rules.Half(halves[0]) if halves else None
    bdr = kinds.get(Arrangement.Kind.BDR)
    ramadan = bool(
        policy
        and policy.ramadan_start
        and policy.ramadan_end
        and policy.ramadan_start <= day <= policy.ramadan_end
    )
    return rules.DayFacts(
        day=day,
        state=state,
        pattern=pattern,
        weekend=weekend(state, day, policy),
        holiday=holiday,
        leave=rules.Half(leave.half) if leave else None,
        bdr=rules.Half(bdr.half) if bdr else None,
        duty=duty,
        pregnancy_early_leave=Arrangement.Kind.PREGNANCY in kinds,
        ramadan=ramadan,
        excused_windows=tuple(excused_windows),
        duty_half=duty_half,
        check_location=check_location,
        no_location=no_location,
    )


def default_patterns() -> list[WorkingPattern]:
    return list(WorkingPattern.objects.filter(is_active=True))


def days_between(start: date, end: date):
    for n in range((end - start).days + 1):
        yield start + timedelta(days=n)
