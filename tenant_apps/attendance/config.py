"""Pengurusan Waktu Kerja: an agency's attendance configuration and the writes that change it.

Office locations, working patterns, policy versions, holiday overrides, leave, arrangements, each
officer's pattern per month and the officers' pattern requests. Every public write validates,
writes, recomputes the attendance days that already exist for what it changed, and queues its
notifications (after commit), in one transaction; django-auditlog records each row's before → after.

The `check_*` functions hold the rules, so a page's form and the API refuse the same input with the
same message. They raise `ValidationError` keyed by the model's field names.

History is not rewritten: a policy version or a standard pattern that has governed a day is
read-only; a custom pattern's times are locked once it has; an officer's month pattern is set for
the current month or later.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spotme.malaysia import check_in_malaysia
from tenant_apps.notifications.models import Kind
from tenant_apps.notifications.services import notify
from tenant_apps.organisation.models import AgencyProfile

from . import calendar, rules, services
from .models import (
    Arrangement,
    AttendanceDay,
    HolidayOverride,
    Leave,
    OfficerPattern,
    OfficeSite,
    PatternRequest,
    Policy,
    WorkingPattern,
)

# Above this many existing records, a change's recompute runs in a task after commit instead of
# inside the request (a holiday for a 10,000-officer agency touches 10,000 records).
RECOMPUTE_INLINE_LIMIT = 300
STANDARD_CODES = frozenset(rules.STANDARD_PATTERNS)
PATTERN_RULE_FIELDS = (
    "code",
    "kind",
    "start",
    "latest_start",
    "duration_minutes",
    "short_day_minutes",
    "late_grace_minutes",
)
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,15}$")
MIN_DAY_MINUTES, MAX_DAY_MINUTES = 4 * 60, 16 * 60
MAX_GRACE_MINUTES = 60
MAX_COLOUR_THRESHOLD = 50
MAX_RANGE_DAYS = 366
MAX_PREGNANCY_DAYS = 20 * 7  # week 22 until maternity leave, with room for a late birth
FAR_FUTURE = date(9999, 12, 31)


# --- dates ----------------------------------------------------------------------------------------


def agency_today(profile: AgencyProfile | None = None) -> date:
    profile = profile or AgencyProfile.current()
    return timezone.now().astimezone(services.agency_tz(profile)).date()


def add_months(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 + n
    return date(index // 12, index % 12 + 1, 1)


def month_end(month: date) -> date:
    return add_months(month, 1) - timedelta(days=1)


# --- recomputing what a change touches -----------------------------------------------------------


def recompute_existing(start: date, end: date, *, officer=None, profile: AgencyProfile | None = None) -> int:
    """Recompute the attendance records that already exist between `start` and `end` (of one
    officer, or of everyone). Days without a record are computed when they happen; a closed day
    stays closed. Large batches go to a task after commit. Returns the number of records."""
    records = AttendanceDay.objects.filter(date__range=(start, end))
    if officer is not None:
        records = records.filter(officer=officer)
    count = records.count()
    if count > RECOMPUTE_INLINE_LIMIT:
        from . import tasks

        officer_id = officer.pk if officer is not None else None
        transaction.on_commit(
            lambda: tasks.recompute_days.delay(start.isoformat(), end.isoformat(), officer_id)
        )
    elif count:
        profile = profile or AgencyProfile.current()
        for record in records.select_related("officer__org_unit").order_by("date", "officer_id"):
            services.recompute_day(record.officer, record.date, profile=profile)
    return count


def recompute_existing_now(start: date, end: date, officer_id: int | None = None) -> int:
    """The task's side of `recompute_existing`: every record, one short transaction each."""
    profile = AgencyProfile.current()
    records = AttendanceDay.objects.filter(date__range=(start, end))
    if officer_id is not None:
        records = records.filter(officer_id=officer_id)
    n = 0
    for record in records.select_related("officer__org_unit").order_by("date", "officer_id").iterator(2000):
        with transaction.atomic():
            services.recompute_day(record.officer, record.date, profile=profile)
        n += 1
    return n


# --- office locations -----------------------------------------------------------------------------


def check_site(site: OfficeSite) -> None:
    errors = {}
    name = (site.name or "").strip()
    if not name:
        errors["name"] = ValidationError(_("Give the office location a name."), code="required")
    elif (
        site.is_active
        and OfficeSite.objects.filter(is_active=True, name__iexact=name).exclude(pk=site.pk).exists()
    ):
        errors["name"] = ValidationError(
            _("An active office location with this name already exists."), code="duplicate"
        )
    try:
        check_in_malaysia(site.latitude, site.longitude)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    if errors:
        raise ValidationError(errors)


def save_site(site: OfficeSite, org_units=()) -> OfficeSite:
    """Create or change an office location. Clock-ins already made keep the match they got."""
    site.name = (site.name or "").strip()
    site.full_clean()
    check_site(site)
    with transaction.atomic():
        site.save()
        site.org_units.set(list(org_units))
    return site


def set_site_active(site: OfficeSite, active: bool) -> OfficeSite:
    site.is_active = active
    if active:
        check_site(site)
    with transaction.atomic():
        site.save(update_fields=["is_active"])
    return site


# --- working patterns -----------------------------------------------------------------------------


def _minutes_of(t: time) -> int:
    return t.hour * 60 + t.minute


def pattern_in_use(pattern: WorkingPattern, *, today: date | None = None) -> bool:
    """Has the pattern governed a day already (an officer's month or a policy version in force)?"""
    if pattern.pk is None:
        return False
    today = today or agency_today()
    return (
        OfficerPattern.objects.filter(pattern=pattern, month__lte=today).exists()
        or Policy.objects.filter(default_pattern=pattern, effective_from__lte=today).exists()
    )


def _default_in_force(pattern: WorkingPattern, today: date) -> bool:
    current = calendar.policy_for(today)
    return (
        Policy.objects.filter(default_pattern=pattern)
        .filter(Q(effective_from__gt=today) | Q(pk=current.pk if current else None))
        .exists()
    )


def check_pattern(pattern: WorkingPattern, *, today: date | None = None) -> None:
    today = today or agency_today()
    original = WorkingPattern.objects.filter(pk=pattern.pk).first() if pattern.pk else None
    if original is not None and original.code in STANDARD_CODES:
        raise ValidationError(
            _("The standard patterns (WBF, WP1–WP4) follow the federal rules and cannot be changed."),
            code="standard",
        )
    errors: dict[str, ValidationError] = {}
    code = pattern.code or ""
    if not CODE_RE.match(code):
        errors["code"] = ValidationError(
            _("Use 1–16 capital letters, digits, dashes or underscores, e.g. SHIFT-M."), code="format"
        )
    elif code in STANDARD_CODES and original is None:
        errors["code"] = ValidationError(_("This code belongs to a standard pattern."), code="reserved")
    if original is not None and pattern_in_use(original, today=today):
        changed = [f for f in PATTERN_RULE_FIELDS if getattr(original, f) != getattr(pattern, f)]
        if changed:
            raise ValidationError(
                _(
                    "This pattern already governs attendance days, so its code and times cannot change "
                    "(that would rewrite history). Create a new pattern instead."
                ),
                code="in_use",
            )
    if pattern.start is None or pattern.duration_minutes is None:
        if errors:
            raise ValidationError(errors)
        return
    length = pattern.duration_minutes
    if not MIN_DAY_MINUTES <= length <= MAX_DAY_MINUTES:
        errors["duration_minutes"] = ValidationError(
            _("A working day is between 4 and 16 hours long (240–960 minutes), rest included."),
            code="length",
        )
    kind = pattern.kind
    if kind == rules.PatternKind.FLEXI:
        if pattern.latest_start is None:
            errors["latest_start"] = ValidationError(
                _("A flexible pattern needs the latest start (after it, the officer is late)."),
                code="required",
            )
        elif pattern.latest_start <= pattern.start:
            errors["latest_start"] = ValidationError(
                _("The latest start must be after the earliest start."), code="order"
            )
        elif _minutes_of(pattern.latest_start) + length > 24 * 60 and "duration_minutes" not in errors:
            errors["duration_minutes"] = ValidationError(
                _("A flexible day must end by midnight; use a shift pattern for work across midnight."),
                code="midnight",
            )
    elif kind in (rules.PatternKind.FIXED, rules.PatternKind.SHIFT):
        if pattern.latest_start is not None:
            errors["latest_start"] = ValidationError(
                _("Only flexible patterns have a latest start; leave it empty."), code="not_flexi"
            )
        if (
            kind == rules.PatternKind.FIXED
            and _minutes_of(pattern.start) + length > 24 * 60
            and "duration_minutes" not in errors
        ):
            errors["duration_minutes"] = ValidationError(
                _("A fixed day must end by midnight; use a shift pattern for work across midnight."),
                code="midnight",
            )
    if pattern.short_day_minutes is not None and not (MIN_DAY_MINUTES <= pattern.short_day_minutes < length):
        errors["short_day_minutes"] = ValidationError(
            _("The Thursday length is at least 4 hours and shorter than the normal day."), code="length"
        )
    if (pattern.late_grace_minutes or 0) > MAX_GRACE_MINUTES:
        errors["late_grace_minutes"] = ValidationError(
            _("The grace period is at most 60 minutes."), code="grace"
        )
    if (
        original is not None
        and original.is_active
        and not pattern.is_active
        and _default_in_force(original, today)
    ):
        errors["is_active"] = ValidationError(
            _(
                "This pattern is the default of the policy in force or of a future version; "
                "choose another default first."
            ),
            code="default",
        )
    if errors:
        raise ValidationError(errors)


def save_pattern(pattern: WorkingPattern) -> WorkingPattern:
    pattern.code = (pattern.code or "").strip().upper()
    pattern.name = (pattern.name or "").strip()
    check_pattern(pattern)
    pattern.full_clean()
    with transaction.atomic():
        pattern.save()
    return pattern


def active_patterns():
    return WorkingPattern.objects.filter(is_active=True).order_by("code")


# --- policy versions ------------------------------------------------------------------------------


def policy_editable(policy: Policy, *, today: date | None = None) -> bool:
    """Only versions that have not taken effect yet may change (the others are history)."""
    return policy.pk is None or policy.effective_from > (today or agency_today())


def check_policy(policy: Policy, *, today: date | None = None) -> None:
    today = today or agency_today()
    original = Policy.objects.filter(pk=policy.pk).first() if policy.pk else None
    if original is not None and not policy_editable(original, today=today):
        raise ValidationError(
            _("This version has already taken effect and is read-only; add a new version instead."),
            code="history",
        )
    errors: dict[str, ValidationError] = {}
    if policy.effective_from is not None:
        if policy.effective_from <= today:
            errors["effective_from"] = ValidationError(
                _(
                    "A version takes effect from tomorrow (%(date)s) at the earliest: days already "
                    "past are history."
                )
                % {"date": f"{today + timedelta(days=1):%d/%m/%Y}"},
                code="past",
            )
        elif Policy.objects.filter(effective_from=policy.effective_from).exclude(pk=policy.pk).exists():
            errors["effective_from"] = ValidationError(
                _("Another version takes effect on this date; edit that one instead."), code="duplicate"
            )
    if policy.default_pattern_id is not None and not (
        WorkingPattern.objects.filter(pk=policy.default_pattern_id, is_active=True).exists()
    ):
        errors["default_pattern"] = ValidationError(_("Choose an active pattern."), code="inactive")
    days = list(policy.weekend_days or [])
    if any(d not in range(7) for d in days) or len(set(days)) != len(days):
        errors["weekend_days"] = ValidationError(_("Choose days of the week, each once."), code="invalid")
    elif len(days) == 7:
        errors["weekend_days"] = ValidationError(
            _("At least one day of the week must be a working day."), code="all_days"
        )
    start, end = policy.ramadan_start, policy.ramadan_end
    if (start is None) != (end is None):
        field = "ramadan_end" if end is None else "ramadan_start"
        errors[field] = ValidationError(
            _("Give both the first and the last day of the Ramadan hours, or neither."), code="both"
        )
    elif start is not None:
        if end < start:
            errors["ramadan_end"] = ValidationError(
                _("The last day of the Ramadan hours cannot be before the first."), code="order"
            )
        elif (end - start).days > 30:
            errors["ramadan_end"] = ValidationError(
                _("The Ramadan hours last at most 31 days."), code="length"
            )
        elif policy.effective_from is not None and end < policy.effective_from:
            errors["ramadan_end"] = ValidationError(
                _("The Ramadan period ends before this version takes effect."), code="before_effective"
            )
    thresholds = {
        "colour_yellow_to_green": policy.colour_yellow_to_green,
        "colour_green_to_red": policy.colour_green_to_red,
        "colour_green_stays": policy.colour_green_stays,
        "colour_red_stays": policy.colour_red_stays,
    }
    for field, value in thresholds.items():
        if value is None or not 1 <= value <= MAX_COLOUR_THRESHOLD:
            errors[field] = ValidationError(
                _("Use a number from 1 to %(max)d.") % {"max": MAX_COLOUR_THRESHOLD}, code="range"
            )
    if (
        "colour_green_stays" not in errors
        and "colour_green_to_red" not in errors
        and policy.colour_green_stays > policy.colour_green_to_red
    ):
        errors["colour_green_stays"] = ValidationError(
            _("Staying green cannot need more non-compliances than turning red."), code="order"
        )
    if errors:
        raise ValidationError(errors)


def _next_version_start(effective_from: date, *, exclude_pk=None) -> date:
    following = (
        Policy.objects.filter(effective_from__gt=effective_from)
        .exclude(pk=exclude_pk)
        .order_by("effective_from")
        .first()
    )
    return following.effective_from - timedelta(days=1) if following else FAR_FUTURE


def save_policy(policy: Policy) -> Policy:
    """Add a version, or change one that has not taken effect yet."""
    check_policy(policy)
    policy.weekend_days = sorted(set(policy.weekend_days or []))
    policy.full_clean()
    original = Policy.objects.filter(pk=policy.pk).first() if policy.pk else None
    with transaction.atomic():
        policy.save()
        # Versions start tomorrow at the earliest, so this normally finds nothing; it keeps records
        # made ahead of time (imports) consistent.
        start = min(policy.effective_from, original.effective_from) if original else policy.effective_from
        recompute_existing(start, _next_version_start(start, exclude_pk=policy.pk))
    return policy


def delete_policy(policy: Policy) -> None:
    if not policy_editable(policy):
        raise ValidationError(
            _("This version has already taken effect and is read-only; add a new version instead."),
            code="history",
        )
    with transaction.atomic():
        start = policy.effective_from
        policy.delete()
        recompute_existing(start, _next_version_start(start))


# --- holidays -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HolidayRow:
    date: date
    name: str
    state_name: str | None  # the `holidays` package's name, when it is a state holiday
    override: HolidayOverride | None

    @property
    def is_holiday(self) -> bool:
        return self.override is None or self.override.action == HolidayOverride.Action.ADD


def holiday_rows(state: str, year: int) -> list[HolidayRow]:
    """The state's holidays of a year merged with the agency's overrides, by date."""
    package = calendar.state_holidays(state, year)
    overrides = {o.date: o for o in HolidayOverride.objects.filter(date__year=year)}
    rows = []
    for day in sorted(set(package) | set(overrides)):
        override = overrides.get(day)
        name = (
            override.name if override and override.action == HolidayOverride.Action.ADD else package.get(day)
        )
        rows.append(HolidayRow(day, name or "", package.get(day), override))
    return rows


def check_holiday_override(override: HolidayOverride, *, state: str, today: date | None = None) -> None:
    today = today or agency_today()
    errors: dict[str, ValidationError] = {}
    day = override.date
    if day is None:
        raise ValidationError({"date": ValidationError(_("Choose a date."), code="required")})
    if abs(day.year - today.year) > 5:
        errors["date"] = ValidationError(_("Choose a date within five years of today."), code="range")
    elif HolidayOverride.objects.filter(date=day).exclude(pk=override.pk).exists():
        errors["date"] = ValidationError(
            _("This date already has an override; delete it first."), code="duplicate"
        )
    else:
        state_name = calendar.state_holidays(state, day.year).get(day)
        if override.action == HolidayOverride.Action.ADD:
            if state_name:
                errors["date"] = ValidationError(
                    _("This date is already a public holiday in the state (%(name)s).")
                    % {"name": state_name},
                    code="already_holiday",
                )
            if not (override.name or "").strip():
                errors["name"] = ValidationError(_("Give the holiday a name."), code="required")
        elif override.action == HolidayOverride.Action.REMOVE:
            if not state_name:
                errors["date"] = ValidationError(
                    _("This date is not a public holiday in the state; there is nothing to remove."),
                    code="not_holiday",
                )
        else:
            errors["action"] = ValidationError(_("Choose add or remove."), code="invalid")
    if errors:
        raise ValidationError(errors)


def add_holiday_override(override: HolidayOverride) -> HolidayOverride:
    """Add a holiday, or mark a state holiday as a working day, and recompute that day for everyone
    who already has a record on it."""
    profile = AgencyProfile.current()
    check_holiday_override(override, state=profile.state)
    override.name = (override.name or "").strip()
    if override.action == HolidayOverride.Action.REMOVE and not override.name:
        override.name = calendar.state_holidays(profile.state, override.date.year)[override.date]
    override.full_clean()
    with transaction.atomic():
        override.save()
        recompute_existing(override.date, override.date, profile=profile)
    return override


def delete_holiday_override(override: HolidayOverride) -> None:
    with transaction.atomic():
        day = override.date
        override.delete()
        recompute_existing(day, day)


# --- leave and arrangements -----------------------------------------------------------------------


def _check_range(obj, errors: dict, *, max_days: int = MAX_RANGE_DAYS) -> bool:
    if obj.start_date is None or obj.end_date is None:
        return False
    if obj.end_date < obj.start_date:
        errors["end_date"] = ValidationError(_("The last day cannot be before the first."), code="order")
        return False
    if (obj.end_date - obj.start_date).days + 1 > max_days:
        errors["end_date"] = ValidationError(
            _("One record covers at most %(days)d days; add another for the rest.") % {"days": max_days},
            code="length",
        )
        return False
    return True


def check_leave(leave: Leave) -> None:
    errors: dict[str, ValidationError] = {}
    if _check_range(leave, errors):
        if leave.half != rules.Half.FULL and leave.start_date != leave.end_date:
            errors["half"] = ValidationError(_("Half-day leave is for a single day."), code="half_range")
        clash = (
            Leave.objects.filter(
                officer_id=leave.officer_id, start_date__lte=leave.end_date, end_date__gte=leave.start_date
            )
            .exclude(pk=leave.pk)
            .first()
        )
        if clash is not None:
            errors["start_date"] = ValidationError(
                _("The officer already has leave from %(start)s to %(end)s.")
                % {"start": f"{clash.start_date:%d/%m/%Y}", "end": f"{clash.end_date:%d/%m/%Y}"},
                code="overlap",
            )
    if errors:
        raise ValidationError(errors)


def _save_period(record, check):
    """Save a leave or arrangement (dated periods of one officer) and recompute the days it covers."""
    check(record)
    record.full_clean()
    with transaction.atomic():
        record.save()
        recompute_existing(record.start_date, record.end_date, officer=record.officer)
    return record


def _delete_period(record) -> None:
    with transaction.atomic():
        officer, start, end = record.officer, record.start_date, record.end_date
        record.delete()
        recompute_existing(start, end, officer=officer)


def save_leave(leave: Leave) -> Leave:
    return _save_period(leave, check_leave)


delete_leave = _delete_period


def check_arrangement(arrangement: Arrangement) -> None:
    errors: dict[str, ValidationError] = {}
    is_pregnancy = arrangement.kind == Arrangement.Kind.PREGNANCY
    max_days = MAX_PREGNANCY_DAYS if is_pregnancy else MAX_RANGE_DAYS
    ok = _check_range(arrangement, errors, max_days=max_days)
    if is_pregnancy and "end_date" in errors and errors["end_date"].code == "length":
        errors["end_date"] = ValidationError(
            _(
                "Leaving one hour early runs from week 22 of the pregnancy until maternity leave: "
                "at most 20 weeks."
            ),
            code="length",
        )
    if ok:
        if arrangement.half != rules.Half.FULL:
            if arrangement.kind != Arrangement.Kind.BDR:
                errors["half"] = ValidationError(
                    _("Only work from home may be for half a day."), code="half_kind"
                )
            elif arrangement.start_date != arrangement.end_date:
                errors["half"] = ValidationError(
                    _("A half day of work from home is for a single day."), code="half_range"
                )
        clash = (
            Arrangement.objects.filter(
                officer_id=arrangement.officer_id,
                kind=arrangement.kind,
                start_date__lte=arrangement.end_date,
                end_date__gte=arrangement.start_date,
            )
            .exclude(pk=arrangement.pk)
            .first()
        )
        if clash is not None:
            errors["start_date"] = ValidationError(
                _("The officer already has this arrangement from %(start)s to %(end)s.")
                % {"start": f"{clash.start_date:%d/%m/%Y}", "end": f"{clash.end_date:%d/%m/%Y}"},
                code="overlap",
            )
    if errors:
        raise ValidationError(errors)


def save_arrangement(arrangement: Arrangement) -> Arrangement:
    return _save_period(arrangement, check_arrangement)


delete_arrangement = _delete_period


# --- officers' monthly patterns -------------------------------------------------------------------


@dataclass(frozen=True)
class MonthPattern:
    month: date
    code: str
    name: str
    own: bool  # set for the officer (else the policy's default)


def _policies_by_date() -> list[Policy]:
    return list(Policy.objects.select_related("default_pattern").order_by("effective_from"))


def _default_for(month: date, policies: list[Policy]) -> tuple[str, str]:
    policy = None
    for p in policies:
        if p.effective_from <= month:
            policy = p
    if policy is None:
        return rules.WBF.code, rules.WBF.code
    return policy.default_pattern.code, policy.default_pattern.name


def year_patterns(officers, year: int) -> dict[int, list[MonthPattern]]:
    """Each officer's pattern for each month of a year (Januari … Disember): two queries."""
    officer_ids = [o.pk for o in officers]
    own: dict[tuple[int, date], WorkingPattern] = {
        (p.officer_id, p.month): p.pattern
        for p in OfficerPattern.objects.filter(officer_id__in=officer_ids, month__year=year).select_related(
            "pattern"
        )
    }
    policies = _policies_by_date()
    months = [date(year, m, 1) for m in range(1, 13)]
    defaults = {m: _default_for(m, policies) for m in months}
    result = {}
    for officer_id in officer_ids:
        row = []
        for m in months:
            pattern = own.get((officer_id, m))
            if pattern is not None:
                row.append(MonthPattern(m, pattern.code, pattern.name, True))
            else:
                row.append(MonthPattern(m, *defaults[m], False))
        result[officer_id] = row
    return result


def check_month(month: date | None, *, field: str = "month", today: date | None = None) -> None:
    today = today or agency_today()
    if month is None:
        raise ValidationError({field: ValidationError(_("Choose a month."), code="required")})
    if month.replace(day=1) < today.replace(day=1):
        raise ValidationError(
            {
                field: ValidationError(
                    _("Choose this month or a later one: past months are history."), code="past"
                )
            }
        )


def set_officer_pattern(
    officer, month: date, pattern: WorkingPattern | None, *, today: date | None = None
) -> OfficerPattern | None:
    """Set (or, with None, clear back to the policy's default) an officer's pattern for a month, and
    recompute the days of that month the officer already has."""
    month = month.replace(day=1)
    check_month(month, today=today)
    if pattern is not None and not pattern.is_active:
        raise ValidationError({"pattern": ValidationError(_("Choose an active pattern."), code="inactive")})
    with transaction.atomic():
        if pattern is None:
            OfficerPattern.objects.filter(officer=officer, month=month).delete()
            row = None
        else:
            row = OfficerPattern.objects.filter(officer=officer, month=month).first()
            if row is None:
                row = OfficerPattern.objects.create(officer=officer, month=month, pattern=pattern)
            elif row.pattern_id != pattern.pk:
                row.pattern = pattern
                row.save()
        recompute_existing(month, month_end(month), officer=officer)
    return row


# --- pattern requests -----------------------------------------------------------------------------


def decidable_pattern_requests(access):
    """Requests this person may decide: their supervisees' (org admins: anyone's)."""
    qs = PatternRequest.objects.select_related("officer__user", "pattern", "decided_by__user")
    if access.is_org_admin:
        return qs
    if access.is_supervisor and access.officer is not None:
        return qs.filter(officer__in=access.supervisee_ids())
    return qs.none()


def request_months(today: date | None = None, count: int = 13) -> list[date]:
    """The months an officer may ask for: this one and the next twelve."""
    first = (today or agency_today()).replace(day=1)
    return [add_months(first, n) for n in range(count)]


def request_pattern(officer, *, month: date, pattern: WorkingPattern, reason: str) -> PatternRequest:
    """An officer asks for another pattern for this month or a later one; their supervisor decides."""
    today = agency_today()
    errors: dict[str, ValidationError] = {}
    reason = (reason or "").strip()
    month = month.replace(day=1) if month else month
    try:
        check_month(month, today=today)
    except ValidationError as exc:
        errors.update(exc.error_dict)
    else:
        if month > add_months(today.replace(day=1), 12):
            errors["month"] = ValidationError(_("Ask at most a year ahead."), code="too_far")
        elif PatternRequest.objects.filter(
            officer=officer, month=month, status=PatternRequest.Status.PENDING
        ).exists():
            errors["month"] = ValidationError(
                _("You already have a request for this month awaiting a decision."), code="pending"
            )
        elif pattern is not None:
            current = calendar.pattern_for(officer, month, calendar.policy_for(month))
            if current.code == pattern.code:
                errors["pattern"] = ValidationError(
                    _("This is already your pattern for that month."), code="same"
                )
    if pattern is None or not pattern.is_active:
        errors["pattern"] = ValidationError(_("Choose an active pattern."), code="inactive")
    if len(reason) < 5:
        errors["reason"] = ValidationError(_("Explain in a few words (at least 5 characters)."), code="short")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            req = PatternRequest.objects.create(officer=officer, month=month, pattern=pattern, reason=reason)
            if officer.supervisor_id:
                notify(
                    officer.supervisor.user,
                    Kind.PATTERN_REQUESTED,
                    gettext_lazy("%(name)s requests working pattern %(pattern)s for %(month)s"),
                    url="/attendance/team/pattern-requests/",
                    name=officer.user.get_full_name(),
                    pattern=pattern.code,
                    month=f"{month:%m/%Y}",
                )
    except IntegrityError as exc:  # a double submit raced the check above
        raise ValidationError(
            {"month": ValidationError(_("You already have a request for this month awaiting a decision."))}
        ) from exc
    return req


def decide_pattern_request(req: PatternRequest, *, by, approve: bool, comment: str = "") -> PatternRequest:
    """Approve (the officer's pattern for the month is set and the month's days recomputed) or reject
    with a comment. `by` is the deciding officer; who may decide is the caller's queryset."""
    comment = (comment or "").strip()
    today = agency_today()
    with transaction.atomic():
        req = (
            PatternRequest.objects.select_for_update(of=("self",))
            .select_related("pattern", "officer__user")
            .get(pk=req.pk)
        )
        if req.status != PatternRequest.Status.PENDING:
            raise ValidationError(_("This request has already been decided."), code="decided")
        if not approve and len(comment) < 3:
            raise ValidationError(
                {
                    "comment": ValidationError(
                        _("Give the officer a reason for the rejection."), code="required"
                    )
                }
            )
        if approve:
            if req.month < today.replace(day=1):
                raise ValidationError(
                    _("The month has passed; the request can only be rejected."), code="past"
                )
            if not req.pattern.is_active:
                raise ValidationError(
                    _("The pattern is no longer in use; the request can only be rejected."), code="inactive"
                )
        req.status = PatternRequest.Status.APPROVED if approve else PatternRequest.Status.REJECTED
        req.decided_by = by
        req.decided_at = timezone.now()
        req.comment = comment
        req.save()
        if approve:
            set_officer_pattern(req.officer, req.month, req.pattern, today=today)
        message = (
            gettext_lazy("Your request for working pattern %(pattern)s for %(month)s was approved")
            if approve
            else gettext_lazy("Your request for working pattern %(pattern)s for %(month)s was rejected")
        )
        notify(
            req.officer.user,
            Kind.PATTERN_DECIDED,
            message,
            url="/attendance/my-pattern/",
            pattern=req.pattern.code,
            month=f"{req.month:%m/%Y}",
        )
    return req


def parse_month(value: str) -> date | None:
    """ "2026-03" → 1 March 2026; anything else → None."""
    try:
        return datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        return None
